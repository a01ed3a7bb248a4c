package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.ConfigReloader;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload swaps a valid configuration in and rejects an invalid one while the old keeps serving. */
class ConfigReloadTest {
  static final String BASE = """
      receivers:
        otlp:
          protocols:
            http: {endpoint: "127.0.0.1:0"}
      exporters:
        prometheus: {endpoint: "127.0.0.1:0"}
      relabel:
        output:
          - source_labels: [__name__]
            regex: "temperature"
            target_label: __name__
            replacement: "%s"
      """;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  void send(RosettaService svc, String room) throws Exception {
    String body = """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"temperature","gauge":{"dataPoints":[
          {"asDouble":21.5,"attributes":[{"key":"room","value":{"stringValue":"%s"}}]}]}}]}]}]}
        """.formatted(room);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + svc.httpAddress().orElseThrow().getPort() + "/v1/metrics"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  String scrape(RosettaService svc) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + svc.metricsAddress().getPort()
        + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Replaces the file's content at once, as editors and ConfigMap updates do: never seen half-written. */
  static void replace(Path file, String text) throws Exception {
    Path tmp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void validChangesSwapInAndInvalidOnesAreRejected(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rosetta.yaml");
    Files.writeString(file, BASE.formatted("room_temp_v1"));
    RosettaConfig initial = ConfigLoader.load(file, Map.of());
    RosettaService svc = Rosetta.create(initial);
    svc.start();
    try {
      ConfigReloader reloader = svc.watchConfig(file, Map.of(), initial, Duration.ofMillis(100));
      send(svc, "a");
      assertThat(scrape(svc)).contains("room_temp_v1{room=\"a\",} 21.5");

      // a valid change, picked up by polling the file
      replace(file, BASE.formatted("room_temp_v2"));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!scrape(svc).contains("rosetta_config_reloads_total{result=\"success\",} 1.0")) {
        assertThat(System.nanoTime()).as("reload within 10 s").isLessThan(deadline);
        Thread.sleep(50);
      }
      send(svc, "b");
      assertThat(scrape(svc)).contains("room_temp_v2{room=\"b\",} 21.5");

      // an invalid file: rejected, the running rules stay
      replace(file, BASE.formatted("room_temp_v3") + "  bogus_key: 1\n");
      assertThat(reloader.reload()).isFalse();
      send(svc, "c");
      String text = scrape(svc);
      assertThat(text)
          .contains("room_temp_v2{room=\"c\",} 21.5")
          .doesNotContain("room_temp_v3")
          // the poller may have tried the broken file too before the direct reload: one or two failures
          .containsPattern("rosetta_config_reloads_total\\{result=\"failure\",} [12]\\.0")
          .contains("rosetta_config_last_reload_successful 0.0");
      assertThat(reloader.current().relabel().output().configs().get(0).replacement()).isEqualTo("room_temp_v2");

      // fixed again: a direct reload (as SIGHUP does) applies it
      replace(file, BASE.formatted("room_temp_v4"));
      assertThat(reloader.reload()).isTrue();
      send(svc, "d");
      assertThat(scrape(svc)).contains("room_temp_v4{room=\"d\",} 21.5")
          .contains("rosetta_config_last_reload_successful 1.0");
    } finally {
      svc.stop();
    }
  }
}
