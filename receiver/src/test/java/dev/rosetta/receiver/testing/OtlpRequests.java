package dev.rosetta.receiver.testing;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * OTLP metric requests for tests. Every data point carries a unique {@code point.id} attribute
 * ({@code <request id>/<metric>/<index>}) so that tests can check that each point arrived exactly
 * once and in order.
 */
public final class OtlpRequests {
  private static final long T0 = 1_700_000_000_000_000_000L;

  private OtlpRequests() {}

  /** One resource ({@code service.name=id}), one scope, {@code metrics} gauges of {@code points}. */
  public static ExportMetricsServiceRequest gauges(String id, int metrics, int points) {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder().setScope(scope("gauges"));
    for (int m = 0; m < metrics; m++) {
      scope.addMetrics(gauge(id, "g" + m, points));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource(id))
                .setSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
                .addScopeMetrics(scope))
        .build();
  }

  /**
   * Two resources; the first with two scopes holding every metric kind (gauge, sum, histogram,
   * exponential histogram, summary), {@code points} points each; the second with one gauge.
   * Holds {@code 6 * points} points.
   */
  public static ExportMetricsServiceRequest allKinds(String id, int points) {
    ScopeMetrics numbers =
        ScopeMetrics.newBuilder()
            .setScope(scope("numbers"))
            .setSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
            .addMetrics(gauge(id, "gauge", points))
            .addMetrics(sum(id, "sum", points))
            .build();
    ScopeMetrics distributions =
        ScopeMetrics.newBuilder()
            .setScope(scope("distributions"))
            .addMetrics(histogram(id, "histogram", points))
            .addMetrics(exponentialHistogram(id, "exphistogram", points))
            .addMetrics(summary(id, "summary", points))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource(id))
                .addScopeMetrics(numbers)
                .addScopeMetrics(distributions))
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource(id + "-second"))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(scope("numbers"))
                        .addMetrics(gauge(id + "-second", "gauge", points))))
        .build();
  }

  /** The {@code point.id} of every data point, in request order. */
  public static List<String> pointIds(ExportMetricsServiceRequest request) {
    List<String> ids = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          List<List<KeyValue>> attributes =
              switch (m.getDataCase()) {
                case GAUGE -> m.getGauge().getDataPointsList().stream()
                    .map(NumberDataPoint::getAttributesList)
                    .toList();
                case SUM -> m.getSum().getDataPointsList().stream()
                    .map(NumberDataPoint::getAttributesList)
                    .toList();
                case HISTOGRAM -> m.getHistogram().getDataPointsList().stream()
                    .map(HistogramDataPoint::getAttributesList)
                    .toList();
                case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList()
                    .stream()
                    .map(ExponentialHistogramDataPoint::getAttributesList)
                    .toList();
                case SUMMARY -> m.getSummary().getDataPointsList().stream()
                    .map(SummaryDataPoint::getAttributesList)
                    .toList();
                case DATA_NOT_SET -> List.of();
              };
          for (List<KeyValue> kvs : attributes) {
            ids.add(
                kvs.stream()
                    .filter(kv -> kv.getKey().equals("point.id"))
                    .map(kv -> kv.getValue().getStringValue())
                    .findFirst()
                    .orElse("?"));
          }
        }
      }
    }
    return ids;
  }

  /** The {@code point.id}s of several requests, concatenated. */
  public static List<String> pointIds(List<ExportMetricsServiceRequest> requests) {
    List<String> ids = new ArrayList<>();
    requests.forEach(r -> ids.addAll(pointIds(r)));
    return ids;
  }

  /** The {@code resource_metrics} of several requests, concatenated. */
  public static List<ResourceMetrics> resourceMetrics(List<ExportMetricsServiceRequest> requests) {
    List<ResourceMetrics> all = new ArrayList<>();
    requests.forEach(r -> all.addAll(r.getResourceMetricsList()));
    return all;
  }

  private static Resource resource(String id) {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", id))
        .addAttributes(kv("host.name", "test-host"))
        .build();
  }

  private static InstrumentationScope scope(String name) {
    return InstrumentationScope.newBuilder().setName("rosetta.test." + name).setVersion("1.0").build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static List<KeyValue> pointAttributes(String id, String metric, int i) {
    return List.of(kv("point.id", id + "/" + metric + "/" + i), kv("index", Integer.toString(i)));
  }

  private static NumberDataPoint number(String id, String metric, int i) {
    return NumberDataPoint.newBuilder()
        .addAllAttributes(pointAttributes(id, metric, i))
        .setTimeUnixNano(T0 + i)
        .setAsDouble(i + 0.5)
        .build();
  }

  private static Metric gauge(String id, String name, int points) {
    Gauge.Builder g = Gauge.newBuilder();
    for (int i = 0; i < points; i++) {
      g.addDataPoints(number(id, name, i));
    }
    return Metric.newBuilder().setName(name).setUnit("By").setDescription("a gauge").setGauge(g)
        .build();
  }

  private static Metric sum(String id, String name, int points) {
    Sum.Builder s =
        Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int i = 0; i < points; i++) {
      s.addDataPoints(number(id, name, i).toBuilder().setStartTimeUnixNano(T0 - 1));
    }
    return Metric.newBuilder().setName(name).setUnit("1").setSum(s).build();
  }

  private static Metric histogram(String id, String name, int points) {
    Histogram.Builder h =
        Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    for (int i = 0; i < points; i++) {
      h.addDataPoints(
          HistogramDataPoint.newBuilder()
              .addAllAttributes(pointAttributes(id, name, i))
              .setTimeUnixNano(T0 + i)
              .setCount(3)
              .setSum(6.0)
              .addExplicitBounds(1.0)
              .addExplicitBounds(2.0)
              .addBucketCounts(1)
              .addBucketCounts(1)
              .addBucketCounts(1));
    }
    return Metric.newBuilder().setName(name).setUnit("s").setHistogram(h).build();
  }

  private static Metric exponentialHistogram(String id, String name, int points) {
    ExponentialHistogram.Builder h =
        ExponentialHistogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int i = 0; i < points; i++) {
      h.addDataPoints(
          ExponentialHistogramDataPoint.newBuilder()
              .addAllAttributes(pointAttributes(id, name, i))
              .setTimeUnixNano(T0 + i)
              .setCount(2)
              .setScale(1)
              .setZeroCount(0)
              .setPositive(
                  ExponentialHistogramDataPoint.Buckets.newBuilder()
                      .setOffset(0)
                      .addBucketCounts(1)
                      .addBucketCounts(1)));
    }
    return Metric.newBuilder().setName(name).setUnit("s").setExponentialHistogram(h).build();
  }

  private static Metric summary(String id, String name, int points) {
    Summary.Builder s = Summary.newBuilder();
    for (int i = 0; i < points; i++) {
      s.addDataPoints(
          SummaryDataPoint.newBuilder()
              .addAllAttributes(pointAttributes(id, name, i))
              .setTimeUnixNano(T0 + i)
              .setCount(4)
              .setSum(10)
              .addQuantileValues(
                  SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(2.5)));
    }
    return Metric.newBuilder().setName(name).setSummary(s).build();
  }
}
