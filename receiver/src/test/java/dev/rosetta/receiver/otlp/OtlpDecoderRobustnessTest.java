package dev.rosetta.receiver.otlp;

import static dev.rosetta.receiver.otlp.OtlpDecoderTest.kv;
import static dev.rosetta.receiver.otlp.OtlpDecoderTest.only;
import static dev.rosetta.receiver.otlp.OtlpDecoderTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.NumberPoint;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed point is refused with its reason, never thrown; every legal one converts exactly. */
class OtlpDecoderRobustnessTest {

  static Metric expo(ExponentialHistogramDataPoint.Builder p) {
    return Metric.newBuilder().setName("latency").setExponentialHistogram(ExponentialHistogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(p)).build();
  }

  static ExponentialHistogramDataPoint.Buckets.Builder buckets(int offset, long... counts) {
    var b = ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
    for (long c : counts) {
      b.addBucketCounts(c);
    }
    return b;
  }

  static HistogramPoint convert(ExponentialHistogramDataPoint.Builder p) {
    var r = OtlpDecoder.decode(request(expo(p)));
    assertThat(r.rejectedPoints()).as(r.errorMessage()).isZero();
    return (HistogramPoint) only(r).points().get(0);
  }

  static final int[] OFFSETS = {
      Integer.MIN_VALUE, Integer.MIN_VALUE + 5, -(1 << 30) - 3, -(1 << 30), -1_100_000, -1100, -1075, -1022, -3, -1, 0,
      1, 2, 1023, 1024, 1_000_000, (1 << 30) - 3, (1 << 30) - 1, 1 << 30, (1 << 30) + 7, Integer.MAX_VALUE - 3};

  /**
   * At every legal scale and at offsets from the smallest to the largest int, on both sides of
   * zero, the conversion keeps the count, refuses nothing, and gives finite, strictly increasing
   * bounds (the model checks both on construction).
   */
  @Test
  void everyScaleAndOffsetKeepsTheCount() {
    for (int scale = -10; scale <= 20; scale++) {
      for (int off : OFFSETS) {
        for (int side = 0; side < 3; side++) {
          var p = ExponentialHistogramDataPoint.newBuilder().setScale(scale).setZeroCount(5).setCount(5 + 1 + 2 + 3 + 4);
          var b = buckets(off, 1, 2, 3, 4);
          if (side == 0) {
            p.setPositive(b);
          } else if (side == 1) {
            p.setNegative(b);
          } else {
            p.setPositive(b).setNegative(buckets(off, 0, 0, 0, 0));
          }
          HistogramPoint h = convert(p);
          long total = 0;
          for (long c : h.counts()) {
            total += c;
          }
          assertThat(total).as("scale %d offset %d side %d", scale, off, side).isEqualTo(15);
          assertThat(h.count()).isEqualTo(15);
          for (int i = 0; i < h.bounds().length; i++) {
            assertThat(Double.isFinite(h.bounds()[i])).isTrue();
            assertThat(Double.compare(h.bounds()[i], -0.0)).isNotZero();
          }
        }
      }
    }
  }

  /** Scale 20 and a positive offset of 2^30: every boundary is beyond the largest double. */
  @Test
  void scale20AtOffset2To30PutsTheBucketsIntoInfInsteadOfLosingThem() {
    HistogramPoint h = convert(ExponentialHistogramDataPoint.newBuilder().setScale(20).setCount(9).setZeroCount(2)
        .setPositive(buckets(1 << 30, 3, 4)));
    assertThat(h.bounds()).containsExactly(0.0);
    assertThat(h.counts()).containsExactly(2, 7);

    // the same on the negative side: the values lie below the lowest double, in the first bucket
    h = convert(ExponentialHistogramDataPoint.newBuilder().setScale(20).setCount(9).setZeroCount(2)
        .setNegative(buckets(1 << 30, 3, 4)));
    assertThat(h.bounds()).containsExactly(0.0);
    assertThat(h.counts()).containsExactly(9, 0);

    // astride the edge: bucket 2^30-2 ends at 2^1024 / base, still finite; the next ones do not
    h = convert(ExponentialHistogramDataPoint.newBuilder().setScale(20).setCount(3)
        .setPositive(buckets((1 << 30) - 2, 1, 1, 1)));
    assertThat(h.bounds()).hasSize(2);
    assertThat(h.bounds()[1]).isGreaterThan(1.79e308);
    assertThat(h.counts()).containsExactly(0, 1, 2);

    // negative buckets astride the edge, with finite ones after infinite ones
    h = convert(ExponentialHistogramDataPoint.newBuilder().setScale(20).setCount(10).setZeroCount(1)
        .setNegative(buckets((1 << 30) - 2, 2, 3, 4)));
    assertThat(h.counts()[0]).isEqualTo(2 + 3 + 4 - 2);
    assertThat(h.count()).isEqualTo(10);
  }

  @Test
  void tinyBoundariesMergeIntoTheZeroBucket() {
    // scale -10: base 2^1024; index -2 is 2^-2048, below the smallest double
    HistogramPoint h = convert(ExponentialHistogramDataPoint.newBuilder().setScale(-10).setCount(7).setZeroCount(1)
        .setZeroThreshold(1e-300).setPositive(buckets(-3, 1, 2, 3)));
    assertThat(h.bounds()[0]).isEqualTo(1e-300);
    assertThat(h.counts()[0]).isEqualTo(1 + 1 + 2);
    assertThat(h.count()).isEqualTo(7);
    assertThat(h.bounds()).containsExactly(1e-300, 1.0);
  }

  @Test
  void specialValuesArePassedOnAsTheyAre() {
    var g = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(Double.NaN).addAttributes(kv("v", "nan")))
        .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(Double.POSITIVE_INFINITY).addAttributes(kv("v", "+inf")))
        .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(Double.NEGATIVE_INFINITY).addAttributes(kv("v", "-inf")))
        .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(-0.0).addAttributes(kv("v", "-0")))
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(Long.MIN_VALUE).addAttributes(kv("v", "min"))))
        .build();
    var r = OtlpDecoder.decode(request(g));
    assertThat(r.rejectedPoints()).isZero();
    List<Double> values = new ArrayList<>();
    for (var p : only(r).points()) {
      values.add(((NumberPoint) p).value());
    }
    assertThat(values).containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
        (double) Long.MIN_VALUE);
    // a histogram's sum may be anything a double holds
    var h = convert(ExponentialHistogramDataPoint.newBuilder().setScale(0).setCount(1).setZeroCount(1)
        .setSum(Double.NaN).setMin(Double.NEGATIVE_INFINITY).setMax(-0.0));
    assertThat(h.sum()).isNaN();
  }

  static Stream<Arguments> refused() {
    var e = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    return Stream.of(
        Arguments.of("scale 21", expo(ExponentialHistogramDataPoint.newBuilder().setScale(21)),
            "scale 21 outside [-10, 20]"),
        Arguments.of("scale -11", expo(ExponentialHistogramDataPoint.newBuilder().setScale(-11)),
            "scale -11 outside [-10, 20]"),
        Arguments.of("zero threshold NaN", expo(ExponentialHistogramDataPoint.newBuilder().setZeroThreshold(Double.NaN)),
            "zero threshold NaN"),
        Arguments.of("zero threshold negative", expo(ExponentialHistogramDataPoint.newBuilder().setZeroThreshold(-1)),
            "zero threshold -1.0"),
        Arguments.of("zero threshold infinite",
            expo(ExponentialHistogramDataPoint.newBuilder().setZeroThreshold(Double.POSITIVE_INFINITY)),
            "zero threshold Infinity"),
        Arguments.of("bucket count over 2^63-1", expo(ExponentialHistogramDataPoint.newBuilder().setCount(1)
            .setPositive(buckets(0, -1L))), "bucket count exceeds 2^63-1"),
        Arguments.of("zero count over 2^63-1", expo(ExponentialHistogramDataPoint.newBuilder().setZeroCount(-5)),
            "bucket count exceeds 2^63-1"),
        Arguments.of("counts overflow", expo(ExponentialHistogramDataPoint.newBuilder().setCount(2)
            .setPositive(buckets(0, Long.MAX_VALUE, Long.MAX_VALUE, 4))), "add up to more than 2^63-1"),
        Arguments.of("count over 2^63-1", expo(ExponentialHistogramDataPoint.newBuilder().setCount(-1)),
            "count exceeds 2^63-1"),
        Arguments.of("count mismatch", expo(ExponentialHistogramDataPoint.newBuilder().setCount(9).setZeroCount(1)
            .setPositive(buckets(3, 4, 2))), "count 9 differs from the sum of its bucket counts 7"),
        Arguments.of("explicit NaN bound", histogram(HistogramDataPoint.newBuilder().setCount(1)
            .addExplicitBounds(Double.NaN).addBucketCounts(1).addBucketCounts(0)), "finite and strictly increasing"),
        Arguments.of("explicit infinite bound", histogram(HistogramDataPoint.newBuilder().setCount(1)
            .addExplicitBounds(Double.POSITIVE_INFINITY).addBucketCounts(1).addBucketCounts(0)),
            "finite and strictly increasing"),
        Arguments.of("explicit equal bounds (0 and -0)", histogram(HistogramDataPoint.newBuilder().setCount(1)
            .addExplicitBounds(-0.0).addExplicitBounds(0.0).addBucketCounts(1).addBucketCounts(0).addBucketCounts(0)),
            "finite and strictly increasing"),
        Arguments.of("explicit counts for bounds", histogram(HistogramDataPoint.newBuilder().setCount(1)
            .addExplicitBounds(1).addBucketCounts(1)), "1 bucket counts for 1 explicit bounds"),
        Arguments.of("explicit negative count", histogram(HistogramDataPoint.newBuilder().setCount(1)
            .addExplicitBounds(1).addBucketCounts(-1).addBucketCounts(2)), "bucket count exceeds 2^63-1"),
        Arguments.of("explicit counts overflow", histogram(HistogramDataPoint.newBuilder().setCount(1)
            .addExplicitBounds(1).addBucketCounts(Long.MAX_VALUE).addBucketCounts(Long.MAX_VALUE)),
            "add up to more than 2^63-1"),
        Arguments.of("explicit count mismatch", histogram(HistogramDataPoint.newBuilder().setCount(5)
            .addExplicitBounds(1).addBucketCounts(1).addBucketCounts(2)), "count 5 differs"),
        Arguments.of("explicit count over 2^63-1 without buckets",
            histogram(HistogramDataPoint.newBuilder().setCount(-7)), "histogram count exceeds 2^63-1"),
        Arguments.of("summary quantile NaN", summary(SummaryDataPoint.newBuilder().addQuantileValues(
            SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(Double.NaN))), "quantile NaN outside [0, 1]"),
        Arguments.of("summary quantile 1.5", summary(SummaryDataPoint.newBuilder().addQuantileValues(
            SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(1.5))), "quantile 1.5 outside [0, 1]"),
        Arguments.of("summary count over 2^63-1", summary(SummaryDataPoint.newBuilder().setCount(-1)),
            "summary count exceeds 2^63-1"),
        Arguments.of("gauge without value", Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
            .addDataPoints(NumberDataPoint.newBuilder())).build(), "data point has no value"),
        Arguments.of("unspecified temporality", Metric.newBuilder().setName("h").setHistogram(Histogram.newBuilder()
            .addDataPoints(HistogramDataPoint.newBuilder())).build(), "temporality is unspecified"),
        Arguments.of("no name", Metric.newBuilder().setExponentialHistogram(ExponentialHistogram.newBuilder()
            .setAggregationTemporality(e).addDataPoints(ExponentialHistogramDataPoint.newBuilder())).build(),
            "metric name is empty"));
  }

  static Metric histogram(HistogramDataPoint.Builder p) {
    return Metric.newBuilder().setName("latency").setHistogram(Histogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(p)).build();
  }

  static Metric summary(SummaryDataPoint.Builder p) {
    return Metric.newBuilder().setName("rpc").setSummary(Summary.newBuilder().addDataPoints(p)).build();
  }

  /** Each malformed point is refused alone, with its reason; the good metric next to it stays. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void malformedPointsAreRefusedWithTheirReason(String name, Metric bad, String reason) {
    Metric good = Metric.newBuilder().setName("ok").setGauge(Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(1))).build();
    var r = OtlpDecoder.decode(request(bad, good));
    assertThat(r.rejectedPoints()).isEqualTo(1);
    assertThat(r.errorMessage()).contains(reason);
    assertThat(r.acceptedPoints()).isEqualTo(1);
    assertThat(r.batch().pointCount()).isEqualTo(1);
  }

  /** A reason costs the same whatever the length of the metric's name. */
  @Test
  void reasonsAbbreviateLongNames() {
    String name = "n".repeat(1 << 20);
    var g = Gauge.newBuilder();
    for (int i = 0; i < 1000; i++) {
      g.addDataPoints(NumberDataPoint.newBuilder());
    }
    var r = OtlpDecoder.decode(request(Metric.newBuilder().setName(name).setGauge(g).build()));
    assertThat(r.rejectedPoints()).isEqualTo(1000);
    assertThat(r.errorMessage()).hasSizeLessThan(400).contains("(1048576 chars)");
  }

  @Test
  void duplicateAttributeKeysKeepTheLastValue() {
    var g = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
        .setAsInt(1).addAttributes(kv("a", "1")).addAttributes(kv("b", "2")).addAttributes(kv("a", "3")))).build();
    var r = OtlpDecoder.decode(request(g));
    assertThat(only(r).points().get(0).labels().asMap()).containsExactly(
        java.util.Map.entry("a", "3"), java.util.Map.entry("b", "2"));
  }
}
