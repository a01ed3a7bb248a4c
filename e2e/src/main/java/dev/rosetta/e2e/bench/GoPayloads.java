package dev.rosetta.e2e.bench;

import dev.rosetta.model.name.GoCatalog;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * OTLP requests shaped like Go services reporting {@code runtime/metrics}: every metric named by its
 * runtime path, so that the Go views map each one. A process reports {@value #PER_PROCESS} metrics
 * (every path Go describes that is not a GODEBUG counter, and GODEBUG counters up to that number;
 * the histograms among them), one resource per process; a request carries whole processes.
 */
final class GoPayloads {
  /** Points one process reports: a request of 1,060 points is ten processes. */
  static final int PER_PROCESS = 106;
  private static final String GODEBUG = "/godebug/";

  private GoPayloads() {}

  /** The metrics one process reports, in a fixed order. */
  static List<GoCatalog.Entry> processMetrics() {
    List<GoCatalog.Entry> all = new ArrayList<>(GoCatalog.all().values());
    all.sort(Comparator.comparing((GoCatalog.Entry e) -> e.name().startsWith(GODEBUG))
        .thenComparing(GoCatalog.Entry::name));
    if (all.size() < PER_PROCESS) {
      throw new IllegalStateException("the Go catalog has " + all.size() + " metrics, fewer than " + PER_PROCESS);
    }
    return List.copyOf(all.subList(0, PER_PROCESS));
  }

  /**
   * {@code requests} distinct requests of {@code pointsPerRequest} points (a multiple of
   * {@value #PER_PROCESS}), the processes numbered from {@code firstProcess}: together
   * {@code requests * pointsPerRequest} distinct series. Each histogram point has
   * {@code histogramBounds} explicit bounds.
   */
  static List<byte[]> requests(int requests, int pointsPerRequest, int firstProcess, int histogramBounds) {
    if (pointsPerRequest % PER_PROCESS != 0 || pointsPerRequest <= 0) {
      throw new IllegalArgumentException("points per request must be a positive multiple of " + PER_PROCESS
          + " (one Go process), not " + pointsPerRequest);
    }
    List<GoCatalog.Entry> metrics = processMetrics();
    int processesPerRequest = pointsPerRequest / PER_PROCESS;
    long now = System.currentTimeMillis() * 1_000_000L;
    long start = now - 3_600_000_000_000L;
    List<byte[]> out = new ArrayList<>(requests);
    for (int r = 0; r < requests; r++) {
      ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
      for (int p = 0; p < processesPerRequest; p++) {
        int proc = firstProcess + r * processesPerRequest + p;
        req.addResourceMetrics(process(metrics, proc, start, now, histogramBounds));
      }
      out.add(req.build().toByteArray());
    }
    return out;
  }

  private static ResourceMetrics process(List<GoCatalog.Entry> metrics, int proc, long start, long now,
      int bounds) {
    ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
    int i = 0;
    for (GoCatalog.Entry e : metrics) {
      Metric.Builder m = Metric.newBuilder().setName(e.name());
      double value = proc * 10.0 + i++;
      if (e.kind() == GoCatalog.Kind.FLOAT64_HISTOGRAM) {
        HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder()
            .setStartTimeUnixNano(start).setTimeUnixNano(now);
        long total = 0;
        for (int b = 0; b < bounds; b++) {
          h.addExplicitBounds(Math.pow(2, b - bounds / 2));
        }
        for (int b = 0; b <= bounds; b++) {
          long c = (b * 7L + proc) % 5;
          h.addBucketCounts(c);
          total += c;
        }
        m.setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(h.setCount(total)));
      } else if (e.cumulative()) {
        m.setSum(Sum.newBuilder().setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(number(value, start, now)));
      } else {
        m.setGauge(Gauge.newBuilder().addDataPoints(number(value, 0, now)));
      }
      sm.addMetrics(m);
    }
    return ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(kv("service.name", "checkout"))
            .addAttributes(kv("service.instance.id", "pod-" + proc))
            .addAttributes(kv("telemetry.sdk.language", "go")))
        .addScopeMetrics(sm)
        .build();
  }

  private static NumberDataPoint number(double value, long start, long now) {
    NumberDataPoint.Builder dp = NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(value);
    if (start != 0) {
      dp.setStartTimeUnixNano(start);
    }
    return dp.build();
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }
}
