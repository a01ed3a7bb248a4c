package dev.rosetta.receiver.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.HistogramPoint;
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

  static List<Metric> metrics(MetricBatch out) {
    return out.resources().get(0).scopes().get(0).metrics();
  }

  static Metric only(MetricBatch out, String family) {
    List<Metric> found = metrics(out).stream().filter(m -> m.name().equals(family)).toList();
    assertThat(found).as(family).hasSize(1);
    return found.get(0);
  }

  @Test
  void theKeptPointCarriesTheOriginOfItsNameAndOneQuantityIsOneSourceName() {
    Metric path = only(stage.process(batch(gauge("go_memstats_heap_alloc_bytes", 3),
        gauge("/memory/classes/heap/objects:bytes", 1))), "go.memory.mapped");
    assertThat(path.receivedName()).isEqualTo("/memory/classes/heap/objects:bytes");
    assertThat(path.origin().steps()).singleElement().asString().startsWith("view ").contains("builtin:go");
    assertThat(path.sourceName()).isEqualTo("/memory/classes/heap/objects:bytes");

    Metric alone = only(stage.process(batch(gauge("go_memstats_heap_alloc_bytes", 3))), "go.memory.mapped");
    assertThat(alone.receivedName()).isEqualTo("go_memstats_heap_alloc_bytes");
    assertThat(alone.sourceName()).as("the same source as the path, batch after batch")
        .isEqualTo("/memory/classes/heap/objects:bytes");
  }

  @Test
  void differencesAndRestoredBucketEdgesKeepTheReceivedAttributes() {
    Labels received = Labels.of("pod", "a-1");
    Labels relabeled = Labels.of("pod", "a");
    Metric inuse = new Metric("go_memstats_heap_inuse_bytes", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(relabeled, 1, 2, 100, received)));
    Metric alloc = new Metric("go_memstats_heap_alloc_bytes", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(relabeled, 1, 2, 60, received)));
    Metric pauses = new Metric("go_gc_pauses_seconds", "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(new HistogramPoint(relabeled, 1, 2, new double[] {Math.nextDown(1e-6), Math.nextDown(1e-5)},
            new long[] {1, 2, 3}, 6, Double.NaN, Double.NaN, Double.NaN, received)));
    MetricBatch out = stage.process(batch(inuse, alloc, pauses));
    List<Metric> memory = metrics(out).stream().filter(m -> m.name().equals("go.memory.mapped")).toList();
    assertThat(memory).as("one metric per name, each with its origin").extracting(Metric::receivedName)
        .containsExactly("go_memstats_heap_inuse_bytes", "go_memstats_heap_alloc_bytes");
    for (Metric m : memory) {
      for (Point p : m.points()) {
        assertThat(p.receivedLabels()).isEqualTo(received);
      }
    }
    Metric unused = metrics(out).stream().filter(m -> m.name().equals("go.memory.mapped")
        && m.receivedName().equals("go_memstats_heap_inuse_bytes")).findFirst().orElseThrow();
    assertThat(((NumberPoint) unused.points().get(0)).value()).as("HeapInuse - HeapAlloc").isEqualTo(40);
    Metric gc = only(out, "go.sched.pause.duration");
    assertThat(gc.receivedName()).isEqualTo("go_gc_pauses_seconds");
    assertThat(gc.sourceName()).as("documented identical to the GC stop-the-world pauses")
        .isEqualTo("/sched/pauses/total/gc:seconds");
    assertThat(gc.points().get(0).receivedLabels()).isEqualTo(received);
  }

  @Test
  void twoPathsGoDocumentsAsIdenticalAreOneSeriesEvenWhenTheirReadsDiffer() {
    Metric gcPauses = histogram("/gc/pauses:seconds", 5);
    Metric stwGc = histogram("/sched/pauses/total/gc:seconds", 6); // a pause recorded between the two reads
    Metric kept = only(stage.process(batch(gcPauses, stwGc)), "go.sched.pause.duration");
    assertThat(kept.receivedName()).isEqualTo("/gc/pauses:seconds");
    assertThat(kept.points()).hasSize(1);
    assertThat(counts).containsEntry("duplicate", 1L);
  }

  static Metric histogram(String path, long count) {
    return new Metric(path, "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(new HistogramPoint(Labels.empty(), 1, 2, new double[] {1e-6, 1e-5}, new long[] {0, count, 0}, count,
            Double.NaN, Double.NaN, Double.NaN)));
  }

  @Test
  void unrelatedNamesOnOneSeriesStayApartForTheStoreAndExactRepeatsAreDuplicates() throws Exception {
    ViewsStage queues = new ViewsStage(ViewSet.builder().addYaml("queues.yaml", """
        views:
          - id: orders.queue
            match: app.orders.queue.size
            name: app.queue.size
            type: gauge
          - id: billing.queue
            match: app.billing.queue.size
            name: app.queue.size
            type: gauge
          - id: shipping.queue
            match: app.shipping.queue.size
            name: app.queue.size
            type: gauge
        """).build(), ViewsStage.Unmatched.PASSTHROUGH, (outcome, n) -> counts.merge(outcome, n, Long::sum));
    MetricBatch out = queues.process(batch(gauge("app.orders.queue.size", 5), gauge("app.billing.queue.size", 7),
        gauge("app.shipping.queue.size", 5)));
    assertThat(metrics(out)).extracting(Metric::receivedName)
        .containsExactly("app.orders.queue.size", "app.billing.queue.size");
    assertThat(metrics(out)).extracting(m -> m.origin().steps().get(0))
        .containsExactly("view orders.queue (queues.yaml#1)", "view billing.queue (queues.yaml#2)");
    assertThat(counts).containsEntry("mapped", 2L).containsEntry("duplicate", 1L);
  }
}
