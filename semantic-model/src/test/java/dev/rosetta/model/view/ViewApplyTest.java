package dev.rosetta.model.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ViewApplyTest {
  static ViewSet views;

  @BeforeAll
  static void load() throws Exception {
    views = ViewSet.builder().addYaml("basic.yaml", ViewSetTest.fixture("basic.yaml")).build();
  }

  private static Metric gauge(String name, double value, Labels labels) {
    return new Metric(name, "raw help", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(labels, 1, 2, value)));
  }

  private static HistogramPoint histogram(double[] bounds, long[] counts, double sum) {
    return new HistogramPoint(Labels.of("raw", "1"), 1, 2, bounds, counts, LongStream.of(counts).sum(), sum, 0.5, 900);
  }

  @Test
  void scaleTypeUnitAndLabels() {
    Metric raw = gauge("java.lang:type=GarbageCollector,name=G1 Young Generation/CollectionTime", 1500,
        Labels.of("jvm.gc.name", "overridden", "host", "h1"));
    ViewResult r = views.apply(raw, SiblingAttributes.none());
    assertThat(r.status()).isEqualTo(ViewResult.Status.MAPPED);
    Metric m = r.metric().orElseThrow();
    assertThat(m.name()).isEqualTo("jvm.gc.duration");
    assertThat(m.unit()).isEqualTo("s");
    assertThat(m.type()).isEqualTo(MetricType.COUNTER);
    assertThat(m.temporality()).isEqualTo(Temporality.CUMULATIVE);
    assertThat(m.description()).isEqualTo("raw help");
    NumberPoint p = (NumberPoint) m.points().get(0);
    assertThat(p.value()).isEqualTo(1.5);
    // the view's label wins over the point's own label of the same name; others are kept
    assertThat(p.labels()).isEqualTo(Labels.of("host", "h1", "jvm.gc.name", "G1 Young Generation"));
    assertThat(p.epochNanos()).isEqualTo(2);
  }

  @Test
  void goUnitsMapWhenTheViewHasNone() {
    Metric raw = new Metric("/gc/heap/allocs:bytes", "", "", MetricType.COUNTER, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 1, 42)));
    Metric m = views.apply(raw, SiblingAttributes.none()).metric().orElseThrow();
    assertThat(m.name()).isEqualTo("go.other.gc");
    assertThat(m.unit()).isEqualTo("By");
    assertThat(m.type()).isEqualTo(MetricType.COUNTER);
  }

  @Test
  void siblingAttributesBecomeLabels() {
    String name = "java.lang:type=MemoryPool,name=G1 Old Gen/Usage/used";
    SiblingAttributes siblings = (mbean, attribute) ->
        mbean.canonicalName().equals("java.lang:name=G1 Old Gen,type=MemoryPool") && attribute.equals("Type")
            ? Optional.of("HEAP") : Optional.empty();
    Metric m = views.apply(gauge(name, 1024, Labels.empty()), siblings).metric().orElseThrow();
    assertThat(m.type()).isEqualTo(MetricType.UP_DOWN_COUNTER);
    assertThat(m.unit()).isEqualTo("By");
    assertThat(m.points().get(0).labels())
        .isEqualTo(Labels.of("jvm.memory.pool.name", "G1 Old Gen", "jvm.memory.type", "heap"));

    ViewResult unknown = views.apply(gauge(name, 1024, Labels.empty()), SiblingAttributes.none());
    assertThat(unknown.status()).isEqualTo(ViewResult.Status.INVALID);
    assertThat(unknown.droppedPoints()).isEqualTo(1);
    assertThat(unknown.problem().orElseThrow()).contains("needs attribute Type of java.lang:name=G1 Old Gen,type=MemoryPool");

    SiblingAttributes other = (mbean, attribute) -> Optional.of("SOMETHING_ELSE");
    assertThat(views.apply(gauge(name, 1, Labels.empty()), other).metric().orElseThrow().points().get(0).labels()
        .get("jvm.memory.type")).isEqualTo("SOMETHING_ELSE");
  }

  @Test
  void attributeDefaultsApplyWhenTheSiblingIsUnknown() throws Exception {
    ViewSet set = ViewSet.builder().addYaml("d.yaml", """
        views:
          - match: java.lang:type=MemoryPool,name={pool}/Usage/used
            name: jvm.memory.used
            labels: {jvm.memory.type: {attribute: Type, map: {HEAP: heap}, default: unknown}}
        """).build();
    Metric m = set.apply(gauge("java.lang:type=MemoryPool,name=x/Usage/used", 1, Labels.empty()),
        SiblingAttributes.none()).metric().orElseThrow();
    assertThat(m.points().get(0).labels()).isEqualTo(Labels.of("jvm.memory.type", "unknown"));
  }

  @Test
  void unmatchedDroppedAndMalformedAreReportedNotMapped() {
    ViewResult unmatched = views.apply(gauge("http.server.duration", 1, Labels.empty()), SiblingAttributes.none());
    assertThat(unmatched.status()).isEqualTo(ViewResult.Status.UNMATCHED);
    assertThat(unmatched.metric()).isEmpty();
    ViewResult dropped = views.apply(gauge("/gc/pauses:seconds", 1, Labels.empty()), SiblingAttributes.none());
    assertThat(dropped.status()).isEqualTo(ViewResult.Status.DROPPED);
    ViewResult malformed = views.apply(gauge("/gc//x:bytes", 1, Labels.empty()), SiblingAttributes.none());
    assertThat(malformed.status()).isEqualTo(ViewResult.Status.UNMATCHED);
    assertThat(malformed.decision().malformed()).isTrue();
  }

  @Test
  void typeChangesAcrossPointKindsAreInvalid() {
    Metric raw = new Metric("/sched/latencies:seconds", "", "s", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 0, 1, 1)));
    ViewResult r = views.apply(raw, SiblingAttributes.none());
    assertThat(r.status()).isEqualTo(ViewResult.Status.INVALID);
    assertThat(r.problem()).contains("view go.sched makes a histogram but the input is a gauge");
  }

  @Test
  void explicitBoundsSnapUpToInputBoundsAndKeepCountsExact() {
    double[] bounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    long[] counts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Metric raw = new Metric("/gc/heap/allocs-by-size:bytes", "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(histogram(bounds, counts, 12345.5)));
    Metric m = views.apply(raw, SiblingAttributes.none()).metric().orElseThrow();
    HistogramPoint h = (HistogramPoint) m.points().get(0);
    // wanted [10, 100, 1000] snap up to [16, 128, 1024]
    assertThat(h.bounds()).containsExactly(16, 128, 1024);
    assertThat(h.counts()).containsExactly(1 + 2 + 3 + 4 + 5, 6 + 7 + 8, 9 + 10 + 11, 12);
    assertThat(h.count()).isEqualTo(78);
    assertThat(h.sum()).isEqualTo(12345.5);
    assertThat(h.labels()).isEqualTo(Labels.of("raw", "1"));
    assertThat(m.temporality()).isEqualTo(Temporality.CUMULATIVE);
  }

  @Test
  void maxBucketsMergesAdjacentBuckets() {
    double[] bounds = new double[20];
    long[] counts = new long[21];
    for (int i = 0; i < 20; i++) {
      bounds[i] = Math.pow(2, i);
      counts[i] = i + 1;
    }
    counts[20] = 100;
    Metric raw = new Metric("/sched/latencies:seconds", "", "", MetricType.HISTOGRAM, Temporality.DELTA,
        List.of(histogram(bounds, counts, 99.25)));
    ViewResult r = views.apply(raw, SiblingAttributes.none());
    Metric m = r.metric().orElseThrow();
    assertThat(m.name()).isEqualTo("go.sched.latencies");
    assertThat(m.description()).isEqualTo("Scheduler latencies.");
    assertThat(m.temporality()).isEqualTo(Temporality.DELTA);
    HistogramPoint h = (HistogramPoint) m.points().get(0);
    assertThat(h.counts()).hasSize(5);
    assertThat(LongStream.of(h.counts()).sum()).isEqualTo(LongStream.of(counts).sum());
    assertThat(h.sum()).isEqualTo(99.25);
    for (double b : h.bounds()) {
      assertThat(bounds).contains(b);
    }
  }

  @Test
  void scaleAppliesToHistogramsAndSummaries() throws Exception {
    ViewSet set = ViewSet.builder().addYaml("s.yaml", """
        views:
          - match: app.latency.ms
            name: app.latency
            unit: s
            scale: 0.001
            buckets: {bounds: [0.005, 0.05]}
          - match: app.summary.ms
            name: app.summary
            scale: 0.001
          - match: app.plain.ms
            name: app.plain
            scale: 0.001
        """).build();
    Metric raw = new Metric("app.latency.ms", "", "ms", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(histogram(new double[] {1, 5, 10, 50, 100}, new long[] {1, 1, 1, 1, 1, 1}, 1000)));
    HistogramPoint h = (HistogramPoint) set.apply(raw, SiblingAttributes.none()).metric().orElseThrow().points().get(0);
    assertThat(h.bounds()).containsExactly(0.005, 0.05);
    assertThat(h.counts()).containsExactly(2, 2, 2);
    assertThat(h.sum()).isEqualTo(1.0);
    assertThat(h.max()).isEqualTo(0.9);

    Metric plain = new Metric("app.plain.ms", "", "ms", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(histogram(new double[] {1, 5}, new long[] {1, 2, 3}, 10)));
    HistogramPoint p = (HistogramPoint) set.apply(plain, SiblingAttributes.none()).metric().orElseThrow().points().get(0);
    assertThat(p.bounds()).containsExactly(0.001, 0.005);
    assertThat(p.counts()).containsExactly(1, 2, 3);
    // the raw point is left as it was: mapping it again gives the same result
    assertThat(((HistogramPoint) plain.points().get(0)).bounds()).containsExactly(1, 5);
    HistogramPoint again =
        (HistogramPoint) set.apply(plain, SiblingAttributes.none()).metric().orElseThrow().points().get(0);
    assertThat(again.bounds()).containsExactly(0.001, 0.005);

    Metric summary = new Metric("app.summary.ms", "", "ms", MetricType.SUMMARY, Temporality.CUMULATIVE,
        List.of(new SummaryPoint(Labels.empty(), 0, 1, 10, 2000, new double[] {0.5, 0.99}, new double[] {100, 900})));
    SummaryPoint s = (SummaryPoint) set.apply(summary, SiblingAttributes.none()).metric().orElseThrow().points().get(0);
    assertThat(s.values()).containsExactly(0.1, 0.9);
    assertThat(s.sum()).isEqualTo(2.0);
    assertThat(s.quantiles()).containsExactly(0.5, 0.99);
    assertThat(s.count()).isEqualTo(10);
  }

  @Test
  void invalidOutputsAreCountedNotThrown() throws Exception {
    ViewSet set = ViewSet.builder().addYaml("i.yaml", """
        views:
          - match: x:type=T,name={n}/A
            name: x.a
            labels: {x.name: "{n}"}
        """).build();
    ViewDecision d = set.decide("x:type=T,name=/A");
    assertThat(d.kind()).isEqualTo(ViewDecision.Kind.INVALID);
    assertThat(d.matched()).isTrue();
    assertThat(d.problem()).contains("label \"x.name\" is empty for this name");
    ViewResult r = set.apply(gauge("x:type=T,name=/A", 1, Labels.empty()), SiblingAttributes.none());
    assertThat(r.status()).isEqualTo(ViewResult.Status.INVALID);
    assertThat(r.droppedPoints()).isEqualTo(1);
  }

  @Test
  void aMetricWithoutPointsStillMaps() {
    Metric raw = new Metric("/gc/heap/allocs:bytes", "", "", MetricType.COUNTER, Temporality.CUMULATIVE, List.<Point>of());
    ViewResult r = views.apply(raw, SiblingAttributes.none());
    assertThat(r.status()).isEqualTo(ViewResult.Status.MAPPED);
    assertThat(r.metric().orElseThrow().points()).isEmpty();
    assertThat(Map.of()).isEmpty();
  }
}
