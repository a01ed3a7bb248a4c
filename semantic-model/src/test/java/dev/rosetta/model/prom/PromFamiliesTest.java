package dev.rosetta.model.prom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.SummaryPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromFamiliesTest {
  static final long NONE = Long.MIN_VALUE;

  static PromFamily.Sample s(String name, double v, String... labels) {
    return new PromFamily.Sample(name, Labels.of(labels), v, NONE);
  }

  @Test
  void countersKeepTotalUnlessTrimmed() {
    PromFamily f = new PromFamily("go_gc_heap_allocs_bytes_total", PromFamily.Type.COUNTER, "h", "",
        List.of(s("go_gc_heap_allocs_bytes_total", 42)));
    Metric m = PromFamilies.toMetric(f, 1, 2, false);
    assertThat(m.name()).isEqualTo("go_gc_heap_allocs_bytes_total");
    assertThat(m.type()).isEqualTo(MetricType.COUNTER);
    assertThat(((NumberPoint) m.points().get(0)).value()).isEqualTo(42);
    assertThat(PromFamilies.toMetric(f, 1, 2, true).name()).isEqualTo("go_gc_heap_allocs_bytes");
    PromFamily withUnit = new PromFamily(f.name(), f.type(), "h", "bytes", f.samples());
    assertThat(PromFamilies.toMetric(withUnit, 1, 2, true).name()).isEqualTo("go_gc_heap_allocs");
    assertThat(PromFamilies.toMetric(withUnit, 1, 2, true).unit()).isEqualTo("bytes");
  }

  @Test
  void histogramsAreAssembledFromTheirSeries() {
    PromFamily f = new PromFamily("go_sched_latencies_seconds", PromFamily.Type.HISTOGRAM, "", "", List.of(
        s("go_sched_latencies_seconds_bucket", 1, "le", "1e-06"),
        s("go_sched_latencies_seconds_bucket", 4, "le", "0.001"),
        s("go_sched_latencies_seconds_bucket", 6, "le", "+Inf"),
        s("go_sched_latencies_seconds_sum", 0.5),
        s("go_sched_latencies_seconds_count", 6)));
    Metric m = PromFamilies.toMetric(f, 1, 2, true);
    assertThat(m.name()).isEqualTo("go_sched_latencies_seconds");
    HistogramPoint h = (HistogramPoint) m.points().get(0);
    assertThat(h.bounds()).containsExactly(1e-6, 0.001);
    assertThat(h.counts()).containsExactly(1, 3, 2);
    assertThat(h.count()).isEqualTo(6);
    assertThat(h.sum()).isEqualTo(0.5);
    assertThat(h.labels()).isEqualTo(Labels.empty());
  }

  @Test
  void summariesAreAssembledFromTheirSeries() {
    PromFamily f = new PromFamily("go_gc_duration_seconds", PromFamily.Type.SUMMARY, "", "", List.of(
        s("go_gc_duration_seconds", 1e-5, "quantile", "0"),
        s("go_gc_duration_seconds", 3e-5, "quantile", "1"),
        s("go_gc_duration_seconds_sum", 1e-4),
        s("go_gc_duration_seconds_count", 5)));
    SummaryPoint p = (SummaryPoint) PromFamilies.toMetric(f, 1, 2, false).points().get(0);
    assertThat(p.quantiles()).containsExactly(0, 1);
    assertThat(p.values()).containsExactly(1e-5, 3e-5);
    assertThat(p.count()).isEqualTo(5);
  }

  @Test
  void brokenHistogramsSayWhy() {
    PromFamily noLe = new PromFamily("h", PromFamily.Type.HISTOGRAM, "", "", List.of(s("h_bucket", 1)));
    assertThatThrownBy(() -> PromFamilies.toMetric(noLe, 1, 2, false)).hasMessageContaining("no le label");
    PromFamily decreasing = new PromFamily("h", PromFamily.Type.HISTOGRAM, "", "", List.of(
        s("h_bucket", 3, "le", "1"), s("h_bucket", 2, "le", "2"), s("h_bucket", 3, "le", "+Inf")));
    assertThatThrownBy(() -> PromFamilies.toMetric(decreasing, 1, 2, false)).hasMessageContaining("counts less");
    PromFamily stranger = new PromFamily("h", PromFamily.Type.GAUGE, "", "", List.of(s("other", 1)));
    assertThat(PromFamilies.toMetric(stranger, 1, 2, false).points()).hasSize(1);
  }
}
