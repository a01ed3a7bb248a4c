package dev.rosetta.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Origin;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.aggregate.AggregateOp;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.exposition.StoreCollector;
import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Declared aggregation: each source contributes, the series shows the exact aggregate of the live ones. */
class SeriesAggregationTest {
  static final Labels RESOURCE = Labels.of("service.name", "app", "service.instance.id", "i-1");

  final AtomicLong now = new AtomicLong(1_000_000);
  SeriesStore store;
  CollectorRegistry registry;
  StoreCollector collector;

  @BeforeEach
  void setUp() {
    store = newStore(0);
  }

  SeriesStore newStore(int maxSeries) {
    SeriesStore s = new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, maxSeries, 0),
        now::get, n -> n.startsWith("rosetta_"));
    registry = new CollectorRegistry();
    collector = new StoreCollector(s);
    return s;
  }

  static AggregateRule rule(String family, boolean without, AggregateOp op, String... labels) {
    return new AggregateRule(0, Optional.of(family), Optional.empty(), without, List.of(labels), op);
  }

  void rules(AggregateRule... rules) {
    store.setAggregation(AggregationRules.of(List.of(rules)));
  }

  String scrape() {
    return new String(new ScrapeHandler(registry, collector, false).scrape("text/plain", null, Set.of()).body(), StandardCharsets.UTF_8);
  }

  static MetricBatch batch(Labels resource, Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(resource,
        List.of(new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics))))));
  }

  static MetricBatch batch(Metric... metrics) {
    return batch(RESOURCE, metrics);
  }

  /** go.cpu.time{go.cpu.state=gc, go.cpu.detailed_state=<class>} from its Go path. */
  static Metric gcClass(String detail, double value, long start, long time) {
    return new Metric("go.cpu.time", "", "s", MetricType.COUNTER, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.of("go.cpu.state", "gc", "go.cpu.detailed_state", detail), start, time, value,
            Labels.empty())),
        Origin.of("/cpu/classes/" + detail + ":cpu-seconds", "view go.cpu.time.detailed"));
  }

  static MetricBatch gc(double assist, double dedicated, double idle, double pause, long time) {
    return batch(gcClass("gc/mark/assist", assist, 1, time), gcClass("gc/mark/dedicated", dedicated, 1, time),
        gcClass("gc/mark/idle", idle, 1, time), gcClass("gc/pause", pause, 1, time));
  }

  static final String GC_SERIES = "go_cpu_time_seconds_total{go_cpu_state=\"gc\",instance=\"i-1\",job=\"app\",}";

  @Test
  void countersSumExactlyAndTheAggregateIsWhatIsForwarded() {
    rules(rule("go_cpu_time_seconds_total", true, AggregateOp.SUM, "go_cpu_detailed_state"));
    try (SeriesStore.Ingest in = store.prepare(gc(1, 2, 3, 4, 10))) {
      MetricBatch fwd = in.forwardBatch();
      assertThat(fwd.pointCount()).as("one aggregate point for four contributions").isEqualTo(1);
      Metric m = fwd.resources().get(0).scopes().get(0).metrics().get(0);
      NumberPoint p = (NumberPoint) m.points().get(0);
      assertThat(p.value()).isEqualTo(10);
      assertThat(p.labels()).isEqualTo(Labels.of("go.cpu.state", "gc"));
      assertThat(m.type()).isEqualTo(MetricType.COUNTER);
      assertThat(m.temporality()).isEqualTo(Temporality.CUMULATIVE);
      var r = store.commit(in);
      assertThat(r.stored()).isEqualTo(4);
      assertThat(r.refused()).isZero();
    }
    assertThat(scrape()).contains(GC_SERIES + " 10.0").doesNotContain("go_cpu_detailed_state");
    assertThat(store.contributedPoints()).isEqualTo(4);
    assertThat(store.aggregatePoints()).as("what is forwarded in their place").isEqualTo(1);
    assertThat(store.seriesCount()).as("the aggregate series and its four contributions").isEqualTo(5);

    now.addAndGet(10_000);
    store.apply(gc(2, 3, 4, 5, 20));
    assertThat(scrape()).contains(GC_SERIES + " 14.0");
  }

  @Test
  void aCounterResetInOneContributorShowsAsSumOverRawSeriesWould() {
    rules(rule("go_cpu_time_seconds_total", true, AggregateOp.SUM, "go_cpu_detailed_state"));
    store.apply(gc(10, 20, 30, 40, 10));
    now.addAndGet(10_000);
    // the pause class restarts from 1 (a new start time), the others go on
    store.apply(batch(gcClass("gc/mark/assist", 11, 1, 20), gcClass("gc/mark/dedicated", 21, 1, 20),
        gcClass("gc/mark/idle", 31, 1, 20), gcClass("gc/pause", 1, 15, 20)));
    assertThat(scrape()).contains(GC_SERIES + " 64.0");
  }

  @Test
  void contributionsThatNoLongerDifferInLabelsStillSum() {
    // relabel.output dropped go_cpu_detailed_state already: the sources are what tells them apart
    rules(rule("go_cpu_time_seconds_total", true, AggregateOp.SUM));
    List<Metric> ms = new ArrayList<>();
    int v = 1;
    for (String d : List.of("gc/mark/assist", "gc/mark/dedicated", "gc/mark/idle", "gc/pause")) {
      ms.add(new Metric("go.cpu.time", "", "s", MetricType.COUNTER, Temporality.CUMULATIVE,
          List.of(new NumberPoint(Labels.of("go.cpu.state", "gc"), 1, 10, v++, Labels.empty())),
          Origin.of("/cpu/classes/" + d + ":cpu-seconds", "view go.cpu.time.detailed")
              .then("relabel.output", "go.cpu.time")));
    }
    store.apply(batch(ms.toArray(Metric[]::new)));
    assertThat(scrape()).contains(GC_SERIES + " 10.0");
  }

  static Metric gauge(String pool, double value) {
    return new Metric("jvm.memory.used", "", "By", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.of("jvm.memory.pool.name", pool, "jvm.memory.type", "heap"), 0, 10, value)));
  }

  @Test
  void gaugesTakeSumMinMaxAndAvg() {
    for (AggregateOp op : AggregateOp.values()) {
      store = newStore(0);
      rules(rule("jvm_memory_used_bytes", false, op, "jvm_memory_type"));
      store.apply(batch(gauge("eden", 10), gauge("survivor", 2), gauge("old", 30)));
      double expected = switch (op) {
        case SUM -> 42;
        case MIN -> 2;
        case MAX -> 30;
        case AVG -> 14;
      };
      assertThat(scrape()).as(op.word())
          .contains("jvm_memory_used_bytes{instance=\"i-1\",job=\"app\",jvm_memory_type=\"heap\",} " + expected);
    }
  }

  static Metric histogram(String route, double[] bounds, long[] counts, double sum) {
    long count = 0;
    for (long c : counts) {
      count += c;
    }
    return new Metric("http.server.duration", "", "s", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(new HistogramPoint(Labels.of("http.route", route), 1, 10, bounds, counts, count, sum, Double.NaN,
            Double.NaN)));
  }

  @Test
  void histogramsWithEqualBoundsSumBucketByBucket() {
    rules(rule("http_server_duration_seconds", true, AggregateOp.SUM, "http_route"));
    double[] b = {0.1, 1};
    store.apply(batch(histogram("/a", b, new long[] {1, 2, 3}, 4.5), histogram("/b", b, new long[] {10, 0, 1}, 2.5)));
    assertThat(scrape())
        .contains("http_server_duration_seconds_bucket{instance=\"i-1\",job=\"app\",le=\"0.1\",} 11.0")
        .contains("http_server_duration_seconds_bucket{instance=\"i-1\",job=\"app\",le=\"1.0\",} 13.0")
        .contains("http_server_duration_seconds_bucket{instance=\"i-1\",job=\"app\",le=\"+Inf\",} 17.0")
        .contains("http_server_duration_seconds_count{instance=\"i-1\",job=\"app\",} 17.0")
        .contains("http_server_duration_seconds_sum{instance=\"i-1\",job=\"app\",} 7.0");
  }

  @Test
  void histogramsWithOtherBoundsSumOverTheBoundsTheyShare() {
    rules(rule("http_server_duration_seconds", true, AggregateOp.SUM, "http_route"));
    store.apply(batch(histogram("/a", new double[] {0.1, 0.5, 1}, new long[] {1, 2, 3, 4}, 1),
        histogram("/b", new double[] {0.1, 1, 5}, new long[] {10, 20, 30, 40}, 2)));
    assertThat(scrape())
        .contains("http_server_duration_seconds_bucket{instance=\"i-1\",job=\"app\",le=\"0.1\",} 11.0")
        .contains("http_server_duration_seconds_bucket{instance=\"i-1\",job=\"app\",le=\"1.0\",} 36.0")
        .contains("http_server_duration_seconds_bucket{instance=\"i-1\",job=\"app\",le=\"+Inf\",} 110.0")
        .doesNotContain("le=\"0.5\"").doesNotContain("le=\"5.0\"")
        .contains("http_server_duration_seconds_count{instance=\"i-1\",job=\"app\",} 110.0");
  }

  @Test
  void contributionsExpireEachOnItsOwn() {
    rules(rule("jvm_memory_used_bytes", true, AggregateOp.SUM, "jvm_memory_pool_name"));
    store.apply(batch(gauge("eden", 10), gauge("old", 30)));
    now.addAndGet(Duration.ofMinutes(4).toMillis());
    store.apply(batch(gauge("old", 31)));
    assertThat(scrape()).contains("jvm_memory_used_bytes{instance=\"i-1\",job=\"app\",jvm_memory_type=\"heap\",} 41.0");
    now.addAndGet(Duration.ofMinutes(1).toMillis() + 1);
    assertThat(store.expire()).as("the eden contribution").isEqualTo(1);
    assertThat(scrape()).contains("jvm_memory_used_bytes{instance=\"i-1\",job=\"app\",jvm_memory_type=\"heap\",} 31.0");
    now.addAndGet(Duration.ofMinutes(5).toMillis());
    assertThat(store.expire()).as("the old contribution and the aggregate series").isEqualTo(2);
    assertThat(store.seriesCount()).isZero();
    assertThat(scrape()).doesNotContain("jvm_memory_used_bytes{");
  }

  @Test
  void deltaContributionsAccumulateEachInItsOwnState() {
    rules(rule("jobs_done_total", true, AggregateOp.SUM, "queue"));
    for (int i = 1; i <= 3; i++) {
      store.apply(batch(new Metric("jobs.done", "", "", MetricType.COUNTER, Temporality.DELTA, List.<Point>of(
          new NumberPoint(Labels.of("queue", "a"), 0, i, 1), new NumberPoint(Labels.of("queue", "b"), 0, i, 10)))));
    }
    assertThat(scrape()).contains("jobs_done_total{instance=\"i-1\",job=\"app\",} 33.0");
  }

  @Test
  void aRuleWhoseOpDoesNotFitTheTypeLeavesTheFamilyAlone() {
    rules(rule("go_cpu_time_seconds_total", true, AggregateOp.MAX, "go_cpu_detailed_state"));
    var r = store.apply(gc(1, 2, 3, 4, 10));
    assertThat(r.refused()).isZero();
    assertThat(scrape()).contains("go_cpu_detailed_state=\"gc/pause\"");
  }

  @Test
  void contributionsCountAgainstTheSeriesBudget() {
    store = newStore(3);
    rules(rule("go_cpu_time_seconds_total", true, AggregateOp.SUM, "go_cpu_detailed_state"));
    var r = store.apply(gc(1, 2, 3, 4, 10));
    assertThat(r.stored()).as("the aggregate series and two contributions fit").isEqualTo(2);
    assertThat(r.refusedByReason()).containsEntry("series_limit", 2);
    assertThat(scrape()).contains(GC_SERIES + " 3.0");
  }

  @Test
  void aReloadThatChangesTheAggregationStartsTheFamilyAfresh() {
    store.apply(batch(gauge("eden", 10), gauge("old", 30)));
    assertThat(store.seriesCount()).isEqualTo(2);
    rules(rule("jvm_memory_used_bytes", true, AggregateOp.SUM, "jvm_memory_pool_name"));
    assertThat(store.seriesCount()).isZero();
    store.apply(batch(gauge("eden", 10), gauge("old", 30)));
    assertThat(scrape()).contains("jvm_memory_used_bytes{instance=\"i-1\",job=\"app\",jvm_memory_type=\"heap\",} 40.0");
    rules();
    store.apply(batch(gauge("eden", 11)));
    assertThat(scrape()).contains("jvm_memory_pool_name=\"eden\"").doesNotContain("40.0");
  }

  @Test
  void familyRegexAndCounterBaseNamesMatch() {
    store.setAggregation(AggregationRules.of(List.of(new AggregateRule(0, Optional.empty(),
        Optional.of("go_cpu_.*"), true, List.of("go_cpu_detailed_state"), AggregateOp.SUM))));
    store.apply(gc(1, 2, 3, 4, 10));
    assertThat(scrape()).contains(GC_SERIES + " 10.0");
    store = newStore(0);
    rules(rule("go_cpu_time_seconds", true, AggregateOp.SUM, "go_cpu_detailed_state"));
    store.apply(gc(1, 2, 3, 4, 10));
    assertThat(scrape()).contains(GC_SERIES + " 10.0");
  }
}
