package dev.rosetta.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.exposition.StoreCollector;
import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each series knows its source: a second source is refused, counted and logged; a silent one hands over. */
class SeriesSourcesTest {
  static final Labels RESOURCE = Labels.of("service.name", "app", "service.instance.id", "i-1");

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

  static MetricBatch batch(Labels resource, Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(resource,
        List.of(new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics))))));
  }

  static MetricBatch batch(Metric... metrics) {
    return batch(RESOURCE, metrics);
  }

  /** The semantic counter go.cpu.time{go.cpu.state=gc} as mapped from Go path {@code path}. */
  static Metric gcClass(String path, double value, long time) {
    return new Metric("go.cpu.time", "", "s", MetricType.COUNTER, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.of("go.cpu.state", "gc"), 1, time, value)),
        Origin.of(path, "view go.cpu.time.detailed").then("relabel.output", "go.cpu.time"));
  }

  static MetricBatch fourGcClasses(double a, double b, double c, double d, long time) {
    return batch(gcClass("/cpu/classes/gc/mark/assist:cpu-seconds", a, time),
        gcClass("/cpu/classes/gc/mark/dedicated:cpu-seconds", b, time),
        gcClass("/cpu/classes/gc/mark/idle:cpu-seconds", c, time),
        gcClass("/cpu/classes/gc/pause:cpu-seconds", d, time));
  }

  @Test
  void aSecondSourceOnASeriesIsRefusedCountedNotForwardedAndLoggedOncePerFamily() {
    SeriesStore.ApplyResult r;
    try (SeriesStore.Ingest in = store.prepare(fourGcClasses(1, 2, 3, 4, 10))) {
      assertThat(in.refusedPoints()).isEqualTo(3);
      MetricBatch forward = in.forwardBatch();
      assertThat(forward.pointCount()).as("refused points are not forwarded").isEqualTo(1);
      assertThat(forward.resources().get(0).scopes().get(0).metrics().get(0).receivedName())
          .isEqualTo("/cpu/classes/gc/mark/assist:cpu-seconds");
      r = store.commit(in);
    }
    assertThat(r.stored()).isEqualTo(1);
    assertThat(r.refused()).isEqualTo(3);
    assertThat(r.reason()).isEqualTo("collision");
    assertThat(r.message()).isEqualTo("3 points not stored (collision: 3)");
    assertThat(store.refused(SeriesStore.Refusal.COLLISION)).isEqualTo(3);
    assertThat(scrape()).contains("go_cpu_time_seconds_total{go_cpu_state=\"gc\",instance=\"i-1\",job=\"app\",} 1.0");

    List<String> w = warnings();
    assertThat(w).hasSize(1);
    assertThat(w.get(0))
        .contains("go_cpu_time_seconds_total")
        .contains("/cpu/classes/gc/mark/assist:cpu-seconds")
        .contains("/cpu/classes/gc/mark/dedicated:cpu-seconds")
        .contains("view go.cpu.time.detailed, relabel.output")
        .contains("reason=\"collision\"");

    // the holder keeps updating; the others stay refused, and the log says nothing more
    now.addAndGet(10_000);
    var r2 = store.apply(fourGcClasses(5, 6, 7, 8, 20));
    assertThat(r2.refused()).isEqualTo(3);
    assertThat(scrape()).contains("go_cpu_time_seconds_total{go_cpu_state=\"gc\",instance=\"i-1\",job=\"app\",} 5.0");
    assertThat(warnings()).hasSize(1);
  }

  @Test
  void pointsOfOneMetricWithDifferentReceivedAttributesAreDifferentSources() {
    Labels merged = Labels.of("http.route", "/a");
    Metric m = new Metric("http.requests", "", "", MetricType.COUNTER, Temporality.CUMULATIVE, List.of(
        new NumberPoint(merged, 1, 10, 3, Labels.of("http.route", "/a", "method", "GET")),
        new NumberPoint(merged, 1, 10, 4, Labels.of("http.route", "/a", "method", "POST"))));
    var r = store.apply(batch(m));
    assertThat(r.refused()).isEqualTo(1);
    assertThat(r.reason()).isEqualTo("collision");
    // the holder's received attributes are named, since it came in the same batch
    assertThat(warnings().get(0)).contains("method=\"GET\"").contains("method=\"POST\"");
  }

  @Test
  void namesThatSanitizeAlikeCollide() {
    store.apply(batch(new Metric("a.b", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 10, 1)))));
    now.addAndGet(1000);
    var r = store.apply(batch(new Metric("a_b", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 20, 2)))));
    assertThat(r.reason()).isEqualTo("collision");
    assertThat(scrape()).contains("a_b{instance=\"i-1\",job=\"app\",} 1.0");
    assertThat(warnings().get(0)).contains("metric a.b").contains("metric a_b");
  }

  @Test
  void resourcesWithoutAnInstanceIdAreTellApartByTheirOtherAttributes() {
    Labels pod1 = Labels.of("service.name", "api", "k8s.pod.name", "api-1");
    Labels pod2 = Labels.of("service.name", "api", "k8s.pod.name", "api-2");
    Metric g = new Metric("queue.size", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 10, 1)));
    assertThat(store.apply(batch(pod1, g)).refused()).isZero();
    assertThat(store.apply(batch(pod2, g)).reason()).as("two pods on one job-only series").isEqualTo("collision");
  }

  @Test
  void anInstanceIdIdentifiesTheSourceWhateverElseChanges() {
    Metric g = new Metric("queue.size", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 10, 1)));
    store.apply(batch(Labels.of("service.name", "api", "service.instance.id", "i-1", "process.pid", "11"), g));
    var r = store.apply(batch(Labels.of("service.name", "api", "service.instance.id", "i-1", "process.pid", "12"), g));
    assertThat(r.refused()).isZero();
  }

  @Test
  void aHolderSilentForTwiceItsIntervalHandsOverToTheNextSource() {
    Metric a = new Metric("temp", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 1, 1)));
    Labels restarted = Labels.of("service.name", "app", "process.pid", "2");
    Labels first = Labels.of("service.name", "app", "process.pid", "1");
    store.apply(batch(first, a));
    now.addAndGet(10_000);
    store.apply(batch(first, a)); // updates every 10 s
    now.addAndGet(15_000);
    assertThat(store.apply(batch(restarted, a)).reason()).as("silent 15 s < 2 × 10 s").isEqualTo("collision");
    now.addAndGet(6_000);
    var r = store.apply(batch(restarted, a));
    assertThat(r.refused()).as("silent 21 s > 2 × 10 s").isZero();
    assertThat(store.handovers()).isEqualTo(1);
    assertThat(store.apply(batch(first, a)).reason()).as("the first one is now the second source").isEqualTo("collision");
  }

  @Test
  void aHolderThatUpdatedOnceHoldsTheSeriesForTheExpiration() {
    Metric a = new Metric("temp", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 1, 1)));
    store.apply(batch(Labels.of("service.name", "app", "process.pid", "1"), a));
    now.addAndGet(Duration.ofMinutes(4).toMillis());
    assertThat(store.apply(batch(Labels.of("service.name", "app", "process.pid", "2"), a)).reason())
        .isEqualTo("collision");
    now.addAndGet(Duration.ofMinutes(1).toMillis() + 1);
    assertThat(store.apply(batch(Labels.of("service.name", "app", "process.pid", "2"), a)).refused()).isZero();
  }

  @Test
  void anAbandonedBatchChangesNothingVisibleButItsClaimsHold() {
    Metric a = new Metric("temp", "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 1, 7)));
    try (SeriesStore.Ingest in = store.prepare(batch(a))) {
      assertThat(in.forwardBatch().pointCount()).isEqualTo(1);
    } // closed without commit: the forward queue said no
    assertThat(scrape()).doesNotContain("temp{");
    assertThat(store.apply(batch(Labels.of("service.name", "other"), new Metric("temp", "", "", MetricType.GAUGE,
        Temporality.CUMULATIVE, List.of(new NumberPoint(Labels.of("job", "x"), 0, 1, 1))))).refused()).isZero();
    var again = store.apply(batch(a)); // the sender retries
    assertThat(again.refused()).isZero();
    assertThat(scrape()).contains("temp{instance=\"i-1\",job=\"app\",} 7.0");
  }

  @Test
  void aRefusedPointLeavesTheRestOfItsMetricToBeForwarded() {
    Metric m = new Metric("m", "", "", MetricType.GAUGE, Temporality.CUMULATIVE, List.<Point>of(
        new NumberPoint(Labels.of("k", "1"), 0, 1, 1),
        new NumberPoint(Labels.of("k", "1"), 0, 1, 2, Labels.of("k", "1", "x", "y")),
        new NumberPoint(Labels.of("k", "2"), 0, 1, 3)));
    try (SeriesStore.Ingest in = store.prepare(batch(m))) {
      List<Point> fwd = in.forwardBatch().resources().get(0).scopes().get(0).metrics().get(0).points();
      assertThat(fwd).extracting(p -> ((NumberPoint) p).value()).containsExactly(1.0, 3.0);
      store.commit(in);
    }
  }
}
