package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.name.ClientGolangNames;
import dev.rosetta.model.name.GoNameRecognizer;
import dev.rosetta.model.name.GoUnits;
import dev.rosetta.model.name.Recognition;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every metric of the Go catalog under the names client_golang gives it, in every form they arrive
 * in, is decided exactly as its path: same view, family, type, unit and labels, in both Go sets.
 */
class ClientGolangNamesTest {
  static final ViewSet GO = Catalogs.of("go");
  static final ViewSet GO_SEMCONV = Catalogs.of("go-semconv", "go");

  /** One way a catalog metric is named: the name, how it is written, its unit (may be "") and type. */
  record Form(GoCatalog.Row row, String name, String form, String unit, boolean counter) {
    @Override
    public String toString() {
      return name + " (" + form + ")";
    }
  }

  static Stream<Form> forms() {
    List<Form> forms = new ArrayList<>();
    for (GoCatalog.Row row : GoCatalog.rows()) {
      String name = ClientGolangNames.name(row.name(), row.histogram(), row.cumulative()).orElseThrow();
      boolean counter = row.cumulative() && !row.histogram();
      String unit = row.name().substring(row.name().indexOf(':') + 1);
      String words = ClientGolangNames.unitWords(unit);
      forms.add(new Form(row, name, "exposed", "", counter));
      String untotalled = counter ? name.substring(0, name.length() - "_total".length()) : name;
      if (counter) {
        forms.add(new Form(row, untotalled, "_total trimmed", "", counter));
      }
      // trim_metric_suffixes strips the unit the receiver knew: it is on the metric; go_gc_cycles_total
      // is Rosetta's own name for go.gc.cycles (rosettasOwnPrometheusNamesComeBackAsTheirOwnFamilies)
      String unitTrimmed = untotalled.substring(0, untotalled.length() - words.length() - 1);
      if (!unitTrimmed.equals("go_gc_cycles_total")) {
        forms.add(new Form(row, unitTrimmed, "unit trimmed", words, counter));
        forms.add(new Form(row, unitTrimmed, "unit trimmed, UCUM", GoUnits.toUcum(unit), counter));
      }
      if (row.histogram()) {
        forms.add(new Form(row, name + "_total", "client_golang 1.12.0", "", counter));
      }
    }
    return forms.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forms")
  void everyFormIsDecidedAsItsPath(Form f) {
    for (ViewSet views : List.of(GO, GO_SEMCONV)) {
      ViewDecision byName = views.decide(f.name(), f.unit(), f.counter());
      ViewDecision byPath = views.decide(f.row().name());
      assertThat(byName.recognition()).as(f.toString()).map(r -> r.path().text()).contains(f.row().name());
      assertThat(byName.kind()).isEqualTo(byPath.kind());
      assertThat(byName.view()).isEqualTo(byPath.view());
      assertThat(byName.name()).isEqualTo(byPath.name());
      assertThat(byName.type()).isEqualTo(byPath.type());
      assertThat(byName.unit()).isEqualTo(byPath.unit());
      assertThat(byName.labels()).isEqualTo(byPath.labels());
      assertThat(byName.input()).isEqualTo(f.name());
    }
  }

  @Test
  void theRuleGivesTheNamesClientGolangExposes() {
    // as a client_golang 1.14 program on Go 1.19 exposes them (the e2e test checks a real one)
    Map<String, String> known = Map.of(
        "/cpu/classes/gc/mark/assist:cpu-seconds", "go_cpu_classes_gc_mark_assist_cpu_seconds_total",
        "/gc/heap/allocs-by-size:bytes", "go_gc_heap_allocs_by_size_bytes",
        "/gc/limiter/last-enabled:gc-cycle", "go_gc_limiter_last_enabled_gc_cycle",
        "/sched/gomaxprocs:threads", "go_sched_gomaxprocs_threads",
        "/gc/heap/objects:objects", "go_gc_heap_objects_objects",
        "/cgo/go-to-c-calls:calls", "go_cgo_go_to_c_calls_calls_total",
        "/memory/classes/os-stacks:bytes", "go_memory_classes_os_stacks_bytes",
        "/godebug/non-default-behavior/x509sha1:events", "go_godebug_non_default_behavior_x509sha1_events_total");
    known.forEach((path, name) -> {
      boolean histogram = path.startsWith("/gc/heap/allocs-by-size");
      boolean cumulative = name.endsWith("_total") || histogram;
      assertThat(ClientGolangNames.name(path, histogram, cumulative)).as(path).contains(name);
    });
    assertThat(ClientGolangNames.name("/single:bytes", false, false)).as("no subsystem: invalid").isEmpty();
    assertThat(ClientGolangNames.name("/a/b:bytes/second", false, true)).contains("go_a_b_bytes_per_second_total");
  }

  @Test
  void rosettasOwnPrometheusNamesComeBackAsTheirOwnFamilies() {
    // a Collector that scrapes Rosetta's /metrics and sends them on to a Rosetta
    for (ViewSet views : List.of(GO, GO_SEMCONV)) {
      for (GoCatalog.Row row : GoCatalog.rows()) {
        ViewDecision d = views.decide(row.name());
        if (d.name().isEmpty()) {
          continue;
        }
        String prom = PrometheusNaming.metricName(d.name().get(), d.unit().orElse(""), d.type().orElseThrow());
        for (boolean counter : List.of(true, false)) {
          ViewDecision back = views.decide(prom, "", counter);
          if (back.recognition().isPresent()) {
            assertThat(back.name()).as("%s, Rosetta's name for %s", prom, row.name()).isEqualTo(d.name());
          }
        }
      }
    }
  }

  @Test
  void godebugSettingsOfFutureReleasesAreRecognisedByTheirPattern() {
    for (String name : List.of("go_godebug_non_default_behavior_futuresetting_events_total",
        "go_godebug_non_default_behavior_futuresetting_events", "go_godebug_non_default_behavior_futuresetting")) {
      ViewDecision d = GO.decide(name);
      assertThat(d.name()).as(name).contains("go.godebug.non_default_behavior");
      assertThat(d.labels().get("go.godebug.setting")).isEqualTo("futuresetting");
    }
  }

  @Test
  void unknownGoNamesAreNotRecognised() {
    for (String name : List.of("go_future_metric_widgets_total", "go_gc_heap_allocs_bytes_total_total",
        "go_cpu_classes_gc_mark_assist_cpu", "go_memstats_new_thing_bytes", "go_gc_heap_allocs")) {
      ViewDecision d = GO.decide(name);
      assertThat(d.kind()).as(name).isEqualTo(ViewDecision.Kind.UNMATCHED);
      assertThat(d.recognition()).isEmpty();
    }
  }

  @Test
  void namesForTwoPathsAreToldApartByUnitAndType() {
    assertThat(GoNameRecognizer.ambiguous("go_gc_heap_allocs")).isTrue();
    assertThat(GO.decide("go_gc_heap_allocs", "bytes", true).recognition().orElseThrow().path().text())
        .isEqualTo("/gc/heap/allocs:bytes");
    assertThat(GO.decide("go_gc_heap_allocs", "{object}", true).recognition().orElseThrow().path().text())
        .isEqualTo("/gc/heap/allocs:objects");
    assertThat(GO.decide("go_gc_heap_allocs", "", true).recognition()).isEmpty();
    // MemStats.Alloc (a gauge) and TotalAlloc with _total trimmed (a counter)
    assertThat(GO.decide("go_memstats_alloc_bytes", "", false).recognition().orElseThrow().path().text())
        .isEqualTo("/memory/classes/heap/objects:bytes");
    assertThat(GO.decide("go_memstats_alloc_bytes", "", true).recognition().orElseThrow().path().text())
        .isEqualTo("/gc/heap/allocs:bytes");
  }

  @Test
  void everyListedEquivalenceIsACatalogPathAndMapsAsIt() {
    Map<String, List<Recognition>> table = GoNameRecognizer.table();
    List<Recognition> listed = table.values().stream().flatMap(List::stream)
        .filter(r -> r.form().equals("listed")).toList();
    assertThat(listed).hasSizeGreaterThan(30);
    for (Recognition r : listed) {
      ViewDecision d = GO.decide(r.input(), "", false);
      ViewDecision counter = GO.decide(r.input(), "", true);
      ViewDecision byPath = GO.decide(r.path().text());
      ViewDecision byName = d.recognition().isPresent() ? d : counter;
      assertThat(byName.recognition()).as(r.input()).isPresent();
      assertThat(byName.view()).as(r.input()).isEqualTo(byPath.view());
      assertThat(byName.labels()).isEqualTo(byPath.labels());
      r.minus().ifPresent(m -> assertThat(table).as("%s minus %s", r.input(), m).containsKey(m));
    }
  }

  @Test
  void memStatsCompositesGiveTheirClassAsADifferenceInTheBatch() {
    Metric inuse = gauge("go_memstats_heap_inuse_bytes", 5000);
    Metric alloc = gauge("go_memstats_heap_alloc_bytes", 3000);
    List<ViewResult> results = GO.applyAll(List.of(inuse, alloc), m -> (mbean, a) -> java.util.Optional.empty());
    Metric unused = results.get(0).metric().orElseThrow();
    assertThat(unused.name()).isEqualTo("go.memory.mapped");
    assertThat(unused.points()).singleElement().satisfies(p -> {
      assertThat(((NumberPoint) p).value()).isEqualTo(2000);
      assertThat(p.labels().get("go.memory.class")).isEqualTo("heap/unused");
    });
    assertThat(results.get(1).metric().orElseThrow().points().get(0).labels().get("go.memory.class"))
        .isEqualTo("heap/objects");

    ViewResult alone = GO.applyAll(List.of(inuse), m -> (mbean, a) -> java.util.Optional.empty()).get(0);
    assertThat(alone.status()).isEqualTo(ViewResult.Status.INVALID);
    assertThat(alone.problem()).hasValueSatisfying(p -> assertThat(p).contains("go_memstats_heap_alloc_bytes"));
  }

  @Test
  void histogramBoundsMoveBackToTheRuntimesEdges() {
    double[] edges = {1e-9, 1.0239999999999999e-6, 1.048576e-3};
    double[] below = new double[edges.length];
    for (int i = 0; i < edges.length; i++) {
      below[i] = Math.nextDown(edges[i]); // what client_golang writes
    }
    long[] counts = {1, 2, 3, 4};
    Metric raw = new Metric("go_sched_latencies_seconds", "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        List.of(new HistogramPoint(Labels.empty(), 1, 2, below, counts, 10, 0.5, Double.NaN, Double.NaN)));
    Metric out = GO.applyAll(List.of(raw), m -> (mbean, a) -> java.util.Optional.empty()).get(0).metric().orElseThrow();
    Metric viaPath = GO.apply(new Metric("/sched/latencies:seconds", "", "s", MetricType.HISTOGRAM,
        Temporality.CUMULATIVE, List.of(new HistogramPoint(Labels.empty(), 1, 2, edges, counts, 10, 0.5, Double.NaN,
            Double.NaN))), (mbean, a) -> java.util.Optional.empty()).metric().orElseThrow();
    assertThat(out).isEqualTo(viaPath);
  }

  private static Metric gauge(String name, double value) {
    return new Metric(name, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.empty(), 1, 2, value)));
  }
}
