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

  static ViewsStage stage(Map<String, Long> counted) throws Exception {
    return new ViewsStage(ViewSet.builder().builtins(List.of("go", "jvm", "runtime")).build(),
        ViewsStage.Unmatched.PASSTHROUGH, (o, n) -> counted.merge(o, n, Long::sum));
  }

  static MetricBatch batch(Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(Labels.of("service.name", "go-svc"),
        List.of(new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics))))));
  }

  static Metric pauses(String name, long count) {
    return new Metric(name, "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(new HistogramPoint(Labels.empty(), 0, 1, new double[] {0.001, 0.002}, new long[] {0, count, 0}, count,
            Double.NaN, Double.NaN, Double.NaN)));
  }

  @Test
  void client_golangsNamesReachTheOverlayAsTheirPaths() throws Exception {
    Map<String, Long> counted = new HashMap<>();
    Map<String, Double> out = series(stage(counted).process(batch(number("go_memory_classes_heap_objects_bytes", 100),
        number("go_memory_classes_heap_unused_bytes", 10), number("go_memory_classes_heap_free_bytes", 1000),
        number("go_memory_classes_heap_stacks_bytes", 5), number("go_memory_classes_heap_released_bytes", 7))));
    assertThat(out).containsEntry("go.memory.mapped{go.memory.class=heap/objects}", 100.0)
        .containsEntry("runtime.memory.heap.used{runtime=go}", 100.0)
        .containsEntry("runtime.memory.heap.committed{runtime=go}", 1115.0);
    assertThat(counted).containsEntry("overlay", 2L).doesNotContainKeys("duplicate", "invalid");
  }

  @Test
  void memStatsNamesDeriveTheCommittedHeapFromTheirClasses() throws Exception {
    // HeapInuse = objects + unused, HeapIdle = free + released: the same 100, 10, 1000, 5 as above
    Map<String, Long> counted = new HashMap<>();
    Map<String, Double> out = series(stage(counted).process(batch(number("go_memstats_heap_alloc_bytes", 100),
        number("go_memstats_heap_inuse_bytes", 110), number("go_memstats_heap_idle_bytes", 1007),
        number("go_memstats_heap_released_bytes", 7), number("go_memstats_stack_inuse_bytes", 5))));
    assertThat(out).containsEntry("runtime.memory.heap.used{runtime=go}", 100.0)
        .containsEntry("runtime.memory.heap.committed{runtime=go}", 1115.0);
    assertThat(counted).containsEntry("overlay", 2L).doesNotContainKeys("duplicate", "invalid");
  }

  @Test
  void aQuantityUnderTwoNamesIsOneOverlaySeriesAndItsDuplicateIsCountedOnce() throws Exception {
    // Go 1.22+ reports /gc/pauses and /sched/pauses/total/gc; a service with client_golang's MemStats
    // collector beside runtime/metrics has go_memstats_heap_alloc_bytes beside the path (read later)
    Map<String, Long> counted = new HashMap<>();
    Map<String, Double> out = series(stage(counted).process(batch(number("go_memstats_heap_alloc_bytes", 99),
        number("/memory/classes/heap/objects:bytes", 100), number("/memory/classes/heap/unused:bytes", 10),
        number("/memory/classes/heap/free:bytes", 1000), number("/memory/classes/heap/stacks:bytes", 5),
        pauses("/gc/pauses:seconds", 4), pauses("/sched/pauses/total/gc:seconds", 4))));
    // the path wins in the go family and in the overlay alike, and the derived value takes the path's
    assertThat(out).containsEntry("go.memory.mapped{go.memory.class=heap/objects}", 100.0)
        .containsEntry("runtime.memory.heap.used{runtime=go}", 100.0)
        .containsEntry("runtime.memory.heap.committed{runtime=go}", 1115.0)
        .containsEntry("runtime.gc.pause.time{runtime=go, runtime.gc.name=go}", 0.006)
        .containsEntry("go.sched.pause.duration{go.sched.pause.cause=gc}", 4.0);
    // one duplicate point for the heap objects, one for the pauses; the overlay's own collisions add nothing
    assertThat(counted).containsEntry("duplicate", 2L).containsEntry("overlay", 3L)
        .containsEntry("mapped", 5L).doesNotContainKey("invalid");
  }
}
