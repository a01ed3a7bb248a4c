package dev.rosetta.receiver.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
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
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Where the sum of a Go histogram comes from: the sender, the exact totals, or the estimate. */
class GoHistogramsTest {
  // Go buckets [8,16) [16,32) [32,+Inf): 3 objects of 16 bytes, 2 of 32, 1 large one of 40000
  static final double[] BOUNDS = {8, 16, 32};
  static final long[] COUNTS = {0, 3, 2, 1};
  static final double EXACT = 3 * 16 + 2 * 32 + 40000;

  static Metric histogram(String name, double sum) {
    return new Metric(name, "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE, List.of(
        new HistogramPoint(Labels.empty(), 0, 1, BOUNDS.clone(), COUNTS.clone(), 6, sum, Double.NaN, Double.NaN)));
  }

  static Metric counter(String name, double value) {
    return new Metric(name, "", "", MetricType.COUNTER, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 1, value)));
  }

  static ResourceMetrics resource(String service, Metric... metrics) {
    // the totals in one scope and the histograms in another: same resource is what counts
    List<ScopeMetrics> scopes = List.of(
        new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics[0])),
        new ScopeMetrics(new InstrumentationScope("other", "", Labels.empty()),
            List.of(metrics).subList(1, metrics.length)));
    return new ResourceMetrics(Labels.of("service.name", service), scopes);
  }

  static double sumOf(MetricBatch batch, String service, String family) {
    return batch.resources().stream()
        .filter(r -> r.resource().get("service.name").equals(service))
        .flatMap(r -> r.scopes().stream()).flatMap(s -> s.metrics().stream())
        .filter(m -> m.name().equals(family))
        .map(m -> ((HistogramPoint) m.points().get(0)).sum()).findFirst().orElseThrow();
  }

  @Test
  void sizeHistogramsTakeTheirExactSumFromTheTotalsOfTheSameResource() throws Exception {
    ViewsStage stage = new ViewsStage(ViewSet.builder().builtin("go").build(), ViewsStage.Unmatched.DROP,
        (o, n) -> { });
    MetricBatch in = new MetricBatch(List.of(
        resource("with-totals", counter("/gc/heap/allocs:bytes", EXACT), counter("/gc/heap/frees:bytes", EXACT - 40000),
            histogram("/gc/heap/allocs-by-size:bytes", Double.NaN), histogram("/gc/heap/frees-by-size:bytes", Double.NaN)),
        resource("without-totals", counter("/gc/heap/allocs:objects", 6),
            histogram("/gc/heap/allocs-by-size:bytes", Double.NaN), histogram("/gc/heap/frees-by-size:bytes", 12345)),
        resource("other-labels", new Metric("/gc/heap/allocs:bytes", "", "", MetricType.COUNTER,
                Temporality.CUMULATIVE, List.of(new NumberPoint(Labels.of("k", "v"), 0, 1, EXACT))),
            histogram("/gc/heap/allocs-by-size:bytes", Double.NaN))));
    MetricBatch out = stage.process(in);

    assertThat(sumOf(out, "with-totals", "go.gc.heap.allocs_by_size")).isEqualTo(EXACT);
    assertThat(sumOf(out, "with-totals", "go.gc.heap.frees_by_size")).isEqualTo(EXACT - 40000);
    // no total in this resource: the estimate (midpoints, the last bucket at its finite edge)
    double estimate = GoHistograms.estimatedSum(BOUNDS, COUNTS);
    assertThat(estimate).isEqualTo(3 * 12 + 2 * 24 + 32);
    assertThat(sumOf(out, "without-totals", "go.gc.heap.allocs_by_size")).isEqualTo(estimate);
    // the sender's own sum is kept
    assertThat(sumOf(out, "without-totals", "go.gc.heap.frees_by_size")).isEqualTo(12345);
    // a total with other point labels is another series: not this histogram's sum
    assertThat(sumOf(out, "other-labels", "go.gc.heap.allocs_by_size")).isEqualTo(estimate);
  }

  /** client_golang's histogram: the bounds just below the runtime's edges. */
  static Metric clientGolangHistogram(String name, double sum) {
    double[] bounds = BOUNDS.clone();
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = Math.nextDown(bounds[i]);
    }
    return new Metric(name, "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE, List.of(
        new HistogramPoint(Labels.empty(), 0, 1, bounds, COUNTS.clone(), 6, sum, Double.NaN, Double.NaN)));
  }

  @Test
  void namesRecognisedAsThePathsGiveAndTakeTheExactSums() throws Exception {
    Map<String, Long> counted = new TreeMap<>();
    ViewsStage stage = new ViewsStage(ViewSet.builder().builtin("go").build(), ViewsStage.Unmatched.DROP,
        (o, n) -> counted.merge(o, n, Long::sum));
    MetricBatch in = new MetricBatch(List.of(
        // client_golang's names only, as a Collector's prometheus receiver sends them
        resource("client_golang", counter("go_gc_heap_allocs_bytes_total", EXACT),
            counter("go_gc_heap_frees_bytes_total", EXACT - 40000),
            clientGolangHistogram("go_gc_heap_allocs_by_size_bytes", Double.NaN),
            clientGolangHistogram("go_gc_heap_frees_by_size_bytes", Double.NaN)),
        // MemStats' TotalAlloc is the same total; client_golang's runtime/metrics name is taken before it
        resource("memstats", counter("go_memstats_alloc_bytes_total", EXACT + 1),
            counter("go_gc_heap_allocs_bytes_total", EXACT), counter("go_memstats_alloc_bytes_total", EXACT + 2),
            clientGolangHistogram("go_gc_heap_allocs_by_size_bytes", Double.NaN)),
        // the path's own total is taken before any other name's
        resource("path-first", counter("go_gc_heap_allocs_bytes_total", EXACT + 1),
            counter("/gc/heap/allocs:bytes", EXACT), histogram("/gc/heap/allocs-by-size:bytes", Double.NaN)),
        // no total: the estimate, on the runtime's edges as for the path
        resource("estimate", counter("go_gc_heap_allocs_objects_total", 6),
            clientGolangHistogram("go_gc_heap_allocs_by_size_bytes", Double.NaN),
            clientGolangHistogram("go_gc_heap_frees_by_size_bytes", 12345))));
    MetricBatch out = stage.process(in);

    assertThat(sumOf(out, "client_golang", "go.gc.heap.allocs_by_size")).isEqualTo(EXACT);
    assertThat(sumOf(out, "client_golang", "go.gc.heap.frees_by_size")).isEqualTo(EXACT - 40000);
    assertThat(sumOf(out, "memstats", "go.gc.heap.allocs_by_size")).isEqualTo(EXACT);
    assertThat(sumOf(out, "path-first", "go.gc.heap.allocs_by_size")).isEqualTo(EXACT);
    assertThat(sumOf(out, "estimate", "go.gc.heap.allocs_by_size")).isEqualTo(GoHistograms.estimatedSum(BOUNDS, COUNTS));
    assertThat(sumOf(out, "estimate", "go.gc.heap.frees_by_size")).isEqualTo(12345);
    // two totals of one scope stand for one series: one is kept, the other counted (in "memstats";
    // across scopes they are series of their own scopes)
    assertThat(counted).containsEntry("duplicate", 1L);
  }

  @Test
  void aHistogramUnderItsPathAndItsClientGolangNameIsOneSeriesWithTheExactSum() throws Exception {
    Map<String, Long> counted = new TreeMap<>();
    ViewsStage stage = new ViewsStage(ViewSet.builder().builtin("go").build(), ViewsStage.Unmatched.DROP,
        (o, n) -> counted.merge(o, n, Long::sum));
    ResourceMetrics rm = new ResourceMetrics(Labels.of("service.name", "both"), List.of(new ScopeMetrics(
        InstrumentationScope.empty(), List.of(clientGolangHistogram("go_gc_heap_allocs_by_size_bytes", Double.NaN),
            counter("go_gc_heap_allocs_bytes_total", EXACT), histogram("/gc/heap/allocs-by-size:bytes", Double.NaN),
            counter("/gc/heap/allocs:bytes", EXACT)))));
    MetricBatch out = stage.process(new MetricBatch(List.of(rm)));
    List<Metric> families = out.resources().get(0).scopes().get(0).metrics().stream()
        .filter(m -> m.name().equals("go.gc.heap.allocs_by_size")).toList();
    assertThat(families).hasSize(1);
    assertThat(families.get(0).points()).hasSize(1);
    assertThat(((HistogramPoint) families.get(0).points().get(0)).sum()).isEqualTo(EXACT);
    assertThat(((HistogramPoint) families.get(0).points().get(0)).bounds()).startsWith(8.0, 16.0, 32.0);
    assertThat(counted).containsEntry("duplicate", 2L);
  }

  @Test
  void otherHistogramsAreEstimatedAndTheUnitComesFromThePath() {
    Metric m = GoHistograms.normalize(histogram("/sched/latencies:seconds", Double.NaN),
        GoHistograms.exactSums(resource("r", counter("/gc/heap/allocs:bytes", 1), counter("/x:bytes", 2))));
    assertThat(m.unit()).isEqualTo("s");
    assertThat(((HistogramPoint) m.points().get(0)).sum()).isEqualTo(GoHistograms.estimatedSum(BOUNDS, COUNTS));
    assertThat(GoHistograms.exactSums(resource("r", counter("/x:bytes", 2), counter("/y:bytes", 2)))).isEmpty();
    assertThat(Optional.of(GoHistograms.EXACT_SUMS.get("/gc/heap/allocs-by-size:bytes")))
        .contains("/gc/heap/allocs:bytes");
  }
}
