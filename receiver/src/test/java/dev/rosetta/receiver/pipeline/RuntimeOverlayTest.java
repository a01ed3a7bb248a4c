package dev.rosetta.receiver.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
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
import dev.rosetta.model.view.ViewSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The opt-in overlay set {@code runtime}: cross-runtime families beside the go and jvm families. */
class RuntimeOverlayTest {
  static Metric number(String name, double value) {
    return new Metric(name, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 1, value)));
  }

  static Map<String, Double> series(MetricBatch out) {
    Map<String, Double> m = new HashMap<>();
    for (ResourceMetrics rm : out.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        for (Metric metric : sm.metrics()) {
          for (Point p : metric.points()) {
            double v = p instanceof NumberPoint np ? np.value() : ((HistogramPoint) p).count();
            m.put(metric.name() + p.labels().asMap(), v);
          }
        }
      }
    }
    return m;
  }

  @Test
  void goAndJvmInputsGiveTheSameFamiliesBesideTheirOwn() throws Exception {
    Map<String, Long> counted = new HashMap<>();
    ViewsStage stage = new ViewsStage(ViewSet.builder().builtins(List.of("go", "jvm", "runtime")).build(),
        ViewsStage.Unmatched.PASSTHROUGH, (o, n) -> counted.merge(o, n, Long::sum));
    Metric pauses = new Metric("/sched/pauses/total/gc:seconds", "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(new HistogramPoint(Labels.empty(), 0, 1, new double[] {0.001, 0.002}, new long[] {0, 4, 0}, 4,
            Double.NaN, Double.NaN, Double.NaN)));
    ResourceMetrics go = new ResourceMetrics(Labels.of("service.name", "go-svc"), List.of(new ScopeMetrics(
        InstrumentationScope.empty(), List.of(number("/memory/classes/heap/objects:bytes", 100),
            number("/memory/classes/heap/unused:bytes", 10), number("/memory/classes/heap/free:bytes", 1000),
            number("/memory/classes/heap/stacks:bytes", 5), number("/memory/classes/heap/released:bytes", 7), pauses))));
    ResourceMetrics jvm = new ResourceMetrics(Labels.of("service.name", "jvm-svc"), List.of(new ScopeMetrics(
        InstrumentationScope.empty(), List.of(number("java.lang:type=Memory/HeapMemoryUsage/used", 200),
            number("java.lang:type=GarbageCollector,name=ZGC Pauses/CollectionTime", 30),
            number("java.lang:type=GarbageCollector,name=ZGC Cycles/CollectionTime", 3000)))));
    MetricBatch in = new MetricBatch(List.of(go, jvm));
    Map<String, Double> out = series(stage.process(in));

    // the go family keeps every class, the overlay adds its own
    assertThat(out).containsEntry("go.memory.mapped{go.memory.class=heap/objects}", 100.0)
        .containsEntry("runtime.memory.heap.used{runtime=go}", 100.0)
        .containsEntry("runtime.memory.heap.used{runtime=jvm}", 200.0)
        // objects + unused + free + stacks, released memory is not held
        .containsEntry("runtime.memory.heap.committed{runtime=go}", 1115.0)
        // the sum of the pause histogram (estimated at the bucket midpoint, 1.5 ms x 4), in seconds
        .containsEntry("runtime.gc.pause.time{runtime=go, runtime.gc.name=go}", 0.006)
        // ZGC's pauses are pause time; its cycles are concurrent work and stay out
        .containsEntry("runtime.gc.pause.time{runtime=jvm, runtime.gc.name=ZGC Pauses}", 0.03)
        .containsKey("go.sched.pause.duration{go.sched.pause.cause=gc}")
        .containsKey("jvm.gc.collections.elapsed{jvm.gc.action=end of GC cycle, jvm.gc.name=ZGC Cycles}");
    assertThat(out.keySet()).noneMatch(k -> k.contains("runtime.gc.name=ZGC Cycles"));
    assertThat(counted.get("overlay")).isEqualTo(5);
  }
}
