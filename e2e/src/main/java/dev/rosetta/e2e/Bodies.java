package dev.rosetta.e2e;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** OTLP request bodies for storms, soaks and benchmarks: large, compressible, small. */
public final class Bodies {
  private Bodies() {}

  /**
   * An OTLP protobuf request of at least {@code bytes} bytes: gauges of 100 points with five
   * attributes each. {@code entropy} (0 to 1) is the share of attribute values that are random, so
   * that the body compresses less; 0 gives a body that gzip shrinks about twelvefold.
   */
  public static byte[] otlp(String service, long bytes, double entropy, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    long size = 0;
    int m = 0;
    while (size < bytes) {
      Gauge.Builder g = Gauge.newBuilder();
      for (int p = 0; p < 100; p++) {
        NumberDataPoint.Builder dp = NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(p);
        for (int a = 0; a < 5; a++) {
          String v = random.nextDouble() < entropy ? Long.toHexString(random.nextLong()) : "value-" + (p % 10) + "-" + a;
          dp.addAttributes(kv("attribute." + a, v));
        }
        g.addDataPoints(dp);
      }
      Metric metric = Metric.newBuilder().setName("storm.metric." + (m++ % 500)).setUnit("1").setGauge(g).build();
      size += metric.getSerializedSize() + 4;
      scope.addMetrics(metric);
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("service.name", service)))
            .addScopeMetrics(scope))
        .build().toByteArray();
  }

  /** A small OTLP request: {@code points} gauge points of one metric, labelled by {@code id}. */
  public static byte[] small(String service, String id, int points) {
    Gauge.Builder g = Gauge.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int p = 0; p < points; p++) {
      g.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(p)
          .addAttributes(kv("id", id)).addAttributes(kv("p", Integer.toString(p))));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("service.name", service)))
            .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(
                Metric.newBuilder().setName("small.gauge").setUnit("1").setGauge(g))))
        .build().toByteArray();
  }

  public static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }
}
