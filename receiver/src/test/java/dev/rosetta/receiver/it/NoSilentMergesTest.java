package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rosetta.receiver.testing.OtlpSink;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sources on one Prometheus series are never merged silently: the second is refused, counted and
 * reported in the response's partial success — unless an {@code aggregate:} rule says to combine
 * them, and then the aggregate is exact, on {@code /metrics} and in what is forwarded.
 */
class NoSilentMergesTest {
  static final String GC_SERIES = "go_cpu_time_seconds_total{go_cpu_state=\"gc\",instance=\"pod-1\",job=\"checkout\",}";
  static final String LABELDROP = """
      relabel:
        output:
          - action: labeldrop
            regex: go_cpu_detailed_state
      """;
  static final String AGGREGATE = """
      aggregate:
        - family: go_cpu_time_seconds_total
          without: [go_cpu_detailed_state]
          op: sum
      """;

  @TempDir Path tmp;

  /** A Go runtime/metrics snapshot with the four GC CPU classes (cumulative seconds). */
  static String gcClasses(double assist, double dedicated, double idle, double pause, long time) {
    JsonObject root = new JsonObject();
    JsonObject res = new JsonObject();
    res.addProperty("service.name", "checkout");
    res.addProperty("service.instance.id", "pod-1");
    root.add("resource", res);
    root.addProperty("time_unix_nano", time);
    JsonArray samples = new JsonArray();
    String[] paths = {"gc/mark/assist", "gc/mark/dedicated", "gc/mark/idle", "gc/pause"};
    double[] values = {assist, dedicated, idle, pause};
    for (int i = 0; i < paths.length; i++) {
      JsonObject s = new JsonObject();
      s.addProperty("name", "/cpu/classes/" + paths[i] + ":cpu-seconds");
      s.addProperty("kind", "float64");
      s.addProperty("value", values[i]);
      s.addProperty("cumulative", true);
      samples.add(s);
    }
    root.add("samples", samples);
    return root.toString();
  }

  static JsonObject partialSuccess(HttpResponse<String> resp) {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    JsonObject body = JsonParser.parseString(resp.body()).getAsJsonObject();
    return body.has("partialSuccess") ? body.getAsJsonObject("partialSuccess") : new JsonObject();
  }

  static String sample(String text, String series) {
    return text.lines().filter(l -> l.startsWith(series)).findFirst().orElse("(no " + series + ")");
  }

  @Test
  void aRelabelRuleThatMergesFourSourcesIsRefusedCountedAndReported() throws Exception {
    try (RunningRosetta rosetta = new RunningRosetta(LABELDROP)) {
      JsonObject partial = partialSuccess(SemanticPipelineTest.postJson(rosetta, "/v1/go/runtime-metrics",
          gcClasses(1, 2, 3, 4, 1_700_000_000_000_000_000L)));
      assertThat(partial.get("rejectedDataPoints").getAsLong()).isEqualTo(3);
      assertThat(partial.get("errorMessage").getAsString()).contains("collision: 3");
      String text = rosetta.scrape();
      assertThat(sample(text, GC_SERIES)).isEqualTo(GC_SERIES + " 1.0");
      assertThat(text)
          .contains("rosetta_store_refused_points_total{reason=\"collision\",} 3.0")
          .contains("rosetta_receiver_refused_points_total{transport=\"go_runtime\",reason=\"collision\",} 3.0");
    }
  }

  @Test
  void withAnAggregateRuleTheFourClassesSumToTen() throws Exception {
    for (String config : List.of(AGGREGATE, LABELDROP + AGGREGATE)) {
      try (RunningRosetta rosetta = new RunningRosetta(config)) {
        JsonObject partial = partialSuccess(SemanticPipelineTest.postJson(rosetta, "/v1/go/runtime-metrics",
            gcClasses(1, 2, 3, 4, 1_700_000_000_000_000_000L)));
        assertThat(partial.size()).as(config).isZero();
        String text = rosetta.scrape();
        assertThat(sample(text, GC_SERIES)).as(config).isEqualTo(GC_SERIES + " 10.0");
        assertThat(text).doesNotContain("go_cpu_detailed_state");
      }
    }
  }

  @Test
  void twoViewsClaimingOneFamilyCollide() throws Exception {
    Path views = tmp.resolve("queues.yaml");
    Files.writeString(views, """
        views:
          - id: orders.queue
            match: app.orders.queue.size
            name: app.queue.size
            type: gauge
          - id: billing.queue
            match: app.billing.queue.size
            name: app.queue.size
            type: gauge
        """);
    try (RunningRosetta rosetta = new RunningRosetta("views: {files: [\"" + views + "\"]}\n")) {
      ExportMetricsServiceResponse resp = export(rosetta, request(gauge("app.orders.queue.size", 5),
          gauge("app.billing.queue.size", 7)));
      assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
      assertThat(resp.getPartialSuccess().getErrorMessage()).contains("collision");
      String text = rosetta.scrape();
      assertThat(text).contains("app_queue_size{instance=\"pod-1\",job=\"checkout\",} 5.0")
          .contains("rosetta_store_refused_points_total{reason=\"collision\",} 1.0");
    }
  }

  @Test
  void namesThatSanitizeAlikeCollide() throws Exception {
    try (RunningRosetta rosetta = new RunningRosetta("")) {
      ExportMetricsServiceResponse resp = export(rosetta, request(gauge("a.b", 1), gauge("a_b", 2)));
      assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
      assertThat(resp.getPartialSuccess().getErrorMessage()).contains("collision");
      assertThat(rosetta.scrape()).contains("a_b{instance=\"pod-1\",job=\"checkout\",} 1.0");
    }
  }

  @Test
  void theBuiltInViewsMapAGoSnapshotAndThisJvmWithoutACollision() throws Exception {
    try (RunningRosetta rosetta = new RunningRosetta("")) {
      JsonObject go = partialSuccess(SemanticPipelineTest.postJson(rosetta, "/v1/go/runtime-metrics",
          SemanticPipelineTest.goNativeBody()));
      assertThat(go.size()).as(go.toString()).isZero();
      JsonObject jvm = partialSuccess(SemanticPipelineTest.postJson(rosetta,
          "/v1/jvm/jolokia?service.name=orders&service.instance.id=jvm-1", SemanticPipelineTest.jolokiaBulkFromThisJvm()));
      assertThat(jvm.size()).as(jvm.toString()).isZero();
      assertThat(rosetta.scrape()).contains("rosetta_store_refused_points_total{reason=\"collision\",} 0.0");
    }
  }

  @Test
  void forwardedOtlpCarriesTheAggregate() throws Exception {
    try (OtlpSink sink = OtlpSink.netty(Optional.empty());
        RunningRosetta rosetta = new RunningRosetta("""
          otlp:
            endpoint: http://%s
            retry_on_failure: {initial_interval: 100ms, max_interval: 300ms}
            batch: {timeout: 20ms}
        service:
          shutdown_timeout: 2s
        """.formatted(sink.target()) + AGGREGATE)) {
      long t0 = 1_700_000_000_000_000_000L;
      partialSuccess(SemanticPipelineTest.postJson(rosetta, "/v1/go/runtime-metrics", gcClasses(1, 2, 3, 4, t0)));
      assertThat(sink.awaitAcceptedPoints(1, Duration.ofSeconds(20))).isTrue();
      partialSuccess(SemanticPipelineTest.postJson(rosetta, "/v1/go/runtime-metrics",
          gcClasses(2, 3, 4, 5, t0 + 10_000_000_000L)));
      assertThat(sink.awaitAcceptedPoints(2, Duration.ofSeconds(20))).isTrue();
      List<NumberDataPoint> forwarded = new ArrayList<>();
      for (ExportMetricsServiceRequest r : sink.acceptedRequests()) {
        for (ResourceMetrics rm : r.getResourceMetricsList()) {
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              assertThat(m.getName()).isEqualTo("go.cpu.time");
              assertThat(m.getSum().getIsMonotonic()).isTrue();
              forwarded.addAll(m.getSum().getDataPointsList());
            }
          }
        }
      }
      assertThat(forwarded).as("one aggregate point per request").hasSize(2);
      assertThat(forwarded).extracting(NumberDataPoint::getAsDouble).containsExactly(10.0, 14.0);
      for (NumberDataPoint p : forwarded) {
        assertThat(p.getAttributesList()).extracting(KeyValue::getKey).containsExactly("go.cpu.state");
      }
      assertThat(sample(rosetta.scrape(), GC_SERIES)).isEqualTo(GC_SERIES + " 14.0");
    }
  }

  static Metric gauge(String name, double value) {
    return Metric.newBuilder().setName(name).setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(value).setTimeUnixNano(1))).build();
  }

  static ExportMetricsServiceRequest request(Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(ForwardingTest.kv("service.name", "checkout"))
            .addAttributes(ForwardingTest.kv("service.instance.id", "pod-1")))
        .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(List.of(metrics)))).build();
  }

  static ExportMetricsServiceResponse export(RunningRosetta r, ExportMetricsServiceRequest req) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.service.grpcAddress().orElseThrow().getPort())
        .usePlaintext().build();
    try {
      return MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).export(req);
    } finally {
      ch.shutdownNow();
    }
  }
}
