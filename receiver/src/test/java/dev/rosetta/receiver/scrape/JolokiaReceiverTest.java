package dev.rosetta.receiver.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The jolokia receiver: one bulk read per target with ignoreErrors, basic auth, the answer decoded
 * as the push endpoint decodes it and mapped by the built-in jvm views, with the target's labels.
 */
class JolokiaReceiverTest {
  static final String ANSWER = """
      [{"request":{"mbean":"java.lang:type=Threading","type":"read"},
        "value":{"ThreadCount":17,"DaemonThreadCount":9,"PeakThreadCount":20,"TotalStartedThreadCount":40},
        "status":200,"timestamp":1700000000},
       {"request":{"mbean":"java.lang:type=MemoryPool,*","type":"read"},
        "value":{"java.lang:name=G1 Eden Space,type=MemoryPool":{"Name":"G1 Eden Space","Type":"HEAP",
          "Usage":{"init":1,"used":1234,"committed":4096,"max":-1}}},
        "status":200,"timestamp":1700000000},
       {"request":{"mbean":"java.lang:type=Compilation","type":"read"},"error":"not there","status":404}]
      """;

  TargetServer agent;
  RosettaService svc;

  @AfterEach
  void close() {
    if (svc != null) {
      svc.stop();
    }
    agent.close();
  }

  @Test
  void bulkReadWithBasicAuthMapsToTheJvmFamilies() throws Exception {
    agent = new TargetServer();
    agent.answers.put("/jolokia/", new TargetServer.Answer(200, "text/plain;charset=utf-8",
        ANSWER.getBytes(StandardCharsets.UTF_8), 0));
    String yaml = """
        receivers:
          jolokia:
            config:
              scrape_configs:
                - job_name: jvms
                  scrape_interval: 500ms
                  scrape_timeout: 400ms
                  basic_auth: {username: monitor, password: s3cret}
                  static_configs: [{targets: ["%s"], labels: {cluster: c1}}]
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        service:
          telemetry: {metrics: {own_jvm: false}}   # only the families the agent answered
        """.formatted(agent.address());
    svc = Rosetta.create(ConfigLoader.parse(yaml, "test", Map.of()));
    svc.start();
    HttpClient http = HttpClient.newHttpClient();
    String body = "";
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + svc.metricsAddress().getPort()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      if (body.contains("jvm_thread_live{")) {
        break;
      }
      Thread.sleep(100);
    }
    String instance = agent.address();
    // ThreadCount 17 of which DaemonThreadCount 9: the two series partition the live threads
    assertThat(body).contains("jvm_thread_live{cluster=\"c1\",instance=\"" + instance
        + "\",job=\"jvms\",jvm_thread_daemon=\"false\",} 8.0");
    assertThat(body).contains("jvm_thread_live{cluster=\"c1\",instance=\"" + instance
        + "\",job=\"jvms\",jvm_thread_daemon=\"true\",} 9.0");
    assertThat(body).contains("jvm_memory_used_bytes{cluster=\"c1\",instance=\"" + instance
        + "\",job=\"jvms\",jvm_memory_pool_name=\"G1 Eden Space\",jvm_memory_type=\"heap\",} 1234.0");
    assertThat(body).contains("up{cluster=\"c1\",instance=\"" + instance + "\",job=\"jvms\",} 1.0");
    assertThat(agent.lastQuery.get("/jolokia/")).isEqualTo("ignoreErrors=true");
    assertThat(agent.lastAuthorization.get("/jolokia/")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("monitor:s3cret".getBytes(StandardCharsets.UTF_8)));
    JsonArray read = JsonParser.parseString(agent.lastBody.get("/jolokia/")).getAsJsonArray();
    assertThat(read).hasSize(9);
    assertThat(read.get(1).getAsJsonObject().get("mbean").getAsString()).isEqualTo("java.lang:type=MemoryPool,*");
    assertThat(read.get(0).getAsJsonObject().get("type").getAsString()).isEqualTo("read");

    agent.answers.put("/jolokia/", new TargetServer.Answer(401, "text/plain", new byte[0], 0));
    end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + svc.metricsAddress().getPort()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      if (body.contains("up{cluster=\"c1\",instance=\"" + instance + "\",job=\"jvms\",} 0.0")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(body).contains("up{cluster=\"c1\",instance=\"" + instance + "\",job=\"jvms\",} 0.0");
    assertThat(body).doesNotContain("jvm_thread_live{");
    assertThat(body).contains("rosetta_scrape_failures_total{receiver=\"jolokia\",job=\"jvms\",reason=\"http_status\",}");
  }
}
