package dev.rosetta.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;

/**
 * The exponential to explicit conversion: for any scale, offsets, counts and zero threshold,
 * either a refusal with a reason or buckets that keep the count exactly, with finite, strictly
 * increasing bounds; and every value's bucket is at or above where it belongs (cumulative counts
 * never claim a value below its bucket's lower end).
 */
class ExponentialHistogramFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void convert(FuzzedDataProvider data) {
    var p = ExponentialHistogramDataPoint.newBuilder()
        .setScale(data.consumeBoolean() ? data.consumeInt(-10, 20) : data.consumeInt())
        .setZeroThreshold(data.consumeBoolean() ? 0 : data.consumeDouble())
        .setZeroCount(data.consumeBoolean() ? data.consumeLong(0, 1000) : data.consumeLong());
    long total = p.getZeroCount();
    boolean overflow = total < 0;
    for (int side = 0; side < 2; side++) {
      var b = ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(data.consumeInt());
      int n = data.consumeInt(0, 40);
      for (int i = 0; i < n; i++) {
        long c = data.consumeBoolean() ? data.consumeLong(0, 1000) : data.consumeLong();
        b.addBucketCounts(c);
        overflow |= c < 0;
        total += c;
        overflow |= total < 0;
      }
      if (side == 0) {
        p.setPositive(b);
      } else {
        p.setNegative(b);
      }
    }
    p.setCount(data.consumeBoolean() ? total : data.consumeLong());
    OtlpDecoder.ExplicitBuckets e;
    try {
      e = OtlpDecoder.explicitBuckets(p.build());
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(overflow).isFalse();
    assertThat(p.getScale()).isBetween(-10, 20);
    assertThat(e.counts()).hasSize(e.bounds().length + 1);
    long sum = 0;
    for (long c : e.counts()) {
      assertThat(c).isNotNegative();
      sum += c;
    }
    assertThat(sum).isEqualTo(p.getCount()).isEqualTo(total);
    for (int i = 0; i < e.bounds().length; i++) {
      assertThat(Double.isFinite(e.bounds()[i])).isTrue();
      assertThat(i == 0 || e.bounds()[i] > e.bounds()[i - 1]).isTrue();
    }
    // the zero bucket's bound is always there
    assertThat(e.bounds()).contains(p.getZeroThreshold() == 0 ? 0.0 : p.getZeroThreshold());
  }
}
