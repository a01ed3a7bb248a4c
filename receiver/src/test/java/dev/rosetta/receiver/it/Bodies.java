package dev.rosetta.receiver.it;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

/** OTLP bodies of a given metric name and size, for the server tests. */
final class Bodies {
  private Bodies() {}

  /** One gauge {@code name} with {@code points} points, each with an {@code id} and a padding attribute. */
  static ExportMetricsServiceRequest gauge(String name, String id, int points, int paddingBytes) {
    Gauge.Builder g = Gauge.newBuilder();
    String pad = "x".repeat(paddingBytes);
    for (int p = 0; p < points; p++) {
      NumberDataPoint.Builder dp = NumberDataPoint.newBuilder().setAsDouble(p).setTimeUnixNano(1_700_000_000_000_000_000L)
          .addAttributes(kv("id", id)).addAttributes(kv("p", Integer.toString(p)));
      if (paddingBytes > 0) {
        dp.addAttributes(kv("pad", pad));
      }
      g.addDataPoints(dp);
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(name).setGauge(g))))
        .build();
  }

  /** A body of about {@code bytes} bytes. */
  static byte[] ofSize(String name, String id, int bytes) {
    int points = Math.max(1, bytes / 1024);
    return gauge(name, id, points, 1000).toByteArray();
  }

  static byte[] small(String id) {
    return gauge("small.gauge", id, 2, 0).toByteArray();
  }

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }
}
