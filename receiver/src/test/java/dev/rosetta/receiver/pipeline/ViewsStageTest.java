package dev.rosetta.receiver.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.view.ViewSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ViewsStageTest {
  final Map<String, Long> counts = new TreeMap<>();
  final ViewsStage stage;

  ViewsStageTest() throws Exception {
    stage = new ViewsStage(ViewSet.builder().builtins(List.of("go")).build(), ViewsStage.Unmatched.PASSTHROUGH,
        (outcome, n) -> counts.merge(outcome, n, Long::sum));
  }

  static Metric gauge(String name, double value, String... labels) {
    return new Metric(name, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.of(labels), 1, 2, value)));
  }

  static MetricBatch batch(Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(Labels.of("service.name", "a"),
        List.of(new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics))))));
  }

  static Map<String, Double> memory(MetricBatch out) {
    Map<String, Double> m = new TreeMap<>();
    for (Metric metric : out.resources().get(0).scopes().get(0).metrics()) {
      if (metric.name().equals("go.memory.mapped")) {
        metric.points().forEach(p -> m.put(p.labels().get("go.memory.class"), ((NumberPoint) p).value()));
      }
    }
    return m;
  }

  @Test
  void thePathWinsOverItsOtherNamesWhateverTheOrderAndTheRestIsCountedAsDuplicate() {
    MetricBatch out = stage.process(batch(
        gauge("go_memstats_heap_alloc_bytes", 3),
        gauge("process.runtime.go.mem.heap_alloc", 4),
        gauge("go_memory_classes_heap_objects_bytes", 2),
        gauge("/memory/classes/heap/objects:bytes", 1),
        gauge("go_memstats_alloc_bytes", 5)));
    assertThat(memory(out)).containsExactly(Map.entry("heap/objects", 1.0));
    assertThat(counts).containsEntry("mapped", 1L).containsEntry("duplicate", 4L);
  }

  @Test
  void aNameAloneMapsOnItsOwnAndCompositesTakeTheirPartAway() {
    MetricBatch out = stage.process(batch(
        gauge("go_memstats_heap_idle_bytes", 100),
        gauge("go_memstats_heap_released_bytes", 30),
        gauge("go_memstats_heap_sys_bytes", 500),
        gauge("go_memstats_sys_bytes", 900)));
    assertThat(memory(out)).containsExactly(Map.entry("heap/free", 70.0), Map.entry("heap/released", 30.0));
    assertThat(counts).containsEntry("mapped", 2L).containsEntry("dropped", 2L).doesNotContainKey("duplicate");
  }

  @Test
  void aCompositeWithoutItsPartIsInvalidAndCounted() {
    stage.process(batch(gauge("go_memstats_stack_sys_bytes", 100)));
    assertThat(counts).containsEntry("invalid", 1L);
  }

  @Test
  void pointsOfOneMetricWithTheSameLabelsAreAllKept() {
    Metric twice = new Metric("app.requests", "", "", MetricType.COUNTER, Temporality.DELTA,
        List.of(new NumberPoint(Labels.empty(), 1, 2, 1), new NumberPoint(Labels.empty(), 2, 3, 1)));
    MetricBatch out = stage.process(batch(twice));
    assertThat(out.resources().get(0).scopes().get(0).metrics().get(0).points()).hasSize(2);
    assertThat(counts).containsEntry("unmatched_passthrough", 2L).doesNotContainKey("duplicate");
  }
}
