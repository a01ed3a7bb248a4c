package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rosetta.model.name.ClientGolangNames;
import dev.rosetta.model.name.GoCatalog;
import dev.rosetta.receiver.testing.OtlpSink;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
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
  void withTheRuntimeOverlayAndClient_golangsNamesTheBuiltInViewsStillMapWithoutACollision() throws Exception {
    try (RunningRosetta rosetta = new RunningRosetta("views: {builtin: [go, jvm, runtime]}\n")) {
      JsonObject go = partialSuccess(SemanticPipelineTest.postJson(rosetta, "/v1/go/runtime-metrics",
          SemanticPipelineTest.goNativeBody()));
      assertThat(go.size()).as(go.toString()).isZero();
      // the same process's snapshot once more, its paths beside client_golang's and MemStats' names for
      // them in one batch (one of each quantity is kept), then under those names alone: one quantity
      // under several names is one source, batch after batch
      long t = SemanticPipelineTest.TIME;
      for (ExportMetricsServiceRequest req : List.of(goUnderClientGolangNames(true, t + 10_000_000_000L),
          goUnderClientGolangNames(false, t + 20_000_000_000L))) {
        ExportMetricsServiceResponse resp = export(rosetta, req);
        assertThat(resp.getPartialSuccess().getRejectedDataPoints()).as(resp.toString()).isZero();
        assertThat(resp.getPartialSuccess().getErrorMessage()).as(resp.toString()).isEmpty();
      }
      JsonObject jvm = partialSuccess(SemanticPipelineTest.postJson(rosetta,
          "/v1/jvm/jolokia?service.name=orders&service.instance.id=jvm-1", SemanticPipelineTest.jolokiaBulkFromThisJvm()));
      assertThat(jvm.size()).as(jvm.toString()).isZero();
      String text = rosetta.scrape();
      assertThat(text).contains("rosetta_store_refused_points_total{reason=\"collision\",} 0.0")
          .contains("runtime_memory_heap_used_bytes{instance=\"pod-1\",job=\"checkout\",runtime=\"go\",}")
          .contains("runtime_memory_heap_used_bytes{instance=\"jvm-1\",job=\"orders\",runtime=\"jvm\",}");
      assertThat(counter(text, "rosetta_views_points_total{outcome=\"duplicate\",}")).isPositive();
      assertThat(counter(text, "rosetta_views_points_total{outcome=\"overlay\",}")).isPositive();
      assertThat(counter(text, "rosetta_views_points_total{outcome=\"invalid\",}")).isZero();
      // the heap in use, from the path and then from go_memstats_heap_alloc_bytes: one series, one value
      String heap = "go_memory_used_bytes{go_memory_class=\"heap/objects\",instance=\"pod-1\",job=\"checkout\",}";
      assertThat(text.lines().filter(l -> l.startsWith("go_memory_") && l.contains("heap/objects"))).hasSize(1);
      assertThat(text).doesNotContain(heap + " 0.0");
    }
  }

  static double counter(String text, String series) {
    return text.lines().filter(l -> l.startsWith(series)).mapToDouble(l -> Double.parseDouble(l.substring(series.length()).trim()))
        .findFirst().orElse(0);
  }

  /**
   * {@link SemanticPipelineTest#goOtlp()}'s snapshot as a Collector's prometheus receiver gives what it
   * scrapes of a client_golang program with every runtime/metrics rule on: client_golang's name for each
   * path (counters with _total, histogram bounds just below the runtime's edges), and MemStats' names
   * with the values MemStats derives from the same classes; with the paths themselves too when asked.
   */
  static ExportMetricsServiceRequest goUnderClientGolangNames(boolean withPaths, long time) {
    ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
    if (withPaths) {
      SemanticPipelineTest.goOtlp().getResourceMetrics(0).getScopeMetrics(0).getMetricsList()
          .forEach(sm::addMetrics);
    }
    double[] edges = SemanticPipelineTest.EDGES;
    for (GoCatalog.Entry e : SemanticPipelineTest.snapshotNames().values()) {
      boolean histogram = e.kind() == GoCatalog.Kind.FLOAT64_HISTOGRAM;
      Optional<String> name = ClientGolangNames.name(e.name(), histogram, e.cumulative());
      if (name.isEmpty()) {
        continue;
      }
      if (histogram) {
        HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder().setTimeUnixNano(time);
        long total = 0;
        for (int i = 1; i < edges.length - 1; i++) {
          h.addExplicitBounds(Math.nextDown(edges[i]));
        }
        for (int i = 0; i < edges.length - 1; i++) {
          h.addBucketCounts(i % 3);
          total += i % 3;
        }
        sm.addMetrics(Metric.newBuilder().setName(name.get()).setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(h.setCount(total))));
      } else {
        double v = e.kind() == GoCatalog.Kind.UINT64
            ? (long) SemanticPipelineTest.value(e.name()) : SemanticPipelineTest.value(e.name()) / 4;
        sm.addMetrics(number(name.get(), v, e.cumulative(), time));
      }
    }
    java.util.function.ToDoubleFunction<String> path = p -> (long) SemanticPipelineTest.value(p);
    double objects = path.applyAsDouble("/memory/classes/heap/objects:bytes");
    sm.addMetrics(number("go_goroutines", path.applyAsDouble("/sched/goroutines:goroutines"), false, time))
        .addMetrics(number("go_memstats_alloc_bytes", objects, false, time))
        .addMetrics(number("go_memstats_heap_alloc_bytes", objects, false, time))
        .addMetrics(number("go_memstats_heap_inuse_bytes",
            objects + path.applyAsDouble("/memory/classes/heap/unused:bytes"), false, time))
        .addMetrics(number("go_memstats_heap_released_bytes", path.applyAsDouble("/memory/classes/heap/released:bytes"),
            false, time))
        .addMetrics(number("go_memstats_heap_idle_bytes", path.applyAsDouble("/memory/classes/heap/free:bytes")
            + path.applyAsDouble("/memory/classes/heap/released:bytes"), false, time))
        .addMetrics(number("go_memstats_stack_inuse_bytes", path.applyAsDouble("/memory/classes/heap/stacks:bytes"),
            false, time))
        .addMetrics(number("go_memstats_stack_sys_bytes", path.applyAsDouble("/memory/classes/heap/stacks:bytes")
            + path.applyAsDouble("/memory/classes/os-stacks:bytes"), false, time))
        .addMetrics(number("go_memstats_alloc_bytes_total", path.applyAsDouble("/gc/heap/allocs:bytes"), true, time))
        .addMetrics(number("go_memstats_heap_objects", path.applyAsDouble("/gc/heap/objects:objects"), false, time));
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(ForwardingTest.kv("service.name", "checkout"))
            .addAttributes(ForwardingTest.kv("service.instance.id", "pod-1")))
        .addScopeMetrics(sm)).build();
  }

  static Metric number(String name, double value, boolean counter, long time) {
    NumberDataPoint p = NumberDataPoint.newBuilder().setTimeUnixNano(time).setAsDouble(value).build();
    Metric.Builder m = Metric.newBuilder().setName(name);
    return (counter
        ? m.setSum(Sum.newBuilder().setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(p))
        : m.setGauge(Gauge.newBuilder().addDataPoints(p))).build();
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
