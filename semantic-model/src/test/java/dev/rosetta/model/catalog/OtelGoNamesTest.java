package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry Go's runtime names, current and deprecated, keep the families `go-semconv` makes from
 * the paths: same name, type, unit and buckets, whichever Go set is on.
 */
class OtelGoNamesTest {
  static final ViewSet GO_SEMCONV = Catalogs.of("go-semconv", "go");

  /** Each OpenTelemetry Go name and a path go-semconv maps to the same family. */
  static final Map<String, String> SAME_FAMILY = Map.ofEntries(
      Map.entry("go.memory.used", "/memory/classes/heap/stacks:bytes"),
      Map.entry("go.memory.limit", "/gc/gomemlimit:bytes"),
      Map.entry("go.memory.allocated", "/gc/heap/allocs:bytes"),
      Map.entry("go.memory.allocations", "/gc/heap/allocs:objects"),
      Map.entry("go.memory.gc.goal", "/gc/heap/goal:bytes"),
      Map.entry("go.goroutine.count", "/sched/goroutines:goroutines"),
      Map.entry("go.processor.limit", "/sched/gomaxprocs:threads"),
      Map.entry("go.config.gogc", "/gc/gogc:percent"),
      Map.entry("go.schedule.duration", "/sched/latencies:seconds"),
      Map.entry("process.runtime.go.goroutines", "/sched/goroutines:goroutines"),
      Map.entry("runtime.go.goroutines", "/sched/goroutines:goroutines"),
      Map.entry("process.runtime.go.gc.count", "/gc/cycles/total:gc-cycles"));

  /** Deprecated names recognised as paths: they follow whichever Go set is on, as the path does. */
  static final Map<String, String> RECOGNISED = Map.of(
      "process.runtime.go.mem.heap_alloc", "/memory/classes/heap/objects:bytes",
      "process.runtime.go.cgo.calls", "/cgo/go-to-c-calls:calls",
      "runtime.go.mem.heap_objects", "/gc/heap/objects:objects",
      "process.runtime.go.mem.live_objects", "/gc/heap/objects:objects");

  @Test
  void openTelemetryGoNamesLandInTheFamiliesGoSemconvMakes() {
    for (ViewSet views : List.of(GO_SEMCONV, Catalogs.of("go"))) {
      SAME_FAMILY.forEach((name, path) -> {
        ViewDecision byName = views.decide(name);
        ViewDecision byPath = GO_SEMCONV.decide(path);
        assertThat(byName.name()).as(name).isEqualTo(byPath.name());
        assertThat(byName.type()).as(name).isEqualTo(byPath.type());
        assertThat(byName.unit()).as(name).isEqualTo(byPath.unit());
        assertThat(byName.buckets()).as(name).isEqualTo(byPath.buckets());
      });
      RECOGNISED.forEach((name, path) -> {
        ViewDecision byName = views.decide(name);
        assertThat(byName.recognition()).as(name).map(r -> r.path().text()).contains(path);
        assertThat(byName.name()).as(name).isEqualTo(views.decide(path).name());
        assertThat(byName.labels()).as(name).isEqualTo(views.decide(path).labels());
      });
    }
  }

  @Test
  void deprecatedNamesWithoutAFamilyOfTheirOwnAreRecognisedOrDropped() {
    ViewSet go = Catalogs.of("go");
    assertThat(go.decide("process.runtime.go.mem.heap_inuse").recognition().orElseThrow().minus())
        .contains("process.runtime.go.mem.heap_alloc");
    assertThat(go.decide("runtime.go.mem.heap_idle").recognition().orElseThrow().minus())
        .contains("runtime.go.mem.heap_released");
    assertThat(go.decide("process.runtime.go.mem.heap_sys").drop()).isTrue();
    assertThat(go.decide("process.runtime.go.mem.lookups").drop()).isTrue();
    ViewDecision pause = go.decide("process.runtime.go.gc.pause_ns");
    assertThat(pause.name()).contains("go.gc.cycle_pause.duration");
    assertThat(pause.scale()).isEqualTo(1e-9);
    assertThat(go.decide("process.runtime.go.gc.pause_total_ns").unit()).contains("s");
  }
}
