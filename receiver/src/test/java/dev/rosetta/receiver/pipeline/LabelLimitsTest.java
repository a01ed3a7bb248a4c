package dev.rosetta.receiver.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelLimitsTest {
  static final LabelLimits LIMITS = new LabelLimits(3, 10, 20);

  static Labels labels(int n) {
    Labels.Builder b = Labels.builder();
    for (int i = 0; i < n; i++) {
      b.add("k" + i, "v" + i);
    }
    return b.build();
  }

  static Metric gauge(String name, Labels... points) {
    List<Point> ps = new ArrayList<>();
    for (Labels l : points) {
      ps.add(new NumberPoint(l, 0, 1, 1));
    }
    return new Metric(name, "", "", MetricType.GAUGE, Temporality.CUMULATIVE, ps);
  }

  static MetricBatch batch(Labels resource, InstrumentationScope scope, Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(resource, List.of(new ScopeMetrics(scope, List.of(metrics))))));
  }

  @Test
  void aBatchWithinTheLimitsIsPassedOnAsItIs() {
    MetricBatch b = batch(labels(3), InstrumentationScope.empty(), gauge("m", labels(3), labels(0)));
    var r = LIMITS.apply(b);
    assertThat(r.batch()).isSameAs(b);
    assertThat(r.refused()).isZero();
    assertThat(r.message()).isEmpty();
  }

  @Test
  void aPointOverTheLimitIsRefusedAloneWithItsReason() {
    MetricBatch b = batch(labels(1), InstrumentationScope.empty(),
        gauge("m", labels(4), labels(2), Labels.of("k", "x".repeat(21))),
        gauge("n", Labels.of("k".repeat(11), "v")));
    var r = LIMITS.apply(b);
    assertThat(r.refused()).isEqualTo(3);
    assertThat(r.refusedByReason()).containsExactly(Map.entry(LabelLimits.LABEL_LIMIT, 1L),
        Map.entry(LabelLimits.VALUE_LENGTH, 1L), Map.entry(LabelLimits.NAME_LENGTH, 1L));
    assertThat(r.batch().pointCount()).isEqualTo(1);
    assertThat(r.batch().resources().get(0).scopes().get(0).metrics()).extracting(Metric::name).containsExactly("m");
    assertThat(r.message()).startsWith("3 points refused by label limits (label_limit: 1, "
        + "label_value_length_limit: 1, label_name_length_limit: 1); first: metric m: point attributes: 4 attributes,"
        + " over label_limit 3");
  }

  @Test
  void resourceAttributesRefuseEveryPointOfTheResourceOnly() {
    MetricBatch big = batch(labels(4), InstrumentationScope.empty(), gauge("m", labels(0), labels(1)), gauge("n", labels(0)));
    MetricBatch ok = batch(labels(1), InstrumentationScope.empty(), gauge("m", labels(0)));
    MetricBatch both = new MetricBatch(List.of(big.resources().get(0), ok.resources().get(0)));
    var r = LIMITS.apply(both);
    assertThat(r.refused()).isEqualTo(3);
    assertThat(r.batch().resources()).containsExactly(ok.resources().get(0));
    assertThat(r.message()).contains("resource attributes: 4 attributes");
  }

  @Test
  void scopeNamesVersionsAndAttributesCount() {
    var longName = new InstrumentationScope("s".repeat(21), "", Labels.empty());
    var longVersion = new InstrumentationScope("s", "1".repeat(21), Labels.empty());
    var manyAttrs = new InstrumentationScope("s", "1", labels(4));
    for (var scope : List.of(longName, longVersion, manyAttrs)) {
      var r = LIMITS.apply(batch(Labels.empty(), scope, gauge("m", labels(0), labels(0))));
      assertThat(r.refused()).isEqualTo(2);
      assertThat(r.batch().resources()).isEmpty();
    }
  }

  @Test
  void aMetricNameIsAValue() {
    var r = LIMITS.apply(batch(Labels.empty(), InstrumentationScope.empty(), gauge("m".repeat(21), labels(0)),
        gauge("ok", labels(0))));
    assertThat(r.refusedByReason()).containsExactly(Map.entry(LabelLimits.VALUE_LENGTH, 1L));
    assertThat(r.message()).contains("metric name \"mmmm");
    assertThat(r.batch().pointCount()).isEqualTo(1);
  }

  @Test
  void zeroIsNoLimit() {
    MetricBatch b = batch(labels(100), InstrumentationScope.empty(), gauge("m".repeat(100), labels(100)));
    assertThat(LabelLimits.NONE.apply(b).batch()).isSameAs(b);
    assertThat(new LabelLimits(0, 0, 1000).apply(b).batch()).isSameAs(b);
    assertThatThrownBy(() -> new LabelLimits(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
