package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The view-file loader: a ViewLoadException whose errors name the file, or a view set that
 * decides and maps names of every grammar without throwing.
 */
class ViewFileFuzzTest {
  private static final List<String> NAMES = List.of(
      "/gc/heap/allocs:bytes", "/cpu/classes/gc/mark/assist:cpu-seconds", "/sched/latencies:seconds",
      "java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used", "java.lang:name=x,type=GarbageCollector/CollectionTime",
      "jvm.gc.G1-Young-Generation.count", "http.server.duration", "a", "", "/x/{y}:z", "com.example:type=Cache,name=c/HitCount");

  @FuzzTest(maxDuration = "10s")
  void load(byte[] yaml) {
    ViewSet views;
    try {
      views = ViewSet.builder().addYaml("fuzz.yaml", new String(yaml, StandardCharsets.UTF_8)).build();
    } catch (ViewLoadException e) {
      assertThat(e.errors()).isNotEmpty();
      assertThat(e.errors()).allSatisfy(err -> assertThat(err.toString()).startsWith("fuzz.yaml"));
      return;
    }
    SiblingAttributes siblings = (mbean, attribute) -> Optional.of("HEAP");
    for (String name : NAMES) {
      views.decide(name);
      for (MetricType type : List.of(MetricType.GAUGE, MetricType.COUNTER)) {
        Metric m = new Metric(name, "", "", type, Temporality.CUMULATIVE,
            List.of(new NumberPoint(Labels.of("a", "b"), 0, 1, 2.5)));
        assertThat(views.apply(m, siblings)).isNotNull();
      }
    }
  }
}
