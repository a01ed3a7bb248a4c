package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.rosetta.model.name.GoCatalog;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
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
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

/** The whole semantic pipeline in process: Go natively and over OTLP, Jolokia from this JVM's MBeans. */
class SemanticPipelineTest {
  static final long TIME = 1_700_000_000_000_000_000L;
  /** Go's time histogram edges, shortened: -Inf, 1ns ... 10s, +Inf. */
  static final double[] EDGES = {Double.NEGATIVE_INFINITY, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10,
      Double.POSITIVE_INFINITY};

  static Map<String, GoCatalog.Entry> snapshotNames() {
    return new TreeMap<>(GoCatalog.all());
  }

  static double value(String name) {
    return (Math.abs(name.hashCode()) % 1000) + 1;
  }

  static String goNativeBody() {
    JsonObject root = new JsonObject();
    JsonObject res = new JsonObject();
    res.addProperty("service.name", "checkout");
    res.addProperty("service.instance.id", "pod-1");
    root.add("resource", res);
    root.addProperty("time_unix_nano", TIME);
    JsonArray samples = new JsonArray();
    for (GoCatalog.Entry e : snapshotNames().values()) {
      JsonObject s = new JsonObject();
      s.addProperty("name", e.name());
      switch (e.kind()) {
        case UINT64 -> {
          s.addProperty("kind", "uint64");
          s.addProperty("value", (long) value(e.name()));
        }
        case FLOAT64 -> {
          s.addProperty("kind", "float64");
          s.addProperty("value", value(e.name()) / 4);
        }
        case FLOAT64_HISTOGRAM -> {
          s.addProperty("kind", "float64histogram");
          JsonArray counts = new JsonArray();
          JsonArray buckets = new JsonArray();
          for (int i = 0; i < EDGES.length; i++) {
            buckets.add(Double.isInfinite(EDGES[i]) ? new JsonPrimitive(EDGES[i] > 0 ? "+Inf" : "-Inf")
                : new JsonPrimitive(EDGES[i]));
            if (i < EDGES.length - 1) {
              counts.add(i % 3);
            }
          }
          s.add("counts", counts);
          s.add("buckets", buckets);
        }
      }
      samples.add(s);
    }
    root.add("samples", samples);
    return root.toString();
  }

  /** The same snapshot as an OTLP sender would put it: Go paths as names, no unit, no histogram sum. */
  static ExportMetricsServiceRequest goOtlp() {
    ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
    for (GoCatalog.Entry e : snapshotNames().values()) {
      Metric.Builder m = Metric.newBuilder().setName(e.name());
      switch (e.kind()) {
        case UINT64, FLOAT64 -> {
          double v = e.kind() == GoCatalog.Kind.UINT64 ? (long) value(e.name()) : value(e.name()) / 4;
          NumberDataPoint p = NumberDataPoint.newBuilder().setTimeUnixNano(TIME).setAsDouble(v).build();
          if (e.cumulative()) {
            m.setSum(Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(p));
          } else {
            m.setGauge(Gauge.newBuilder().addDataPoints(p));
          }
        }
        case FLOAT64_HISTOGRAM -> {
          HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder().setTimeUnixNano(TIME);
          long total = 0;
          for (int i = 1; i < EDGES.length - 1; i++) {
            h.addExplicitBounds(EDGES[i]);
          }
          for (int i = 0; i < EDGES.length - 1; i++) {
            h.addBucketCounts(i % 3);
            total += i % 3;
          }
          m.setHistogram(Histogram.newBuilder()
              .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
              .addDataPoints(h.setCount(total)));
        }
      }
      sm.addMetrics(m);
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(ForwardingTest.kv("service.name", "checkout"))
            .addAttributes(ForwardingTest.kv("service.instance.id", "pod-1")))
        .addScopeMetrics(sm)).build();
  }

  static HttpResponse<String> postJson(RunningRosetta r, String path, String body) throws Exception {
    return r.http.send(HttpRequest.newBuilder(URI.create(r.httpBase() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The exposition without Rosetta's own metrics, lines sorted. */
  static String userSeries(String text) {
    return text.lines().filter(l -> !l.contains("rosetta_")).sorted().collect(Collectors.joining("\n"));
  }

  @Test
  void goSnapshotNativelyAndOverOtlpGivesIdenticalExpositionWithEveryMetricMapped() throws Exception {
    try (RunningRosetta nativeSide = new RunningRosetta(RunningRosetta.NO_OWN_JVM); RunningRosetta otlpSide = new RunningRosetta(RunningRosetta.NO_OWN_JVM)) {
      HttpResponse<String> resp = postJson(nativeSide, "/v1/go/runtime-metrics", goNativeBody());
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1",
          otlpSide.service.grpcAddress().orElseThrow().getPort()).usePlaintext().build();
      try {
        var answer = MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).export(goOtlp());
        assertThat(answer.getPartialSuccess().getRejectedDataPoints()).isZero();
      } finally {
        ch.shutdownNow();
      }
      String a = nativeSide.scrape();
      String b = otlpSide.scrape();
      assertThat(userSeries(a)).isNotEmpty().isEqualTo(userSeries(b));
      // every Go metric found a view: nothing passed through unmatched, nothing was invalid
      assertThat(a).doesNotContain("outcome=\"unmatched_passthrough\"").doesNotContain("outcome=\"invalid\"");
      // labelled families, not flattened paths
      assertThat(a).contains("go_cpu_time_seconds_total{").doesNotContain("cpu_classes_gc_mark_assist");
      // histograms re-bucketed to at most ~20 buckets, counts kept
      long schedBuckets = a.lines().filter(l -> l.startsWith("go_sched_latencies_seconds_bucket{")).count();
      assertThat(schedBuckets).isBetween(2L, 21L);
    }
  }

  /** A Jolokia bulk read response for every java.lang and java.nio MBean of this JVM, real values. */
  static String jolokiaBulkFromThisJvm() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    JsonArray bulk = new JsonArray();
    for (String domain : List.of("java.lang", "java.nio")) {
      for (ObjectName on : server.queryNames(new ObjectName(domain + ":*"), null)) {
        JsonObject value = new JsonObject();
        for (MBeanAttributeInfo a : server.getMBeanInfo(on).getAttributes()) {
          Object v;
          try {
            v = server.getAttribute(on, a.getName());
          } catch (Exception | LinkageError e) {
            continue; // unsupported attributes: Jolokia leaves them out too
          }
          value.add(a.getName(), json(v));
        }
        JsonObject request = new JsonObject();
        request.addProperty("mbean", on.getCanonicalName());
        request.addProperty("type", "read");
        JsonObject entry = new JsonObject();
        entry.add("request", request);
        entry.add("value", value);
        entry.addProperty("timestamp", System.currentTimeMillis() / 1000);
        entry.addProperty("status", 200);
        bulk.add(entry);
      }
    }
    return bulk.toString();
  }

  static com.google.gson.JsonElement json(Object v) {
    if (v == null) {
      return com.google.gson.JsonNull.INSTANCE;
    }
    if (v instanceof Number n) {
      return new JsonPrimitive(n);
    }
    if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    if (v instanceof CompositeData cd) {
      JsonObject o = new JsonObject();
      for (String k : cd.getCompositeType().keySet()) {
        o.add(k, json(cd.get(k)));
      }
      return o;
    }
    if (v instanceof Object[] arr) {
      JsonArray a = new JsonArray();
      for (Object x : arr) {
        a.add(json(x));
      }
      return a;
    }
    return new JsonPrimitive(String.valueOf(v));
  }

  @Test
  void jolokiaBulkFromThisJvmGivesTheJvmSemanticFamilies() throws Exception {
    try (RunningRosetta rosetta = new RunningRosetta(RunningRosetta.NO_OWN_JVM)) {
      HttpResponse<String> resp = postJson(rosetta, "/v1/jvm/jolokia?service.name=orders&service.instance.id=jvm-1",
          jolokiaBulkFromThisJvm());
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      String text = rosetta.scrape();
      assertThat(text)
          .containsPattern("jvm_memory_used_bytes\\{instance=\"jvm-1\",job=\"orders\",jvm_memory_pool_name=\"[^\"]+\","
              + "jvm_memory_type=\"heap\",} [0-9.E]+")
          .contains("jvm_memory_type=\"non_heap\"")
          .contains("jvm_class_count{")
          .contains("jvm_thread_live{")
          .contains("jvm_gc_collections_count_total{")
          .doesNotContain("__attr_");
      // daemon + non-daemon (ThreadCount - DaemonThreadCount of the same read) = ThreadCount, all positive
      double threads = text.lines().filter(l -> l.startsWith("jvm_thread_live{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).peek(v -> assertThat(v).isPositive())
          .sum();
      assertThat(threads).isPositive();
      assertThat(text.lines().filter(l -> l.startsWith("jvm_thread_live{"))).hasSize(2);
      // undefined limits (-1: G1's Eden and Survivor pools, the non-heap area) are left out, never negative
      assertThat(text.lines().filter(l -> l.startsWith("jvm_memory_limit_bytes{") || l.startsWith("jvm_memory_area_limit_bytes{")))
          .isNotEmpty().noneMatch(l -> l.endsWith(" -1.0"));
      assertThat(text).contains("jvm_gc_action=\"end of minor GC\"");
      // heap used across pools is a real, positive number
      double heap = text.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("\"heap\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      assertThat(heap).isPositive();
    }
  }
}
