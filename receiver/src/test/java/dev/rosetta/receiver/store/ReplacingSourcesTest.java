package dev.rosetta.receiver.store;

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
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replacing source (a scrape target) is one notion of source with the collision tracking: each of
 * its batches replaces the last (what it stopped giving leaves), it takes everything with it when it
 * goes, and its identity tells its series apart from any other source's, even one with the same
 * resource.
 */
class ReplacingSourcesTest {
  /** What a scrape of job "app", instance "i-1" gives as its resource. */
  static final Labels RESOURCE = Labels.of("service.name", "app", "service.instance.id", "i-1");
  static final ReplacingSource TARGET_A = target("prometheus", "10.0.0.1:8080");
  static final ReplacingSource TARGET_B = target("prometheus/other", "10.0.0.1:8080");

  final AtomicLong now = new AtomicLong(1_000_000);
  final List<LogRecord> logs = new ArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (logs) {
        logs.add(r);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  SeriesStore store;
  CollectorRegistry registry;
  StoreCollector collector;

  static ReplacingSource target(String receiver, String address) {
    return new ReplacingSource(Labels.of("__address__", address, "__receiver__", receiver, "instance", "i-1",
        "job", "app"), "scrape target http://" + address + "/metrics (receiver " + receiver + ", job app)");
  }

  @BeforeEach
  void setUp() {
    store = new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 0, 0), now::get,
        n -> n.startsWith("rosetta_"));
    registry = new CollectorRegistry();
    collector = new StoreCollector(store);
    Logger.getLogger(SeriesStore.class.getName()).addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    Logger.getLogger(SeriesStore.class.getName()).removeHandler(capture);
  }

  String scrape() {
    return new String(new ScrapeHandler(registry, collector, false).scrape("text/plain", null, Set.of()).body(), StandardCharsets.UTF_8);
  }

  List<String> warnings() {
    synchronized (logs) {
      return logs.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(LogRecord::getMessage).toList();
    }
  }

  static MetricBatch batch(Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(RESOURCE,
        List.of(new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics))))));
  }

  static Metric gauge(String name, double value, long time) {
    return new Metric(name, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, time, value)));
  }

  /** go.cpu.time{go.cpu.state=gc, go.cpu.detailed_state=<class>}, as the views make it. */
  static Metric gcClass(String detail, double value, long time) {
    return new Metric("go.cpu.time", "", "s", MetricType.COUNTER, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.of("go.cpu.state", "gc", "go.cpu.detailed_state", detail), 1, time, value,
            Labels.empty())),
        dev.rosetta.model.Origin.of("/cpu/classes/" + detail + ":cpu-seconds", "view go.cpu.time.detailed"));
  }

  @Test
  void aTargetsNextBatchRemovesWhatItStoppedGiving() {
    assertThat(store.apply(batch(gauge("queue.size", 1, 10), gauge("workers", 4, 10)), TARGET_A).refused()).isZero();
    assertThat(store.seriesCount()).isEqualTo(2);
    now.addAndGet(15_000);
    store.apply(batch(gauge("queue.size", 2, 20)), TARGET_A);
    assertThat(scrape()).contains("queue_size{instance=\"i-1\",job=\"app\",} 2.0").doesNotContain("workers{");
    assertThat(store.seriesCount()).isEqualTo(1);
    assertThat(store.staleSeries()).isEqualTo(1);
    assertThat(store.familyCount()).as("the empty family left too").isEqualTo(1);

    assertThat(store.forgetSource(TARGET_A)).isEqualTo(1);
    assertThat(scrape()).doesNotContain("queue_size{");
    assertThat(store.seriesCount()).isZero();
    assertThat(store.forgetSource(TARGET_A)).as("once").isZero();
  }

  @Test
  void twoTargetsOfOneResourceAreTwoSources() {
    assertThat(store.apply(batch(gauge("queue.size", 1, 10)), TARGET_A).refused()).isZero();
    SeriesStore.ApplyResult r = store.apply(batch(gauge("queue.size", 2, 10)), TARGET_B);
    assertThat(r.reason()).as("the same job and instance from another receiver").isEqualTo("collision");
    assertThat(scrape()).contains("queue_size{instance=\"i-1\",job=\"app\",} 1.0");
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0)).contains("scrape target http://10.0.0.1:8080/metrics (receiver prometheus, job app)")
        .contains("(receiver prometheus/other, job app)");

    // a push with the same resource is a third source
    assertThat(store.apply(batch(gauge("queue.size", 3, 10))).reason()).isEqualTo("collision");
    // and the same target again is the holder
    now.addAndGet(15_000);
    assertThat(store.apply(batch(gauge("queue.size", 4, 20)), TARGET_A).refused()).isZero();
    assertThat(scrape()).contains("queue_size{instance=\"i-1\",job=\"app\",} 4.0");
  }

  @Test
  void whenATargetGoesTheNextSourceTakesTheSeriesAtOnce() {
    store.apply(batch(gauge("queue.size", 1, 10)), TARGET_A);
    assertThat(store.apply(batch(gauge("queue.size", 2, 10)), TARGET_B).reason()).isEqualTo("collision");
    store.forgetSource(TARGET_A);
    assertThat(store.apply(batch(gauge("queue.size", 2, 10)), TARGET_B).refused()).as("no handover wait").isZero();
    assertThat(store.handovers()).isZero();
    assertThat(scrape()).contains("queue_size{instance=\"i-1\",job=\"app\",} 2.0");
  }

  @Test
  void aSeriesThatPassedToAnotherSourceIsNotTheOldTargetsToRemove() {
    store.apply(batch(gauge("queue.size", 1, 10), gauge("up", 1, 10)), TARGET_A);
    now.addAndGet(10_000);
    store.apply(batch(gauge("queue.size", 1, 20), gauge("up", 1, 20)), TARGET_A); // every 10 s
    now.addAndGet(25_000); // silent for more than twice its interval: the series hands over
    assertThat(store.apply(batch(gauge("queue.size", 9, 30)), TARGET_B).refused()).isZero();
    assertThat(store.handovers()).isEqualTo(1);
    // target A's next batch lacks the series (its scrape failed: only up is left)
    store.apply(batch(gauge("up", 0, 40)), TARGET_A);
    assertThat(scrape()).contains("queue_size{instance=\"i-1\",job=\"app\",} 9.0");
    assertThat(store.forgetSource(TARGET_A)).as("only up was still A's").isEqualTo(1);
    assertThat(scrape()).contains("queue_size{instance=\"i-1\",job=\"app\",} 9.0").doesNotContain("up{");
  }

  @Test
  void aBatchThatIsNotCommittedReplacesNothing() {
    store.apply(batch(gauge("queue.size", 1, 10), gauge("workers", 4, 10)), TARGET_A);
    try (SeriesStore.Ingest in = store.prepare(batch(gauge("queue.size", 2, 20)), TARGET_A)) {
      assertThat(in.forwardBatch().pointCount()).isEqualTo(1);
    } // the forward queue said no
    assertThat(scrape()).contains("queue_size{instance=\"i-1\",job=\"app\",} 1.0").contains("workers{");
    assertThat(store.staleSeries()).isZero();
  }

  @Test
  void contributionsToAnAggregateLeaveWithTheirTarget() {
    store.setAggregation(AggregationRules.of(List.of(new AggregateRule(0, Optional.of("go_cpu_time_seconds_total"),
        Optional.empty(), true, List.of("go_cpu_detailed_state"), AggregateOp.SUM))));
    String series = "go_cpu_time_seconds_total{go_cpu_state=\"gc\",instance=\"i-1\",job=\"app\",}";
    store.apply(batch(gcClass("gc/mark/assist", 1, 10), gcClass("gc/mark/dedicated", 2, 10)), TARGET_A);
    assertThat(scrape()).contains(series + " 3.0");
    assertThat(store.seriesCount()).as("the aggregate and two contributions").isEqualTo(3);

    now.addAndGet(15_000);
    store.apply(batch(gcClass("gc/mark/assist", 5, 20)), TARGET_A);
    assertThat(scrape()).as("the stale contribution no longer counts").contains(series + " 5.0");
    assertThat(store.seriesCount()).isEqualTo(2);

    assertThat(store.forgetSource(TARGET_A)).as("the contribution and the aggregate series").isEqualTo(2);
    assertThat(scrape()).doesNotContain("go_cpu_time_seconds_total{");
    assertThat(store.seriesCount()).isZero();
    assertThat(store.familyCount()).isZero();
  }
}
