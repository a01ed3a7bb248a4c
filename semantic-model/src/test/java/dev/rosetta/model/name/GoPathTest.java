package dev.rosetta.model.name;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoPathTest {

  static List<String> catalogNames() throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = GoPathTest.class.getResourceAsStream("/go-runtime-metrics.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      r.readLine(); // header
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          names.add(line.substring(0, line.indexOf('\t')));
        }
      }
    }
    return names;
  }

  @Test
  void everyCatalogNameParsesAndRoundTrips() throws IOException {
    List<String> names = catalogNames();
    assertThat(names).hasSizeGreaterThan(100);
    for (String name : names) {
      ParseResult<MetricName> r = MetricName.parse(name);
      assertThat(r.isOk()).as(name + ": " + r).isTrue();
      GoPath p = (GoPath) r.value();
      assertThat(p.text()).isEqualTo(name);
      assertThat(p.path() + ":" + p.unit()).isEqualTo(name);
      assertThat("/" + String.join("/", p.segments())).isEqualTo(p.path());
      assertThat(p.ucumUnit()).doesNotContain("-").isNotEmpty();
    }
  }

  @Test
  void segmentsAndUnit() {
    GoPath p = GoPath.parse("/cpu/classes/gc/mark/assist:cpu-seconds").value();
    assertThat(p.segments()).containsExactly("cpu", "classes", "gc", "mark", "assist");
    assertThat(p.unit()).isEqualTo("cpu-seconds");
    assertThat(p.ucumUnit()).isEqualTo("s");
    assertThat(p.grammar()).isEqualTo(Grammar.GO);
    assertThat(p).isEqualTo(GoPath.parse("/cpu/classes/gc/mark/assist:cpu-seconds").value());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "bytes, By",
    "seconds, s",
    "cpu-seconds, s",
    "percent, %",
    "objects, {object}",
    "gc-cycles, {gc_cycle}",
    "gc-cycle, {gc_cycle}",
    "goroutines, {goroutine}",
    "events, {event}",
    "calls, {call}",
    "threads, {thread}",
    "cleanups, {cleanup}",
    "finalizers, {finalizer}",
    "widgets, {widgets}",
    "bytes/second, By/s",
    "byte*cpu-seconds, By.s",
    "bytes/second/second, By/s/s",
  })
  void unitsMapToUcum(String go, String ucum) {
    assertThat(GoUnits.toUcum(go)).isEqualTo(ucum);
  }

  @Test
  void compoundUnitsWithSlashAreGoPaths() {
    GoPath p = GoPath.parse("/net/rx:bytes/second").value();
    assertThat(p.segments()).containsExactly("net", "rx");
    assertThat(p.unit()).isEqualTo("bytes/second");
    assertThat(MetricName.parse("/net/rx:bytes/second").value()).isEqualTo(p);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/gc/heap/allocs | 15 | a Go runtime path needs ':unit' after the path",
        "/:bytes | 1 | a Go runtime path needs at least one segment before ':'",
        "/gc//allocs:bytes | 4 | empty path segment",
        "/gc/heap/:bytes | 9 | empty path segment",
        "/gc/heap:| 9 | empty unit after ':'",
        "/gc/heap:bytes:x | 14 | a second ':'",
        "/gc/heap:bytes//s | 15 | empty unit word",
        "/gc/heap:*| 9 | empty unit word",
        "/gc/heap:bytes/ | 15 | empty unit word",
      })
  void malformed(String name, int position, String reason) {
    ParseResult<GoPath> r = GoPath.parse(name);
    assertThat(r.isOk()).isFalse();
    assertThat(r.error().position()).isEqualTo(position);
    assertThat(r.error().reason()).startsWith(reason);
    assertThat(r.error().message()).endsWith("(at position " + position + ")");
    // the classifier sends these to the Go grammar, so MetricName.parse reports the same error
    assertThat(MetricName.parse(name).error()).isEqualTo(r.error());
  }

  @Test
  void patternAcceptsAnyUnit() {
    assertThat(GoPath.parsePattern("/sched/{rest...}:*").value().unit()).isEqualTo("*");
    assertThat(GoPath.parse("/sched/{rest...}:*").isOk()).isFalse();
  }
}
