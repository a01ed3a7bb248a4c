package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rosetta's own JVM metrics and the status page, on the embedded default configuration. */
class OwnTelemetryTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The embedded default, on ephemeral ports. */
  static String embeddedDefaultOnEphemeralPorts() {
    return ConfigLoader.embeddedDefaultText().replace("127.0.0.1:4317", "127.0.0.1:0")
        .replace("127.0.0.1:4318", "127.0.0.1:0").replace("127.0.0.1:9464", "127.0.0.1:0");
  }

  private HttpResponse<String> get(RosettaService s, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.metricsAddress().getPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFirstScrapeOfAFreshServiceHasItsOwnJvmFamiliesMappedByTheJvmViews() throws Exception {
    RosettaConfig config = ConfigLoader.parse(embeddedDefaultOnEphemeralPorts(), "test", Map.of());
    try (RosettaService s = Rosetta.create(config)) {
      s.start();
      String body = get(s, "/metrics").body();
      assertThat(body).contains("# TYPE rosetta_receiver_requests_total counter")
          .containsPattern("(?m)^jvm_memory_used_bytes\\{.*jvm_memory_pool_name=\"[^\"]+\".*\\} ")
          .containsPattern("(?m)^jvm_memory_used_bytes\\{.*jvm_memory_type=\"heap\".*\\} ")
          .containsPattern("(?m)^jvm_thread_live\\{")
          .containsPattern("(?m)^jvm_class_count\\{")
          .containsPattern("(?m)^jvm_cpu_count\\{")
          .containsPattern("(?m)^jvm_memory_used_bytes\\{.*job=\"rosetta\"");
      // not counted as received: nothing was sent
      assertThat(body).doesNotContain("rosetta_receiver_accepted_points_total{");
      assertThat(s.components().metrics().viewsPoints("mapped")).isZero();
    }
  }

  @Test
  void ownJvmMetricsCanBeSwitchedOff() throws Exception {
    RosettaConfig config = ConfigLoader.parse(embeddedDefaultOnEphemeralPorts().replace("own_jvm: true ",
        "own_jvm: false"), "test", Map.of());
    assertThat(config.service().ownJvmMetrics()).isFalse();
    try (RosettaService s = Rosetta.create(config)) {
      s.start();
      assertThat(get(s, "/metrics").body()).contains("rosetta_receiver_requests_total").doesNotContain("jvm_");
    }
  }

  @Test
  void theStatusPageIsOnByDefaultAndOffWhenSwitchedOff() throws Exception {
    RosettaConfig on = ConfigLoader.parse(embeddedDefaultOnEphemeralPorts(), "test", Map.of());
    try (RosettaService s = Rosetta.create(on)) {
      s.start();
      HttpResponse<String> page = get(s, "/status");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("default-src 'none'");
      assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("<table id=\"components\">")
          .contains("<dd>test</dd>").doesNotContain("<script");
      assertThat(get(s, "/metrics").statusCode()).isEqualTo(200);
    }
    RosettaConfig off = ConfigLoader.parse(embeddedDefaultOnEphemeralPorts().replace(
        "enabled: true                  # /status", "enabled: false                 # /status"), "test", Map.of());
    assertThat(off.exporters().prometheus().statusPage()).isFalse();
    try (RosettaService s = Rosetta.create(off)) {
      s.start();
      assertThat(get(s, "/status").statusCode()).isEqualTo(404);
    }
  }
}
