package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.View;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole Go runtime/metrics catalog (Go 1.16-1.26) through the built-in {@code go} and {@code go-semconv} sets. */
class GoCatalogTest {
  private static final List<GoCatalog.Row> ROWS = GoCatalog.rows();
  private static final ViewSet GO = Catalogs.of("go");
  private static final ViewSet GO_SEMCONV = Catalogs.of("go-semconv", "go");

  @Test
  void catalogCopyMatchesSharedCatalog() throws Exception {
    Path shared = Paths.get("..", "..", "shared", "catalog", "go-runtime-metrics.tsv");
    Assumptions.assumeTrue(Files.exists(shared), "shared/ is not beside the repository");
    assertThat(GoCatalog.parse(Files.readString(shared))).isEqualTo(ROWS);
  }

  @Test
  void goldenGoCatalog() {
    Golden.check("go-catalog.tsv", goldenLines(GO));
  }

  @Test
  void goldenGoCatalogWithSemanticConventions() {
    Golden.check("go-semconv-catalog.tsv", goldenLines(GO_SEMCONV));
  }

  private static List<String> goldenLines(ViewSet views) {
    List<String> lines = new ArrayList<>();
    lines.add(Catalogs.GOLDEN_HEADER);
    for (GoCatalog.Row row : ROWS) {
      lines.add(Catalogs.line(row.name(), views.decide(row.name())));
    }
    return lines;
  }

  @Test
  void everyCatalogRowIsDecidedByTheGoSet() {
    List<String> uncovered = new ArrayList<>();
    for (GoCatalog.Row row : ROWS) {
      ViewDecision d = GO.decide(row.name());
      boolean covered = (d.kind() == ViewDecision.Kind.MATCHED || d.kind() == ViewDecision.Kind.DROPPED)
          && d.source().orElseThrow().file().equals("builtin:go")
          && !d.viewId().orElseThrow().startsWith("go.other."); // the catch-all for paths outside the catalog
      if (!covered) {
        uncovered.add(d.toString());
      }
    }
    assertThat(uncovered).as("catalog rows not covered by a view of the go set").isEmpty();
  }

  @Test
  void onlyRollupsAreDropped() {
    Set<String> dropped = ROWS.stream().map(GoCatalog.Row::name)
        .filter(n -> GO.decide(n).drop()).collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = new TreeSet<>(GoSnapshot.ROLLUPS.keySet());
    expected.remove("/sched/goroutines:goroutines"); // not a plain sum of its states: own family
    assertThat(dropped).isEqualTo(expected);
  }

  @Test
  void gcPausesMapOntoTheSameSeriesAsTheirNewerName() {
    // Go 1.16-1.21 only has /gc/pauses; Go 1.22+ has both, with identical data
    ViewDecision old = GO.decide("/gc/pauses:seconds");
    ViewDecision now = GO.decide("/sched/pauses/total/gc:seconds");
    assertThat(old.matched()).isTrue();
    assertThat(old.name()).isEqualTo(now.name());
    assertThat(old.type()).isEqualTo(now.type());
    assertThat(old.unit()).isEqualTo(now.unit());
    assertThat(old.labels()).isEqualTo(now.labels());
    assertThat(old.buckets()).isEqualTo(now.buckets());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"go", "go-semconv"})
  void typesFollowKindAndCumulativeness(String set) {
    ViewSet views = set.equals("go") ? GO : GO_SEMCONV;
    for (GoCatalog.Row row : ROWS) {
      ViewDecision d = views.decide(row.name());
      if (d.kind() != ViewDecision.Kind.MATCHED) {
        continue;
      }
      MetricType type = d.type().orElseThrow(() -> new AssertionError("no explicit type for " + row.name()));
      if (row.histogram()) {
        assertThat(type).as(row.name()).isEqualTo(MetricType.HISTOGRAM);
        assertThat(d.buckets()).as("histogram %s re-bucketed", row.name()).isPresent();
        assertThat(d.buckets().orElseThrow().bounds()).as(row.name()).hasSizeLessThanOrEqualTo(20);
      } else if (row.cumulative()) {
        assertThat(type).as(row.name()).isEqualTo(MetricType.COUNTER);
      } else {
        assertThat(type).as(row.name()).isIn(MetricType.GAUGE, MetricType.UP_DOWN_COUNTER);
      }
      assertThat(d.unit()).as("explicit unit for %s", row.name()).isPresent();
      assertThat(d.scale()).as(row.name()).isEqualTo(1.0);
    }
  }

  @Test
  void semanticConventionsTakeTheirPathsAndLeaveTheRestToGo() {
    Map<String, String> expected = Map.ofEntries(
        Map.entry("/memory/classes/heap/stacks:bytes", "go.memory.used"),
        Map.entry("/memory/classes/heap/objects:bytes", "go.memory.used"),
        Map.entry("/gc/gomemlimit:bytes", "go.memory.limit"),
        Map.entry("/gc/heap/allocs:bytes", "go.memory.allocated"),
        Map.entry("/gc/heap/allocs:objects", "go.memory.allocations"),
        Map.entry("/gc/heap/goal:bytes", "go.memory.gc.goal"),
        Map.entry("/gc/cycles/total:gc-cycles", "go.memory.gc.cycles"),
        Map.entry("/sched/pauses/total/gc:seconds", "go.memory.gc.pause.duration"),
        Map.entry("/sched/goroutines:goroutines", "go.goroutine.count"),
        Map.entry("/sched/gomaxprocs:threads", "go.processor.limit"),
        Map.entry("/gc/gogc:percent", "go.config.gogc"),
        Map.entry("/sched/latencies:seconds", "go.schedule.duration"),
        Map.entry("/cpu/classes/user:cpu-seconds", "go.cpu.time"),
        // not in the conventions: the go set's families
        Map.entry("/memory/classes/heap/released:bytes", "go.memory.mapped"),
        Map.entry("/gc/cycles/forced:gc-cycles", "go.gc.cycles"),
        Map.entry("/sched/pauses/total/other:seconds", "go.sched.pause.duration"),
        Map.entry("/gc/heap/frees:bytes", "go.gc.heap.frees_bytes"));
    expected.forEach((path, family) ->
        assertThat(GO_SEMCONV.decide(path).name()).as(path).contains(family));
    assertThat(GO_SEMCONV.decide("/memory/classes/heap/stacks:bytes").labels().get("go.memory.type")).isEqualTo("stack");
    assertThat(GO_SEMCONV.decide("/memory/classes/os-stacks:bytes").labels().get("go.memory.type")).isEqualTo("other");
    assertThat(GO_SEMCONV.decide("/memory/classes/total:bytes").drop()).isTrue();
  }

  @Test
  void semanticConventionNamesUnitsAndTypes() {
    record Want(String path, String name, MetricType type, String unit) {}
    List<Want> wants = List.of(
        new Want("/memory/classes/other:bytes", "go.memory.used", MetricType.UP_DOWN_COUNTER, "By"),
        new Want("/gc/gomemlimit:bytes", "go.memory.limit", MetricType.UP_DOWN_COUNTER, "By"),
        new Want("/gc/heap/allocs:bytes", "go.memory.allocated", MetricType.COUNTER, "By"),
        new Want("/gc/heap/allocs:objects", "go.memory.allocations", MetricType.COUNTER, "{allocation}"),
        new Want("/gc/heap/goal:bytes", "go.memory.gc.goal", MetricType.UP_DOWN_COUNTER, "By"),
        new Want("/sched/goroutines:goroutines", "go.goroutine.count", MetricType.UP_DOWN_COUNTER, "{goroutine}"),
        new Want("/sched/gomaxprocs:threads", "go.processor.limit", MetricType.UP_DOWN_COUNTER, "{thread}"),
        new Want("/gc/gogc:percent", "go.config.gogc", MetricType.UP_DOWN_COUNTER, "%"),
        new Want("/sched/latencies:seconds", "go.schedule.duration", MetricType.HISTOGRAM, "s"),
        new Want("/gc/cycles/total:gc-cycles", "go.memory.gc.cycles", MetricType.COUNTER, "{gc_cycle}"),
        new Want("/sched/pauses/total/gc:seconds", "go.memory.gc.pause.duration", MetricType.HISTOGRAM, "s"),
        new Want("/cpu/classes/gc/pause:cpu-seconds", "go.cpu.time", MetricType.COUNTER, "s"));
    for (Want w : wants) {
      ViewDecision d = GO_SEMCONV.decide(w.path());
      assertThat(d.source().orElseThrow().file()).as(w.path()).isEqualTo("builtin:go-semconv");
      assertThat(d.name()).as(w.path()).contains(w.name());
      assertThat(d.type()).as(w.path()).contains(w.type());
      assertThat(d.unit()).as(w.path()).contains(w.unit());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "/future/thing/new:widgets",
      "/cpu/classes/new/leaf:cpu-seconds",
      "/cpu/classes/gc/mark/total:cpu-seconds",
      "/memory/classes/heap/total:bytes",
      "/memory/classes/new-class:bytes",
      "/gc/scan/new-region:bytes",
      "/gc/cycles/new-trigger:gc-cycles",
      "/sched/goroutines/zombie:goroutines",
      "/sched/pauses/total/new-cause:seconds",
      "/godebug/non-default-behavior/futuresetting:events",
      "/sched/latencies:seconds",
      "/x:y",
      "/a/b/c/d/e/f/g:bytes/second",
      "/cpu/classes:cpu-seconds",
      "/:bytes",
      "/gc/heap",
      "/gc//heap:bytes"})
  void pathsOutsideTheCatalogNeverCrash(String path) {
    for (ViewSet views : List.of(GO, GO_SEMCONV)) {
      ViewDecision d = views.decide(path);
      assertThat(d).isNotNull();
      Metric raw = GoSnapshot.number(path, MetricType.GAUGE, 42);
      ViewResult r = views.apply(raw, SiblingAttributes.none());
      assertThat(r.status()).isNotNull();
      if (r.status() == ViewResult.Status.MAPPED) {
        assertThat(r.metric().orElseThrow().name()).isNotBlank();
      }
    }
  }

  @Test
  void pathsOfUnknownSubtreesAreNamedAfterPathAndUnit() {
    ViewDecision d = GO.decide("/future/thing/new:widgets");
    assertThat(d.viewId()).contains("go.other.3");
    assertThat(d.name()).contains("go.future.thing.new.widgets");
    assertThat(d.unit()).contains("{widgets}");
    assertThat(d.type()).as("the input's type").isEmpty();
    assertThat(Catalogs.prometheusName(d)).isEqualTo("go_future_thing_new_widgets");
    // a known path in a new unit does not join the catalogued family
    assertThat(GO.decide("/gc/heap/live:objects").name()).contains("go.gc.heap.live.objects");
    assertThat(GO.decide("/a/b/c/d/e/f/g/h:seconds").name()).contains("go.a.b.c.d.e.f.g/h.seconds");

    Metric histogram = GoSnapshot.histogram("/future/latency:seconds", GoSnapshot.timeBounds("/sched/latencies:seconds"),
        new java.util.SplittableRandom(7));
    ViewResult r = GO.apply(histogram, SiblingAttributes.none());
    assertThat(r.status()).isEqualTo(ViewResult.Status.MAPPED);
    dev.rosetta.model.HistogramPoint in = (dev.rosetta.model.HistogramPoint) histogram.points().get(0);
    dev.rosetta.model.HistogramPoint out = (dev.rosetta.model.HistogramPoint) r.metric().orElseThrow().points().get(0);
    assertThat(r.metric().orElseThrow().name()).isEqualTo("go.future.latency.seconds");
    assertThat(out.counts().length).isLessThanOrEqualTo(20);
    assertThat(out.count()).isEqualTo(in.count());
    assertThat(out.sum()).isEqualTo(in.sum());
  }

  @Test
  void newClassesLandInTheirFamilies() {
    ViewDecision cpu = GO.decide("/cpu/classes/new/leaf:cpu-seconds");
    assertThat(cpu.name()).contains("go.cpu.time");
    assertThat(cpu.labels().asMap()).containsEntry("go.cpu.state", "new").containsEntry("go.cpu.detailed_state", "new/leaf");
    assertThat(GO.decide("/cpu/classes/gc/mark/total:cpu-seconds").drop()).isTrue();
    assertThat(GO.decide("/memory/classes/heap/total:bytes").drop()).isTrue();
    assertThat(GO.decide("/memory/classes/new-class:bytes").labels().get("go.memory.class")).isEqualTo("new-class");
    assertThat(GO.decide("/sched/goroutines/zombie:goroutines").labels().get("go.goroutine.state")).isEqualTo("zombie");
    assertThat(GO.decide("/godebug/non-default-behavior/futuresetting:events").labels().get("go.godebug.setting"))
        .isEqualTo("futuresetting");
    assertThat(GO.decide("/sched/pauses/total/new-cause:seconds").labels().get("go.sched.pause.cause"))
        .isEqualTo("new-cause");
  }

  @Test
  void headerListsEveryMappingViewOfTheFile() {
    for (String set : List.of("go", "go-semconv", "jvm", "go-names")) {
      String text = Catalogs.text(set);
      int views = text.indexOf("\nviews:");
      assertThat(views).as(set).isPositive();
      String header = text.substring(0, views);
      List<String> missing = new ArrayList<>();
      String file = set.equals("go-names") ? "builtin:go/go-names.yaml" : "builtin:" + set;
      for (View v : Catalogs.of(set.equals("go-names") ? "go" : set).views()) {
        if (!v.source().file().equals(file)) {
          continue; // the views of another file of the set
        }
        // a header line may name a group of views by their common stem (go.cpu.time.detailed and
        // .single as go.cpu.time.*, jvm.memory.area.limit.heap and .non_heap as jvm.memory.area.limit)
        String stem = v.id().substring(0, v.id().lastIndexOf('.'));
        if (!v.isDrop() && !header.contains(v.id()) && !header.contains(stem + ".*") && !header.contains(stem + " ")) {
          missing.add(v.id());
        }
      }
      assertThat(missing).as("views of %s not named in its header", set).isEmpty();
    }
  }
}
