package dev.rosetta.model.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.Labels;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.Origin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ViewSetTest {
  static ViewSet views;

  static String fixture(String name) throws IOException {
    try (InputStream in = ViewSetTest.class.getResourceAsStream("/views/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @BeforeAll
  static void load() throws Exception {
    views = ViewSet.builder().addYaml("basic.yaml", fixture("basic.yaml")).build();
  }

  @Test
  void firstMatchWinsAndExcludesSkipToLaterViews() {
    ViewDecision total = views.decide("/cpu/classes/total:cpu-seconds");
    assertThat(total.viewId()).contains("go.cpu.total");
    assertThat(total.name()).contains("go.cpu.time.total");
    assertThat(total.labels()).isEqualTo(Labels.empty());

    ViewDecision assist = views.decide("/cpu/classes/gc/mark/assist:cpu-seconds");
    assertThat(assist.viewId()).contains("go.cpu.classes");
    assertThat(assist.name()).contains("go.cpu.time");
    assertThat(assist.type()).contains(MetricType.COUNTER);
    assertThat(assist.unit()).contains("s");
    assertThat(assist.labels())
        .isEqualTo(Labels.of("go.cpu.class", "gc/mark/assist", "go.cpu.class.dotted", "assist", "runtime", "go"));

    // excluded from go.cpu.classes, so the catch-all further down takes it
    ViewDecision gcTotal = views.decide("/cpu/classes/gc/total:cpu-seconds");
    assertThat(gcTotal.viewId()).contains("go.any");
    assertThat(gcTotal.name()).contains("go.other.cpu");
    assertThat(gcTotal.labels()).isEqualTo(Labels.of("path", "classes/gc/total", "go.unit", "cpu-seconds"));
  }

  @Test
  void aDecisionKnowsTheGoQuantityItsNameStandsForAndTheOriginOfWhatItMaps() {
    ViewDecision assist = views.decide("/cpu/classes/gc/mark/assist:cpu-seconds");
    assertThat(assist.quantity()).contains("/cpu/classes/gc/mark/assist:cpu-seconds");
    Origin origin = assist.receivedOrigin();
    assertThat(origin.receivedName()).isEqualTo("/cpu/classes/gc/mark/assist:cpu-seconds");
    assertThat(origin.steps()).containsExactly("view go.cpu.classes (basic.yaml#2)");
    assertThat(origin.quantity()).as("a path is its own quantity: nothing to declare").isEmpty();
    assertThat(assist.receivedOrigin()).as("made once per decision").isSameAs(origin);

    // a view without an id is named by its file and index once
    assertThat(views.decide("/gc/pauses:seconds").receivedOrigin().steps()).containsExactly("view basic.yaml#3");
    // Go documents /gc/pauses:seconds as the same quantity as /sched/pauses/total/gc:seconds
    assertThat(views.decide("/gc/pauses:seconds").quantity()).contains("/sched/pauses/total/gc:seconds");
    assertThat(views.decide("/gc/pauses:seconds").receivedOrigin().quantity())
        .isEqualTo("/sched/pauses/total/gc:seconds");

    // a name of another Go instrumentation stands for the path it is recognised as
    ViewDecision goroutines = views.decide("go_sched_goroutines_goroutines");
    assertThat(goroutines.recognition()).isPresent();
    assertThat(goroutines.quantity()).contains(goroutines.recognition().get().path().text());

    ViewDecision jvm = views.decide("java.lang:type=GarbageCollector,name=G1 Young Generation/CollectionCount");
    assertThat(jvm.quantity()).isEmpty();
    assertThat(jvm.receivedOrigin().steps()).containsExactly("view jvm.gc.count (basic.yaml#8)");
    assertThat(views.decide("not_a_known_name").quantity()).isEmpty();
    assertThatThrownBy(() -> views.decide("not_a_known_name").receivedOrigin())
        .isInstanceOf(java.util.NoSuchElementException.class);

    // what the view maps carries that origin; after a step taken before the views, that step first
    dev.rosetta.model.Metric received = new dev.rosetta.model.Metric("/cpu/classes/gc/mark/assist:cpu-seconds", "",
        "s", MetricType.COUNTER, dev.rosetta.model.Temporality.CUMULATIVE,
        java.util.List.of(new dev.rosetta.model.NumberPoint(Labels.empty(), 0, 1, 2.5)));
    assertThat(views.apply(received, SiblingAttributes.none()).metric().orElseThrow().origin()).isSameAs(origin);
    Origin relabelled = Origin.RECEIVED.then("relabel.input", "/cpu/classes/gc/mark/assist:cpu-seconds");
    assertThat(views.apply(received.withOrigin(relabelled), SiblingAttributes.none()).metric().orElseThrow().origin()
        .steps()).containsExactly("relabel.input", "view go.cpu.classes (basic.yaml#2)");
  }

  @Test
  void dropRegexAndUnmatched() {
    ViewDecision pauses = views.decide("/gc/pauses:seconds");
    assertThat(pauses.matched()).isTrue();
    assertThat(pauses.drop()).isTrue();
    assertThat(pauses.kind()).isEqualTo(ViewDecision.Kind.DROPPED);
    assertThat(pauses.source()).contains(new ViewSource("basic.yaml", 2));
    assertThat(pauses.viewId()).contains("basic.yaml#3");

    ViewDecision sched = views.decide("/sched/pauses/total/gc:seconds");
    assertThat(sched.viewId()).contains("go.sched");
    assertThat(sched.name()).contains("go.sched.pauses/total/gc");
    assertThat(sched.help()).isEqualTo("Scheduler latencies.");
    assertThat(sched.buckets()).contains(BucketLayout.maxBuckets(5));

    ViewDecision none = views.decide("http.server.duration");
    assertThat(none.kind()).isEqualTo(ViewDecision.Kind.UNMATCHED);
    assertThat(none.matched()).isFalse();
    assertThat(none.name()).isEmpty();

    ViewDecision bad = views.decide("java.lang:type=Memory,type=X/Attr");
    assertThat(bad.malformed()).isTrue();
    assertThat(bad.error().orElseThrow().reason()).isEqualTo("duplicate key \"type\"");
  }

  @Test
  void jvmKeyOrderDoesNotMatterAndOpenKeySetsAllowExtraKeys() {
    ViewDecision a = views.decide("java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used");
    ViewDecision b = views.decide("java.lang:name=G1 Eden Space,type=MemoryPool/Usage/used");
    assertThat(a.viewId()).contains("jvm.memory.pool");
    assertThat(a.name()).contains("jvm.memory.used");
    assertThat(a.labels()).isEqualTo(Labels.of("jvm.memory.pool.name", "G1 Eden Space"));
    assertThat(a.attributeLabels()).containsOnlyKeys("jvm.memory.type");
    assertThat(b.name()).isEqualTo(a.name());
    assertThat(b.labels()).isEqualTo(a.labels());

    ViewDecision gc = views.decide("com.example:type=GarbageCollector,name=Shenandoah,extra=1/CollectionCount");
    assertThat(gc.viewId()).contains("jvm.gc.count");
    assertThat(gc.labels()).isEqualTo(Labels.of("jvm.gc.name", "Shenandoah"));

    ViewDecision buffer = views.decide("java.nio:type=BufferPool,name=direct/MemoryUsed");
    assertThat(buffer.name()).contains("jvm.buffer.MemoryUsed");
    assertThat(buffer.labels()).isEqualTo(Labels.of("jvm.buffer.pool.name", "direct"));
    // an extra key: the exact key set of jvm.buffer no longer fits
    assertThat(views.decide("java.nio:type=BufferPool,name=direct,x=y/MemoryUsed").matched()).isFalse();
  }

  @Test
  void dottedPatterns() {
    ViewDecision d = views.decide("jvm.gc.G1-Young-Generation.count");
    assertThat(d.viewId()).contains("micrometer.gc");
    assertThat(d.labels()).isEqualTo(Labels.of("jvm.gc.name", "G1-Young-Generation"));
    assertThat(d.unit()).isEmpty();
    assertThat(views.decide("app.http.requests.total").name()).contains("app.http/requests");
    assertThat(views.decide("app.total").matched()).isFalse();
  }

  @Test
  void decisionsAreMemoized() {
    ViewDecision first = views.decide("/gc/heap/allocs:bytes");
    assertThat(views.decide("/gc/heap/allocs:bytes")).isSameAs(first);
    assertThat(views.decideUncached("/gc/heap/allocs:bytes")).isEqualTo(first).isNotSameAs(first);
  }
}
