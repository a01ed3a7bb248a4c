package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.ConfigReloader;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.otlp.OtlpJson;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label limits over every transport: the offending points are refused with partial_success
 * and counted by reason, the rest of the request is stored, and a reload changes the limits.
 */
class LabelLimitsIntegrationTest {
  static final String LIMITS = "limits: {label_limit: 5, label_value_length_limit: 100}\n";

  static ExportMetricsServiceRequest request(int wideAttributes) {
    NumberDataPoint.Builder wide = NumberDataPoint.newBuilder().setAsDouble(2).setTimeUnixNano(1);
    for (int i = 0; i < wideAttributes; i++) {
      wide.addAttributes(ForwardingTest.kv("a" + i, "v"));
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(ForwardingTest.kv("service.name", "limits")))
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("narrow").setGauge(Gauge.newBuilder()
                    .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1).setTimeUnixNano(1)
                        .addAttributes(ForwardingTest.kv("k", "v")))))
                .addMetrics(Metric.newBuilder().setName("wide").setGauge(Gauge.newBuilder().addDataPoints(wide)))))
        .build();
  }

  static HttpResponse<byte[]> post(RunningRosetta r, String path, String type, byte[] body) throws Exception {
    return r.http.send(HttpRequest.newBuilder(URI.create(r.httpBase() + path)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void offendingPointsAreRefusedOnEveryTransport() throws Exception {
    try (RunningRosetta r = new RunningRosetta(LIMITS)) {
      // OTLP/HTTP protobuf
      var resp = post(r, "/v1/metrics", "application/x-protobuf", request(6).toByteArray());
      assertThat(resp.statusCode()).isEqualTo(200);
      var partial = ExportMetricsServiceResponse.parseFrom(resp.body()).getPartialSuccess();
      assertThat(partial.getRejectedDataPoints()).isEqualTo(1);
      assertThat(partial.getErrorMessage()).contains("label_limit: 1").contains("metric wide: point attributes: 6");

      // OTLP/HTTP JSON
      resp = post(r, "/v1/metrics", "application/json",
          OtlpJson.print(request(7)).getBytes(StandardCharsets.UTF_8));
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(new String(resp.body(), StandardCharsets.UTF_8)).contains("\"rejectedDataPoints\":\"1\"");

      // OTLP/gRPC
      ManagedChannel ch = NettyChannelBuilder.forTarget(r.grpcEndpoint().substring("http://".length()))
          .usePlaintext().build();
      try {
        var g = MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).export(request(8));
        assertThat(g.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
      } finally {
        ch.shutdownNow();
      }

      // Go native: the resource's attributes refuse all its samples
      StringBuilder res = new StringBuilder("{\"service.name\": \"go\"");
      for (int i = 0; i < 5; i++) {
        res.append(", \"r").append(i).append("\": \"v\"");
      }
      String goBody = "{\"resource\": " + res + "}, \"samples\": [{\"name\": \"/gc/heap/allocs:bytes\", \"kind\": "
          + "\"uint64\", \"value\": 1}, {\"name\": \"/sched/goroutines:goroutines\", \"kind\": \"uint64\", \"value\": 2}]}";
      resp = post(r, "/v1/go/runtime-metrics", "application/json", goBody.getBytes(StandardCharsets.UTF_8));
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(new String(resp.body(), StandardCharsets.UTF_8)).contains("\"rejectedDataPoints\":\"2\"")
          .contains("resource attributes: 6 attributes");

      // Jolokia: a sibling value over the value length refuses the MBean's points
      String jolokia = "{\"request\": {\"mbean\": \"java.lang:type=Memory\", \"type\": \"read\"}, \"status\": 200,"
          + " \"value\": {\"Verbose\": \"" + "x".repeat(101) + "\", \"ObjectPendingFinalizationCount\": 0}}";
      resp = post(r, "/v1/jvm/jolokia", "application/json", jolokia.getBytes(StandardCharsets.UTF_8));
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(new String(resp.body(), StandardCharsets.UTF_8)).contains("\"rejectedDataPoints\":\"1\"")
          .contains("label_value_length_limit");

      String scrape = r.scrape();
      assertThat(scrape).contains("narrow{job=\"limits\",k=\"v\",} 1.0").doesNotContain("wide{");
      assertThat(scrape)
          .contains("rosetta_receiver_refused_points_total{transport=\"http_protobuf\",reason=\"label_limit\",} 1.0")
          .contains("rosetta_receiver_refused_points_total{transport=\"http_json\",reason=\"label_limit\",} 1.0")
          .contains("rosetta_receiver_refused_points_total{transport=\"grpc\",reason=\"label_limit\",} 1.0")
          .contains("rosetta_receiver_refused_points_total{transport=\"go_runtime\",reason=\"label_limit\",} 2.0")
          .contains("rosetta_receiver_refused_points_total{transport=\"jolokia\",reason=\"label_value_length_limit\",} 1.0");
    }
  }

  @Test
  void bodiesThatAreNotUtf8Are400() throws Exception {
    try (RunningRosetta r = new RunningRosetta("")) {
      byte[] bad = "{\"samples\": [], \"resource\": {\"a\": \"\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1);
      for (String path : new String[] {"/v1/metrics", "/v1/go/runtime-metrics", "/v1/jvm/jolokia"}) {
        var resp = post(r, path, "application/json", bad);
        assertThat(resp.statusCode()).as(path).isEqualTo(400);
        assertThat(new String(resp.body(), StandardCharsets.UTF_8)).as(path).contains("not valid UTF-8");
      }
    }
  }

  @Test
  void aReloadChangesTheLimits(@TempDir Path dir) throws Exception {
    String base = """
        receivers:
          otlp:
            protocols:
              http: {endpoint: "127.0.0.1:0"}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        """;
    Path file = dir.resolve("rosetta.yaml");
    Files.writeString(file, base + LIMITS);
    RosettaConfig initial = ConfigLoader.load(file, Map.of());
    RosettaService svc = Rosetta.create(initial);
    svc.start();
    try {
      ConfigReloader reloader = svc.watchConfig(file, Map.of(), initial, Duration.ofHours(1));
      var client = java.net.http.HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + svc.httpAddress().orElseThrow().getPort() + "/v1/metrics");
      HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(request(6).toByteArray())).timeout(Duration.ofSeconds(10))
          .build();
      var before = ExportMetricsServiceResponse.parseFrom(client.send(req, HttpResponse.BodyHandlers.ofByteArray()).body());
      assertThat(before.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
      Files.writeString(file, base + "limits: {label_limit: 0}\n");
      reloader.reload();
      var after = ExportMetricsServiceResponse.parseFrom(client.send(req, HttpResponse.BodyHandlers.ofByteArray()).body());
      assertThat(after.hasPartialSuccess()).isFalse();
    } finally {
      svc.stop();
    }
  }
}
