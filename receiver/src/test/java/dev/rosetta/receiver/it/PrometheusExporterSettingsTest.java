package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus exporter's namespace, const_labels, send_timestamps and enable_open_metrics, from the configuration to a scrape. */
class PrometheusExporterSettingsTest {
  private static final long POINT_NANOS = 1_700_000_000_000_000_000L;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static RosettaService start(String prometheusKeys) throws Exception {
    RosettaService s = Rosetta.create(ConfigLoader.parse("""
        receivers:
          otlp:
            protocols:
              http: {endpoint: "127.0.0.1:0"}
        exporters:
          prometheus:
            endpoint: "127.0.0.1:0"
        %s
        """.formatted(prometheusKeys.indent(4)), "test", Map.of()));
    s.start();
    return s;
  }

  private HttpResponse<String> get(RosettaService s, String accept) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.metricsAddress().getPort() + "/metrics"))
        .header("Accept", accept).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void send(RosettaService s) throws Exception {
    String body = """
        {"resourceMetrics": [{"resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": "orders"}}]},
          "scopeMetrics": [{"metrics": [{"name": "queue.depth", "gauge": {"dataPoints": [
            {"asDouble": 3, "timeUnixNano": "%d"}]}}]}]}]}
        """.formatted(POINT_NANOS);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + s.httpAddress().orElseThrow().getPort() + "/v1/metrics"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void theKeysShapeWhatAScrapeShows() throws Exception {
    String openMetrics = "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5";
    try (RosettaService s = start("""
        namespace: shop
        const_labels: {cluster: eu-1}
        send_timestamps: true
        enable_open_metrics: true
        """)) {
      send(s);
      HttpResponse<String> r = get(s, openMetrics);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
      assertThat(r.body())
          .contains("shop_queue_depth{cluster=\"eu-1\",job=\"orders\"} 3.0 1700000000.000\n")
          .contains("rosetta_receiver_accepted_points_total{")
          .doesNotContain("shop_rosetta_")
          .endsWith("# EOF\n");
    }
  }

  @Test
  void byDefaultTheTextFormatWithoutTimestampsWhateverTheScraperAsks() throws Exception {
    try (RosettaService s = start("")) {
      send(s);
      HttpResponse<String> r = get(s, "application/openmetrics-text; version=1.0.0");
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
      assertThat(r.body()).contains("queue_depth{job=\"orders\",} 3.0\n");
    }
  }
}
