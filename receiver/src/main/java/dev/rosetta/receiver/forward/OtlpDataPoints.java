package dev.rosetta.receiver.forward;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;

/**
 * Counts OTLP data points, the unit of every forwarder count. Stateless and thread-safe.
 */
public final class OtlpDataPoints {
  private OtlpDataPoints() {}

  /** The data points of all metrics of {@code request}. */
  public static int count(ExportMetricsServiceRequest request) {
    return count(request.getResourceMetricsList());
  }

  /** The data points of all metrics of {@code resourceMetrics}. */
  public static int count(List<ResourceMetrics> resourceMetrics) {
    long n = 0;
    for (ResourceMetrics rm : resourceMetrics) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          n += count(m);
        }
      }
    }
    return Math.toIntExact(n);
  }

  /** The data points of one metric; 0 for a metric without data. */
  public static int count(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }
}
