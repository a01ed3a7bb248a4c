package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A consistent synthetic Go snapshot (every roll-up the exact sum of its parts) through the views:
 * every family summed over its labels equals the matching roll-up, and no family holds a roll-up
 * beside its parts, or a subset beside its superset.
 */
class NoDoubleCountingTest {
  private static final List<GoCatalog.Row> ROWS = GoCatalog.rows();
  private static final Map<String, Metric> SNAPSHOT = GoSnapshot.consistent(ROWS, 20260101L);

  /** Paths whose data is a part of another path's without being a roll-up of listed siblings. */
  private static final Map<String, String> SUBSET_OF = Map.of(
      "/sched/pauses/stopping/gc:seconds", "/sched/pauses/total/gc:seconds",
      "/sched/pauses/stopping/other:seconds", "/sched/pauses/total/other:seconds",
      "/gc/heap/tiny/allocs:objects", "/gc/heap/allocs:objects",
      "/gc/cleanups/executed:cleanups", "/gc/cleanups/queued:cleanups",
      "/gc/finalizers/executed:finalizers", "/gc/finalizers/queued:finalizers");

  private static Families go;
  private static Families semconv;

  /** The semantic points of each family, with the raw path each point came from. */
  record Source(String path, Point point) {}

  static final class Families {
    final Map<String, List<Source>> byName = new LinkedHashMap<>();
    final Map<String, Metric> mapped = new LinkedHashMap<>();

    double sum(String family, Predicate<Labels> filter) {
      double s = 0;
      for (Source src : byName.getOrDefault(family, List.of())) {
        if (filter.test(src.point().labels())) {
          s += ((NumberPoint) src.point()).value();
        }
      }
      return s;
    }

    double sum(String family) {
      return sum(family, l -> true);
    }
  }

  @BeforeAll
  static void mapSnapshot() {
    go = map(Catalogs.of("go"));
    semconv = map(Catalogs.of("go-semconv", "go"));
  }

  private static Families map(ViewSet views) {
    Families f = new Families();
    for (Metric raw : SNAPSHOT.values()) {
      ViewResult r = views.apply(raw, SiblingAttributes.none());
      assertThat(r.status()).as(raw.name()).isIn(ViewResult.Status.MAPPED, ViewResult.Status.DROPPED);
      if (r.status() == ViewResult.Status.MAPPED) {
        Metric m = r.metric().orElseThrow();
        f.mapped.put(raw.name(), m);
        for (Point p : m.points()) {
          f.byName.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(new Source(raw.name(), p));
        }
      }
    }
    return f;
  }

  private static double raw(String path) {
    return ((NumberPoint) SNAPSHOT.get(path).points().get(0)).value();
  }

  @Test
  void familiesSumToTheirRollups() {
    assertThat(go.sum("go.cpu.time")).isEqualTo(raw("/cpu/classes/total:cpu-seconds"));
    assertThat(go.sum("go.cpu.time", l -> "gc".equals(l.get("go.cpu.state"))))
        .isEqualTo(raw("/cpu/classes/gc/total:cpu-seconds"));
    assertThat(go.sum("go.cpu.time", l -> "scavenge".equals(l.get("go.cpu.state"))))
        .isEqualTo(raw("/cpu/classes/scavenge/total:cpu-seconds"));
    assertThat(go.sum("go.memory.mapped")).isEqualTo(raw("/memory/classes/total:bytes"));
    assertThat(go.sum("go.gc.scan.size")).isEqualTo(raw("/gc/scan/total:bytes"));
    assertThat(go.sum("go.gc.cycles")).isEqualTo(raw("/gc/cycles/total:gc-cycles"));
    assertThat(go.sum("go.sched.goroutines_by_state")).isEqualTo(raw("/sched/goroutines:goroutines"));
    assertThat(go.sum("go.sched.goroutines")).isEqualTo(raw("/sched/goroutines:goroutines"));
  }

  @Test
  void semanticConventionFamiliesSumToTheirDefinitions() {
    double total = raw("/memory/classes/total:bytes");
    double released = raw("/memory/classes/heap/released:bytes");
    double stacks = raw("/memory/classes/heap/stacks:bytes");
    // go.memory.used = /memory/classes/total - /memory/classes/heap/released, split stack / other
    assertThat(semconv.sum("go.memory.used")).isEqualTo(total - released);
    assertThat(semconv.sum("go.memory.used", l -> "stack".equals(l.get("go.memory.type")))).isEqualTo(stacks);
    assertThat(semconv.sum("go.memory.used", l -> "other".equals(l.get("go.memory.type"))))
        .isEqualTo(total - released - stacks);
    assertThat(semconv.sum("go.cpu.time")).isEqualTo(raw("/cpu/classes/total:cpu-seconds"));
    assertThat(semconv.sum("go.memory.gc.cycles")).isEqualTo(raw("/gc/cycles/total:gc-cycles"));
    assertThat(semconv.sum("go.gc.cycles")).isEqualTo(raw("/gc/cycles/total:gc-cycles"));
    assertThat(semconv.sum("go.goroutine.count")).isEqualTo(raw("/sched/goroutines:goroutines"));
    // what the conventions leave out stays in the go set, and nothing is counted twice overall
    assertThat(semconv.sum("go.memory.used") + semconv.sum("go.memory.mapped")).isEqualTo(total);
  }

  @Test
  void everyRollupIsTheSumOfOneFamily() {
    for (Map.Entry<String, List<String>> r : GoSnapshot.ROLLUPS.entrySet()) {
      Set<String> leaves = leaves(r.getKey());
      Set<String> families = new LinkedHashSet<>();
      double sum = 0;
      for (String leaf : leaves) {
        Metric m = go.mapped.get(leaf);
        assertThat(m).as("part %s of %s is mapped", leaf, r.getKey()).isNotNull();
        families.add(m.name());
        sum += ((NumberPoint) m.points().get(0)).value();
      }
      assertThat(families).as("families of the parts of %s", r.getKey()).hasSize(1);
      assertThat(sum).as(r.getKey()).isEqualTo(raw(r.getKey()));
    }
  }

  @Test
  void noFamilyHoldsARollupBesideItsParts() {
    for (Families f : List.of(go, semconv)) {
      for (Map.Entry<String, List<Source>> e : f.byName.entrySet()) {
        Set<String> sources = new HashSet<>();
        e.getValue().forEach(s -> sources.add(s.path()));
        for (String s : sources) {
          if (GoSnapshot.ROLLUPS.containsKey(s)) {
            assertThat(sources).as("family %s holds roll-up %s and a part of it", e.getKey(), s)
                .doesNotContainAnyElementsOf(descendants(s));
          }
          String superset = SUBSET_OF.get(s);
          if (superset != null) {
            assertThat(sources).as("family %s holds %s and its superset", e.getKey(), s).doesNotContain(superset);
          }
        }
      }
    }
  }

  @Test
  void seriesInAFamilyHaveDistinctLabels() {
    for (Families f : List.of(go, semconv)) {
      for (Map.Entry<String, List<Source>> e : f.byName.entrySet()) {
        Map<Labels, Source> seen = new HashMap<>();
        for (Source s : e.getValue()) {
          Source prev = seen.putIfAbsent(s.point().labels(), s);
          if (prev != null) {
            // only an alias may land on the same series, with the same data: the pipeline keeps one
            assertThat(GoSnapshot.ALIASES.get(s.path()) != null ? GoSnapshot.ALIASES.get(s.path())
                : GoSnapshot.ALIASES.get(prev.path()))
                .as("family %s: %s repeats labels %s of %s", e.getKey(), s.path(), s.point().labels(), prev.path())
                .isIn(prev.path(), s.path());
            assertThat(s.point()).as("alias %s carries the data of %s", s.path(), prev.path())
                .isEqualTo(prev.point().withLabels(s.point().labels()));
          }
        }
      }
    }
  }

  @Test
  void valuesPassUnchanged() {
    for (Families f : List.of(go, semconv)) {
      f.mapped.forEach((path, m) -> {
        Point in = SNAPSHOT.get(path).points().get(0);
        Point out = m.points().get(0);
        if (in instanceof NumberPoint n) {
          assertThat(((NumberPoint) out).value()).as(path).isEqualTo(n.value());
        }
      });
    }
  }

  @Test
  void histogramsAreReBucketedExactly() {
    int histograms = 0;
    for (Families f : List.of(go, semconv)) {
      for (Map.Entry<String, Metric> e : f.mapped.entrySet()) {
        if (!(SNAPSHOT.get(e.getKey()).points().get(0) instanceof HistogramPoint in)) {
          continue;
        }
        histograms++;
        HistogramPoint out = (HistogramPoint) e.getValue().points().get(0);
        assertThat(in.bounds().length).as(e.getKey()).isGreaterThan(60);
        assertThat(out.counts().length).as("buckets of %s", e.getKey()).isLessThanOrEqualTo(20);
        assertThat(out.count()).as(e.getKey()).isEqualTo(in.count());
        assertThat(out.sum()).as(e.getKey()).isEqualTo(in.sum());
        // every output bound is an input bound, and the cumulative counts agree there
        for (int i = 0; i < out.bounds().length; i++) {
          int at = java.util.Arrays.binarySearch(in.bounds(), out.bounds()[i]);
          assertThat(at).as("%s bound %s is an input bound", e.getKey(), out.bounds()[i]).isNotNegative();
          assertThat(cumulative(out.counts(), i)).as(e.getKey()).isEqualTo(cumulative(in.counts(), at));
        }
      }
    }
    assertThat(histograms).isEqualTo(2 * 8); // 8 in the catalog, two configurations
  }

  private static long cumulative(long[] counts, int upTo) {
    long c = 0;
    for (int i = 0; i <= upTo; i++) {
      c += counts[i];
    }
    return c;
  }

  /** The paths below a roll-up, sub-totals included. */
  private static Set<String> descendants(String rollup) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : GoSnapshot.ROLLUPS.getOrDefault(rollup, List.of())) {
      out.add(part);
      out.addAll(descendants(part));
    }
    return out;
  }

  /** The leaf paths below a roll-up. */
  private static Set<String> leaves(String rollup) {
    Set<String> out = new LinkedHashSet<>();
    for (String d : descendants(rollup)) {
      if (!GoSnapshot.ROLLUPS.containsKey(d)) {
        out.add(d);
      }
    }
    return out;
  }
}
