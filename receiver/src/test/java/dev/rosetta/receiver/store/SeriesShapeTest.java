package dev.rosetta.receiver.store;

import static dev.rosetta.receiver.store.SeriesStoreTest.batch;
import static dev.rosetta.receiver.store.SeriesStoreTest.metric;
import static dev.rosetta.receiver.store.SeriesStoreTest.num;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.aggregate.AggregateOp;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.exposition.StoreCollector;
import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store remembers where each resource's points went in its last batch and tries that series
 * first: a remembered series is used only for the same family and labels, never once it left the
 * store, and the memory of a resource goes with the expiry sweep.
 */
class SeriesShapeTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private SeriesStore store;

  @BeforeEach
  void setUp() {
    store = new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 0, 0), now::get,
        n -> n.startsWith("rosetta_"));
  }

  private String scrape() {
    return new String(new ScrapeHandler(new CollectorRegistry(), new StoreCollector(store), false)
        .scrape("text/plain", null, Set.of()).body(), StandardCharsets.UTF_8);
  }

  private static final Labels POD_1 = Labels.of("service.name", "api", "service.instance.id", "pod-1");
  private static final Labels POD_2 = Labels.of("service.name", "api", "service.instance.id", "pod-2");

  @Test
  void pointsInAnotherOrderOrWithOtherLabelsFindTheirOwnSeries() {
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("queue", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(1, 10, "q", "a"), num(2, 10, "q", "b"))));
    // the same positions, the labels swapped
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("queue", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(20, 20, "q", "b"), num(10, 20, "q", "a"))));
    assertThat(scrape()).contains("queue{instance=\"pod-1\",job=\"api\",q=\"a\",} 10.0")
        .contains("queue{instance=\"pod-1\",job=\"api\",q=\"b\",} 20.0");
    // the same positions, a label the store has not seen: a series of its own
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("queue", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(30, 30, "q", "c"), num(11, 30, "q", "a"))));
    assertThat(scrape()).contains("q=\"a\",} 11.0").contains("q=\"b\",} 20.0").contains("q=\"c\",} 30.0");
    // another resource in the same shape keeps to its own series
    store.apply(batch(POD_2, dev.rosetta.model.InstrumentationScope.empty(),
        metric("queue", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(7, 30, "q", "c"), num(8, 30, "q", "a"))));
    assertThat(scrape()).contains("queue{instance=\"pod-1\",job=\"api\",q=\"a\",} 11.0")
        .contains("queue{instance=\"pod-2\",job=\"api\",q=\"a\",} 8.0")
        .contains("queue{instance=\"pod-1\",job=\"api\",q=\"c\",} 30.0")
        .contains("queue{instance=\"pod-2\",job=\"api\",q=\"c\",} 7.0");
    assertThat(store.seriesCount()).isEqualTo(5);
  }

  @Test
  void aSeriesThatExpiredIsNotWrittenThroughItsRememberedPlace() {
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("temp", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(1, 100), num(5, 100, "k", "x"))));
    assertThat(store.shapeCount()).isEqualTo(1);
    now.addAndGet(Duration.ofMinutes(6).toMillis());
    assertThat(store.expire()).isEqualTo(2);
    assertThat(store.shapeCount()).as("the resource's shape goes with its series").isZero();
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("temp", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(2, 200), num(6, 200, "k", "x"))));
    assertThat(scrape()).contains("temp{instance=\"pod-1\",job=\"api\",} 2.0").contains("k=\"x\",} 6.0");
    assertThat(store.seriesCount()).isEqualTo(2);
  }

  @Test
  void aFamilyRetiredByAnAggregationRuleIsNotWrittenThroughARememberedPlace() {
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("temp", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(1, 100, "k", "a"), num(3, 100, "k", "b"))));
    // a reload aggregates the family: the family and its series leave the store, the shape remembers them
    store.setAggregation(AggregationRules.of(List.of(new AggregateRule(0, Optional.of("temp"), Optional.empty(),
        false, List.of("job"), AggregateOp.SUM))));
    assertThat(store.shapeCount()).isEqualTo(1);
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("temp", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(2, 200, "k", "a"), num(4, 200, "k", "b"))));
    assertThat(scrape()).contains("temp{instance=\"pod-1\",job=\"api\",} 6.0").doesNotContain("k=\"a\"");
    // and back to plain series: new ones, written again
    store.setAggregation(AggregationRules.of(List.of()));
    store.apply(batch(POD_1, dev.rosetta.model.InstrumentationScope.empty(),
        metric("temp", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(5, 300, "k", "a"), num(7, 300, "k", "b"))));
    assertThat(scrape()).contains("temp{instance=\"pod-1\",job=\"api\",k=\"a\",} 5.0")
        .contains("temp{instance=\"pod-1\",job=\"api\",k=\"b\",} 7.0")
        .doesNotContain("temp{instance=\"pod-1\",job=\"api\",} ");
    assertThat(store.seriesCount()).isEqualTo(2);
  }

  private static Metric queue(long time, Object... labelsAndValues) {
    Point[] points = new Point[labelsAndValues.length / 2];
    for (int i = 0; i < points.length; i++) {
      points[i] = new NumberPoint((Labels) labelsAndValues[2 * i], 0, time, (Double) labelsAndValues[2 * i + 1]);
    }
    return metric("queue", "", MetricType.GAUGE, Temporality.CUMULATIVE, points);
  }

  /** The series of family {@code queue} as a scrape shows them. */
  private List<String> queueSeries() {
    return scrape().lines().filter(l -> l.startsWith("queue{")).toList();
  }

  private static String q(String labels, double value) {
    return "queue{instance=\"pod-1\",job=\"api\"," + labels + "} " + value;
  }

  @Test
  void theSameLabelInstancesFindTheirSeriesAgainAndNothingElseDoes() {
    InstrumentationScope none = InstrumentationScope.empty();
    Labels a = Labels.of("q", "a");
    Labels b = Labels.of("q", "b");
    Labels e = Labels.empty();
    store.apply(batch(POD_1, none, queue(10, a, 1.0, b, 2.0, e, 3.0)));
    assertThat(queueSeries()).containsExactlyInAnyOrder(q("", 3.0), q("q=\"a\",", 1.0), q("q=\"b\",", 2.0));

    // the very same instances
    store.apply(batch(POD_1, none, queue(20, a, 11.0, b, 12.0, e, 13.0)));
    assertThat(queueSeries()).containsExactlyInAnyOrder(q("", 13.0), q("q=\"a\",", 11.0), q("q=\"b\",", 12.0));

    // equal labels, new instances (as every request decodes its own), under new equal resource labels
    store.apply(batch(Labels.of("service.name", "api", "service.instance.id", "pod-1"), none,
        queue(30, Labels.of("q", "a"), 21.0, Labels.of("q", "b"), 22.0, Labels.of(), 23.0)));
    assertThat(queueSeries()).containsExactlyInAnyOrder(q("", 23.0), q("q=\"a\",", 21.0), q("q=\"b\",", 22.0));

    // the same instances in each other's places
    store.apply(batch(POD_1, none, queue(40, b, 32.0, a, 31.0, e, 33.0)));
    assertThat(queueSeries()).containsExactlyInAnyOrder(q("", 33.0), q("q=\"a\",", 31.0), q("q=\"b\",", 32.0));

    // other values in those places, then swapped: "Aa" and "BB" have one hash code
    store.apply(batch(POD_1, none, queue(50, Labels.of("q", "Aa"), 41.0, Labels.of("q", "BB"), 42.0, e, 43.0)));
    store.apply(batch(POD_1, none, queue(60, Labels.of("q", "BB"), 52.0, Labels.of("q", "Aa"), 51.0, e, 53.0)));
    assertThat(Labels.of("q", "Aa").hashCode()).isEqualTo(Labels.of("q", "BB").hashCode());
    assertThat(queueSeries()).containsExactlyInAnyOrder(q("", 53.0), q("q=\"Aa\",", 51.0), q("q=\"BB\",", 52.0),
        q("q=\"a\",", 31.0), q("q=\"b\",", 32.0));

    // the same point labels under another scope: series of their own
    store.apply(batch(POD_1, new InstrumentationScope("lib", "", Labels.empty()), queue(70, a, 61.0, b, 62.0, e, 63.0)));
    store.apply(batch(POD_1, none, queue(80, a, 71.0, b, 72.0, e, 73.0)));
    assertThat(queueSeries()).containsExactlyInAnyOrder(q("", 73.0), q("otel_scope_name=\"lib\",", 63.0),
        q("otel_scope_name=\"lib\",q=\"a\",", 61.0), q("otel_scope_name=\"lib\",q=\"b\",", 62.0),
        q("q=\"Aa\",", 51.0), q("q=\"BB\",", 52.0), q("q=\"a\",", 71.0), q("q=\"b\",", 72.0));
    assertThat(store.seriesCount()).isEqualTo(8);

    // the same labels from another source (another received name of the family): a collision
    store.apply(batch(POD_1, none, metric("my.queue", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        new NumberPoint(a, 0, 90, 1.0))));
    SeriesStore.ApplyResult other = store.apply(batch(POD_1, none, metric("my_queue", "", MetricType.GAUGE,
        Temporality.CUMULATIVE, new NumberPoint(a, 0, 100, 2.0))));
    assertThat(other.reason()).isEqualTo("collision");
    assertThat(scrape()).contains("my_queue{instance=\"pod-1\",job=\"api\",q=\"a\",} 1.0");
    assertThat(store.seriesCount()).isEqualTo(9);
  }

  @Test
  void aSeriesRemovedBehindItsRememberedPlaceIsMadeAnew() {
    InstrumentationScope none = InstrumentationScope.empty();
    Labels a = Labels.of("q", "a");
    store.apply(batch(POD_1, none, queue(10, a, 1.0)));
    now.addAndGet(Duration.ofMinutes(4).toMillis());
    // a batch abandoned before its commit renews the resource's places, not its series
    store.prepare(batch(POD_1, none, queue(20, a, 2.0))).close();
    store.apply(batch(POD_2, none, queue(20, a, 5.0))); // keeps the family in the store
    now.addAndGet(Duration.ofMinutes(2).toMillis());
    assertThat(store.expire()).isEqualTo(1);
    assertThat(store.shapeCount()).isEqualTo(2);
    store.apply(batch(POD_1, none, queue(30, a, 3.0)));
    assertThat(queueSeries()).containsExactlyInAnyOrder(q("q=\"a\",", 3.0),
        "queue{instance=\"pod-2\",job=\"api\",q=\"a\",} 5.0");
    assertThat(store.seriesCount()).isEqualTo(2);
  }

  @Test
  void aMetricOfAnotherNameUnitOrTypeInARememberedPlaceFindsItsOwnFamily() {
    Labels a = Labels.of("q", "a");
    long[] time = {0};
    java.util.function.BiFunction<String, MetricType, MetricBatch> latency = (unit, type) -> batch(POD_1,
        InstrumentationScope.empty(), metric("latency", unit, type, Temporality.CUMULATIVE,
            new NumberPoint(a, 0, time[0] += 10, time[0])));
    store.apply(latency.apply("s", MetricType.GAUGE));
    store.apply(latency.apply("ms", MetricType.GAUGE)); // in the place of latency_seconds
    store.apply(latency.apply("s", MetricType.GAUGE));
    store.apply(latency.apply("s", MetricType.COUNTER)); // in the place of latency_seconds
    store.apply(latency.apply("s", MetricType.GAUGE));
    assertThat(store.apply(batch(POD_1, InstrumentationScope.empty(), metric("latency", "s", MetricType.SUMMARY,
        Temporality.CUMULATIVE, new dev.rosetta.model.SummaryPoint(a, 0, 60, 1, 1, new double[0], new double[0]))))
        .reason()).isEqualTo("type_conflict");
    time[0] = 60;
    store.apply(latency.apply("s", MetricType.UP_DOWN_COUNTER)); // a Prometheus gauge too
    store.apply(batch(POD_1, InstrumentationScope.empty(), metric("wait", "s", MetricType.UP_DOWN_COUNTER,
        Temporality.CUMULATIVE, new NumberPoint(a, 0, 80, 80)))); // in the place of latency_seconds
    assertThat(scrape()).contains("latency_seconds{instance=\"pod-1\",job=\"api\",q=\"a\",} 70.0")
        .contains("latency_milliseconds{instance=\"pod-1\",job=\"api\",q=\"a\",} 20.0")
        .contains("latency_seconds_total{instance=\"pod-1\",job=\"api\",q=\"a\",} 40.0")
        .contains("wait_seconds{instance=\"pod-1\",job=\"api\",q=\"a\",} 80.0");
    assertThat(store.seriesCount()).isEqualTo(4);
    assertThat(store.familyCount()).isEqualTo(4);
  }

  @Test
  void aSeriesTakesNewLabelInstancesAFewTimesAfterAHitOnly() {
    SeriesStore.Family family = new SeriesStore.Family("queue", MetricType.GAUGE, "", "", null);
    Labels attrs = Labels.of("q", "a");
    SeriesStore.Series s = new SeriesStore.Series(family, Labels.of("job", "api", "q", "a"), attrs,
        Labels.of("job", "api"), 7, null, 0);
    // every lookup brings its own equal scope labels (no shape kept them): three are taken, then one in 64
    int taken = 0;
    for (int i = 0; i < 200; i++) {
      Labels scoped = Labels.of("job", "api");
      synchronized (s) {
        s.recordKeyInputs(attrs, scoped);
      }
      taken += s.keyScoped == scoped ? 1 : 0;
    }
    assertThat(taken).isEqualTo(12); // lookups 0-2, 64-66, 128-130, 192-194
    assertThat(s.sameInputs(Labels.of("q", "a"), s.keyScoped, 7)).isTrue();
    assertThat(s.sameInputs(attrs, Labels.of("job", "api"), 7)).as("another instance").isFalse();
    assertThat(s.sameInputs(attrs, s.keyScoped, 8)).as("another source").isFalse();
    assertThat(s.sameInputs(Labels.of("q", "b"), s.keyScoped, 7)).isFalse();
    // a hit: the next ones are taken again
    assertThat(s.sameInputs(attrs, s.keyScoped, 7)).isTrue();
    Labels scoped = Labels.of("job", "api");
    synchronized (s) {
      s.recordKeyInputs(attrs, scoped);
    }
    assertThat(s.keyScoped).isSameAs(scoped);
    synchronized (s) {
      s.removed = true;
    }
    assertThat(s.sameInputs(attrs, scoped, 7)).as("removed").isFalse();
  }
}
