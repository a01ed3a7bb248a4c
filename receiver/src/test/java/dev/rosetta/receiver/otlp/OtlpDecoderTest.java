package dev.rosetta.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;

class OtlpDecoderTest {

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static ExportMetricsServiceRequest request(io.opentelemetry.proto.metrics.v1.Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("service.name", "checkout")))
            .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(java.util.List.of(metrics))))
        .build();
  }

  static Metric only(OtlpDecoder.Result r) {
    return r.batch().resources().get(0).scopes().get(0).metrics().get(0);
  }

  @Test
  void gaugeWithIntAndDoubleValuesAndResource() {
    var m = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("queue.depth").setUnit("{item}")
        .setGauge(Gauge.newBuilder()
            .addDataPoints(NumberDataPoint.newBuilder().setAsInt(7).setTimeUnixNano(5).addAttributes(kv("q", "a")))
            .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1.5).setTimeUnixNano(5).addAttributes(kv("q", "b"))))
        .build();
    OtlpDecoder.Result r = OtlpDecoder.decode(request(m));
    assertThat(r.rejectedPoints()).isZero();
    assertThat(r.acceptedPoints()).isEqualTo(2);
    assertThat(r.batch().resources().get(0).resource()).isEqualTo(Labels.of("service.name", "checkout"));
    Metric got = only(r);
    assertThat(got.type()).isEqualTo(MetricType.GAUGE);
    assertThat(got.unit()).isEqualTo("{item}");
    assertThat(got.points()).containsExactly(
        new NumberPoint(Labels.of("q", "a"), 0, 5, 7),
        new NumberPoint(Labels.of("q", "b"), 0, 5, 1.5));
  }

  @Test
  void sumsMapToCounterOrUpDownCounterWithTemporality() {
    var mono = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("a").setSum(Sum.newBuilder()
        .setIsMonotonic(true).setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(1))).build();
    var nonMono = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("b").setSum(Sum.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(-3))).build();
    var r = OtlpDecoder.decode(request(mono, nonMono));
    var ms = r.batch().resources().get(0).scopes().get(0).metrics();
    assertThat(ms.get(0).type()).isEqualTo(MetricType.COUNTER);
    assertThat(ms.get(0).temporality()).isEqualTo(Temporality.DELTA);
    assertThat(ms.get(1).type()).isEqualTo(MetricType.UP_DOWN_COUNTER);
    assertThat(ms.get(1).temporality()).isEqualTo(Temporality.CUMULATIVE);
  }

  @Test
  void invalidPointsAreCountedAndTheRestKept() {
    var m = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("h").setHistogram(Histogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
        // counts do not add up
        .addDataPoints(HistogramDataPoint.newBuilder().setCount(5).addExplicitBounds(1).addBucketCounts(1)
            .addBucketCounts(1))
        // wrong number of buckets
        .addDataPoints(HistogramDataPoint.newBuilder().setCount(1).addExplicitBounds(1).addBucketCounts(1))
        // valid
        .addDataPoints(HistogramDataPoint.newBuilder().setCount(3).setSum(2.5).addExplicitBounds(1)
            .addBucketCounts(2).addBucketCounts(1)))
        .build();
    var noValue = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("g")
        .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder())).build();
    var unnamed = io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
        .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsInt(1))).build();
    var r = OtlpDecoder.decode(request(m, noValue, unnamed));
    assertThat(r.rejectedPoints()).isEqualTo(4);
    assertThat(r.acceptedPoints()).isEqualTo(1);
    assertThat(r.errorMessage()).contains("differs from the sum of its bucket counts").contains("bucket counts for 1")
        .contains("(and 1 more)");
    HistogramPoint hp = (HistogramPoint) only(r).points().get(0);
    assertThat(hp.count()).isEqualTo(3);
    assertThat(hp.sum()).isEqualTo(2.5);
    assertThat(hp.min()).isNaN();
  }

  @Test
  void unspecifiedTemporalityIsRejected() {
    var m = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("s").setSum(Sum.newBuilder()
        .setIsMonotonic(true).addDataPoints(NumberDataPoint.newBuilder().setAsInt(1))).build();
    var r = OtlpDecoder.decode(request(m));
    assertThat(r.rejectedPoints()).isEqualTo(1);
    assertThat(r.errorMessage()).contains("temporality is unspecified");
    assertThat(r.batch().resources()).isEmpty();
  }

  @Test
  void exponentialHistogramBecomesExplicitWithExactCountSumAndBuckets() {
    // scale 0: base 2. Positive offset 0 -> buckets (1,2], (2,4], (4,8]; negative offset 1 -> [-4,-2).
    var p = ExponentialHistogramDataPoint.newBuilder()
        .setScale(0).setCount(10).setSum(12.5).setZeroCount(2)
        .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(0)
            .addBucketCounts(3).addBucketCounts(1).addBucketCounts(2))
        .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(1).addBucketCounts(2));
    var m = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("latency").setExponentialHistogram(
        ExponentialHistogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(p)).build();
    var r = OtlpDecoder.decode(request(m));
    Metric got = only(r);
    assertThat(got.type()).isEqualTo(MetricType.HISTOGRAM);
    HistogramPoint h = (HistogramPoint) got.points().get(0);
    assertThat(h.bounds()).containsExactly(-2.0, 0.0, 2.0, 4.0, 8.0);
    assertThat(h.counts()).containsExactly(2, 2, 3, 1, 2, 0);
    assertThat(h.count()).isEqualTo(10);
    assertThat(h.sum()).isEqualTo(12.5);
  }

  @Test
  void exponentialBoundariesAtPositiveAndNegativeScales() {
    assertThat(OtlpDecoder.lowerBoundary(3, 0)).isEqualTo(8.0);
    assertThat(OtlpDecoder.lowerBoundary(1, -2)).isEqualTo(16.0);
    assertThat(OtlpDecoder.lowerBoundary(1, 1)).isCloseTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(OtlpDecoder.lowerBoundary(-2, 0)).isEqualTo(0.25);
  }

  @Test
  void exponentialCountMismatchIsRejected() {
    var p = ExponentialHistogramDataPoint.newBuilder().setScale(0).setCount(9).setZeroCount(1)
        .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().addBucketCounts(3));
    var m = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("x").setExponentialHistogram(
        ExponentialHistogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).addDataPoints(p)).build();
    var r = OtlpDecoder.decode(request(m));
    assertThat(r.rejectedPoints()).isEqualTo(1);
  }

  @Test
  void summaryKeepsQuantilesAndRejectsOutOfRange() {
    var good = SummaryDataPoint.newBuilder().setCount(4).setSum(10)
        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(2))
        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(4));
    var bad = SummaryDataPoint.newBuilder().setCount(1)
        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(1.5).setValue(2));
    var m = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("rpc").setSummary(
        Summary.newBuilder().addDataPoints(good).addDataPoints(bad)).build();
    var r = OtlpDecoder.decode(request(m));
    assertThat(r.rejectedPoints()).isEqualTo(1);
    SummaryPoint s = (SummaryPoint) only(r).points().get(0);
    assertThat(s.quantiles()).containsExactly(0.5, 0.99);
    assertThat(s.values()).containsExactly(2.0, 4.0);
  }

  @Test
  void noRecordedValuePointsAreSkippedWithoutError() {
    var m = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(1).setFlags(1))
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(2))).build();
    var r = OtlpDecoder.decode(request(m));
    assertThat(r.rejectedPoints()).isZero();
    assertThat(only(r).points()).hasSize(1);
  }

  @Test
  void nonStringAttributesBecomeTheirStringForms() {
    AnyValue arr = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(AnyValue.newBuilder().setStringValue("a\"b"))
        .addValues(AnyValue.newBuilder().setIntValue(3))).build();
    assertThat(OtlpDecoder.asString(arr)).isEqualTo("[\"a\\\"b\",3]");
    assertThat(OtlpDecoder.asString(AnyValue.newBuilder().setBoolValue(true).build())).isEqualTo("true");
    assertThat(OtlpDecoder.asString(AnyValue.newBuilder().setIntValue(-42).build())).isEqualTo("-42");
    assertThat(OtlpDecoder.asString(AnyValue.newBuilder().setDoubleValue(2.0).build())).isEqualTo("2");
    assertThat(OtlpDecoder.asString(AnyValue.newBuilder().setDoubleValue(0.25).build())).isEqualTo("0.25");
  }

  @Test
  void encoderRoundTripsTheModel() {
    var gauge = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("queue.depth").setUnit("1")
        .setDescription("depth").setGauge(Gauge.newBuilder()
            .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(7).setTimeUnixNano(5).addAttributes(kv("q", "a"))))
        .build();
    var hist = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("h").setUnit("s")
        .setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
            .addDataPoints(HistogramDataPoint.newBuilder().setCount(3).setSum(2.5).setMin(0.1).setMax(2)
                .addExplicitBounds(1).addBucketCounts(2).addBucketCounts(1).setStartTimeUnixNano(1)
                .setTimeUnixNano(2)))
        .build();
    var req = request(gauge, hist);
    var decoded = OtlpDecoder.decode(req);
    var encoded = OtlpEncoder.encode(decoded.batch());
    assertThat(encoded).isEqualTo(req);
    assertThat(OtlpDecoder.decode(encoded).batch()).isEqualTo(decoded.batch());
  }
}
