package dev.rosetta.model.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark's inputs valid: they load, parse and mostly match. */
class BenchNamesTest {

  @Test
  void inputsParseAndTheViewsDecideThem() throws Exception {
    ViewSet views = BenchNames.views(0);
    List<String> go = BenchNames.goNames();
    List<String> jvm = BenchNames.jvmNames();
    assertThat(go).hasSizeGreaterThan(100);
    assertThat(jvm).hasSizeGreaterThan(50).anyMatch(n -> n.startsWith("java.lang:type=Memory/HeapMemoryUsage/"));
    for (String name : go) {
      ViewDecision d = views.decide(name);
      assertThat(d.malformed()).as(name).isFalse();
      assertThat(d.matched()).as(name).isTrue();
    }
    for (String name : jvm) {
      assertThat(views.decide(name).malformed()).as(name + ": " + views.decide(name)).isFalse();
    }
  }
}
