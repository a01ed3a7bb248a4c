package dev.rosetta.receiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
  private static final String VIEWS =
      """
      views:
        - id: go.cpu.classes
          match: /cpu/classes/{class...}:cpu-seconds
          exclude: /cpu/classes/total:cpu-seconds
          name: go.cpu.time
          type: counter
          labels: {go.cpu.class: "{class}"}
        - match: /gc/pauses:seconds
          drop: true
        - id: go.sched
          match: /sched/latencies:seconds
          name: go.schedule.duration
          type: histogram
        - id: jvm.memory
          match: java.lang:type=MemoryPool,name={pool}/Usage/used
          name: jvm.memory.used
          type: updowncounter
          unit: By
          labels:
            jvm.memory.pool.name: "{pool}"
            jvm.memory.type: {attribute: Type, map: {HEAP: heap}}
        - id: ratio
          match: app.load
          name: app.load
          unit: "1"
        - id: keeps.type
          match: app.requests
          name: app.requests
        - id: empty.label
          match: x:type=T,name={n}/A
          name: x.a
          labels: {x.name: "{n}"}
      """;

  @TempDir Path dir;
  private Path config;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(dir.resolve("views"));
    Files.writeString(dir.resolve("views/test.yaml"), VIEWS);
    config = Files.writeString(dir.resolve("rosetta.yaml"),
        "views: {files: [views/*.yaml], builtin: [], unmatched: drop}\n");
  }

  private int run(String stdin, String... args) {
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    return ExplainCommand.run(args, in,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
  }

  private List<JsonObject> jsonLines() {
    List<JsonObject> result = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      result.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return result;
  }

  private static List<String> keys(JsonObject o) {
    return new ArrayList<>(o.keySet());
  }

  @Test
  void jsonHasOneObjectPerInputWithTheKeysInOrder() {
    int code = run("", "--config", config.toString(), "--json",
        "/cpu/classes/gc/mark/assist:cpu-seconds", "/gc/pauses:seconds", "http.server.duration");
    assertThat(code).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).isEqualTo(
        "{\"input\":\"/cpu/classes/gc/mark/assist:cpu-seconds\",\"matched\":true,\"drop\":false,"
            + "\"view\":\"go.cpu.classes\",\"name\":\"go.cpu.time\",\"type\":\"counter\",\"unit\":\"s\","
            + "\"labels\":{\"go.cpu.class\":\"gc/mark/assist\"},\"prometheus_name\":\"go_cpu_time_seconds_total\"}");
    assertThat(lines[1]).isEqualTo(
        "{\"input\":\"/gc/pauses:seconds\",\"matched\":true,\"drop\":true,\"view\":\"" + dir.resolve("views/test.yaml")
            + "#2\",\"name\":null,\"type\":null,\"unit\":null,\"labels\":{},\"prometheus_name\":null}");
    assertThat(lines[2]).isEqualTo(
        "{\"input\":\"http.server.duration\",\"matched\":false,\"drop\":false,\"view\":null,\"name\":null,"
            + "\"type\":null,\"unit\":null,\"labels\":{},\"prometheus_name\":null}");
  }

  @Test
  void namesOfOtherGoInstrumentationsAnswerWithTheirPathsView() {
    int code = run("", "--json", "go_cpu_classes_gc_mark_assist_cpu_seconds_total",
        "/cpu/classes/gc/mark/assist:cpu-seconds", "go_memstats_heap_inuse_bytes", "go_future_widgets_total");
    assertThat(code).isZero();
    List<JsonObject> objects = jsonLines();
    JsonObject byName = objects.get(0);
    JsonObject byPath = objects.get(1);
    for (String key : List.of("matched", "view", "name", "type", "unit", "labels", "prometheus_name")) {
      assertThat(byName.get(key)).as(key).isEqualTo(byPath.get(key));
    }
    assertThat(byName.get("recognized_as").getAsString()).isEqualTo("/cpu/classes/gc/mark/assist:cpu-seconds");
    assertThat(byName.get("recognized_by").getAsString()).contains("client_golang");
    assertThat(byPath.has("recognized_as")).isFalse();
    assertThat(objects.get(2).get("recognized_as").getAsString()).isEqualTo("/memory/classes/heap/unused:bytes");
    assertThat(objects.get(2).get("minus").getAsString()).isEqualTo("go_memstats_heap_alloc_bytes");
    assertThat(objects.get(3).get("matched").getAsBoolean()).isFalse();

    out.reset();
    run("", "go_cpu_classes_gc_mark_assist_cpu_seconds_total", "go_gc_heap_allocs");
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("recognized: /cpu/classes/gc/mark/assist:cpu-seconds (client_golang")
        .contains("view:       go.cpu.time.detailed").contains("ambiguous:");
  }

  @Test
  void prometheusNamesFollowTheTypeAndUnit() {
    run("", "--config=" + config, "--json",
        "/sched/latencies:seconds", "java.lang:name=G1 Eden Space,type=MemoryPool/Usage/used", "app.load",
        "app.requests");
    List<JsonObject> objects = jsonLines();
    assertThat(objects.get(0).get("prometheus_name").getAsString()).isEqualTo("go_schedule_duration_seconds");
    JsonObject jvm = objects.get(1);
    assertThat(jvm.get("prometheus_name").getAsString()).isEqualTo("jvm_memory_used_bytes");
    assertThat(jvm.get("type").getAsString()).isEqualTo("updowncounter");
    assertThat(jvm.getAsJsonObject("labels").toString())
        .isEqualTo("{\"jvm.memory.pool.name\":\"G1 Eden Space\",\"jvm.memory.type\":\"<value of attribute Type>\"}");
    assertThat(jvm.getAsJsonObject("attribute_labels").toString())
        .isEqualTo("{\"jvm.memory.type\":{\"attribute\":\"Type\",\"map\":{\"HEAP\":\"heap\"},\"default\":null}}");
    assertThat(objects.get(0).has("attribute_labels")).isFalse();
    assertThat(jvm.has("relabel")).as("no rules, no relabel key").isFalse();
    assertThat(objects.get(2).get("prometheus_name").getAsString()).isEqualTo("app_load_ratio");
    JsonObject untyped = objects.get(3);
    assertThat(untyped.get("type").isJsonNull()).isTrue();
    assertThat(untyped.get("unit").isJsonNull()).isTrue();
    assertThat(untyped.get("prometheus_name").getAsString()).isEqualTo("app_requests");
  }

  @Test
  void malformedInputsGiveAnErrorObjectAndExitOne() {
    int code = run("/gc/heap/allocs:bytes\n/gc//x:bytes\n\njava.lang:type=Memory,type=X/A\n", "--config", config.toString(), "--json");
    assertThat(code).isEqualTo(1);
    List<JsonObject> objects = jsonLines();
    assertThat(objects).hasSize(4);
    assertThat(keys(objects.get(0))).containsExactly(
        "input", "matched", "drop", "view", "name", "type", "unit", "labels", "prometheus_name");
    assertThat(objects.get(1).toString())
        .isEqualTo("{\"input\":\"/gc//x:bytes\",\"error\":\"empty path segment (at position 4)\"}");
    assertThat(objects.get(2).toString()).isEqualTo("{\"input\":\"\",\"error\":\"empty metric name (at position 0)\"}");
    assertThat(keys(objects.get(3))).containsExactly("input", "error");
  }

  @Test
  void invalidOutputsCarryTheProblem() {
    assertThat(run("", "--config", config.toString(), "--json", "x:type=T,name=/A")).isZero();
    JsonObject o = jsonLines().get(0);
    assertThat(o.get("matched").getAsBoolean()).isTrue();
    assertThat(o.get("problem").getAsString()).isEqualTo("label \"x.name\" is empty for this name");
  }

  @Test
  void textOutputHasOneBlockPerName() {
    int code = run("/cpu/classes/user:cpu-seconds\nhttp.server.duration\n/gc/pauses:seconds\n/x\n",
        "explain", "--config", config.toString());
    assertThat(code).isEqualTo(1);
    String source = dir.resolve("views/test.yaml").toString();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        """
        /cpu/classes/user:cpu-seconds
          view:       go.cpu.classes (SOURCE#1)
          name:       go.cpu.time
          type:       counter
          unit:       s
          labels:     go.cpu.class="user"
          prometheus: go_cpu_time_seconds_total

        http.server.duration
          no view matched (views.unmatched: drop, so it is dropped)

        /gc/pauses:seconds
          view:       SOURCE#2
          dropped by this view

        /x
          error:      a Go runtime path needs ':unit' after the path, as in /gc/heap/allocs:bytes (at position 2)
        """.replace("SOURCE", source));
  }

  @Test
  void labelsFromASiblingAttributeSayWhatTheyAre() {
    assertThat(run("", "--config", config.toString(), "java.lang:type=MemoryPool,name=Metaspace/Usage/used")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(
        "  labels:     jvm.memory.pool.name=\"Metaspace\", jvm.memory.type=<value of attribute Type, HEAP as heap>\n")
        .doesNotContain("{attribute");
    out.reset();
    // the built-in jvm set: its memory views take the type from the pool's Type attribute
    assertThat(run("", "java.lang:type=MemoryPool,name=G1 Old Gen/Usage/used")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("jvm.memory.type=<value of attribute Type")
        .doesNotContain("{attribute");
  }

  private Path relabelConfig(String unmatched) throws Exception {
    return Files.writeString(dir.resolve("relabel.yaml"),
        "views: {files: [views/*.yaml], builtin: [], unmatched: " + unmatched + "}\n"
            + "relabel:\n"
            + "  input:\n"
            + "    - source_labels: [__name__]\n"      // rule 1, line 4: renames
            + "      regex: legacy\\.load\n"
            + "      target_label: __name__\n"
            + "      replacement: app.load\n"
            + "    - source_labels: [__name__]\n"      // rule 2, line 8: drops
            + "      regex: /gc/.*\n"
            + "      action: drop\n"
            + "    - source_labels: [service_name]\n"  // rule 3, line 11: reads a resource attribute
            + "      regex: test\n"
            + "      action: drop\n"
            + "    - source_labels: [__name__]\n"      // rule 4, line 14: matches nothing here
            + "      regex: nothing\n"
            + "      action: drop\n"
            + "  output:\n"
            + "    - action: labeldrop\n"             // rule 1, line 18
            + "      regex: jvm_memory_pool_name\n"
            + "    - source_labels: [jvm_memory_type]\n" // rule 2, line 20: the attribute's value
            + "      regex: heap\n"
            + "      action: drop\n"
            + "    - source_labels: [__name__]\n"      // rule 3, line 23: renames the family
            + "      regex: app_load_ratio\n"
            + "      target_label: __name__\n"
            + "      replacement: app_load\n"
            + "    - target_label: tier\n"            // rule 4, line 27: sets a label on every family
            + "      replacement: backend\n");
  }

  @Test
  void relabelStepsAreShownWithTheirRuleNumbersAndPositions() throws Exception {
    Path rc = relabelConfig("drop");
    assertThat(run("", "--config", rc.toString(), "legacy.load", "/gc/pauses:seconds",
        "java.lang:type=MemoryPool,name=Metaspace/Usage/used")).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    String text = out.toString(StandardCharsets.UTF_8);
    String[] blocks = text.split("\n\n");
    assertThat(blocks).hasSize(3);
    assertThat(blocks[0]).isEqualTo(
        """
        legacy.load
          relabel:    input rule 1 (RC:4:7, replace): renames it to app.load
          relabel:    input rule 3 (RC:11:7, drop): depends on the series' label service_name
          view:       ratio (VIEWS#5)
          name:       app.load
          type:       (the input's)
          unit:       1
          labels:     (none)
          prometheus: app_load_ratio (as a gauge; the type comes from the input)
          relabel:    output rule 2 (RC:20:7, drop): depends on the series' label jvm_memory_type
          relabel:    output rule 3 (RC:23:7, replace): renames it to app_load
          relabel:    output rule 4 (RC:27:7, replace): sets tier="backend\"""".replace("RC", rc.toString())
            .replace("VIEWS", dir.resolve("views/test.yaml").toString()));
    assertThat(blocks[1]).isEqualTo(
        """
        /gc/pauses:seconds
          relabel:    input rule 2 (RC:8:7, drop): drops it
          dropped by relabel.input rule 2""".replace("RC", rc.toString()));
    assertThat(blocks[2])
        .contains("  relabel:    output rule 1 (" + rc + ":18:7, labeldrop): removes label jvm_memory_pool_name\n")
        .contains("  relabel:    output rule 2 (" + rc + ":20:7, drop): depends on the series' label jvm_memory_type\n")
        .endsWith("  relabel:    output rule 4 (" + rc + ":27:7, replace): sets tier=\"backend\"\n")
        .doesNotContain("rule 4 (" + rc + ":14");
  }

  @Test
  void withRulesAnOverlaySetStillShows() throws Exception {
    Path rc = Files.writeString(dir.resolve("overlay.yaml"),
        "views: {builtin: [go, runtime]}\n"
            + "relabel:\n"
            + "  output:\n"
            + "    - target_label: tier\n"
            + "      replacement: backend\n");
    assertThat(run("", "--config", rc.toString(), "/memory/classes/heap/objects:bytes")).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("  relabel:    output rule 1 (" + rc + ":4:7, replace): sets tier=\"backend\"\n");
    out.reset();
    assertThat(run("", "/memory/classes/heap/objects:bytes", "--config", Files.writeString(dir.resolve("plain.yaml"),
        "views: {builtin: [go, runtime]}\n").toString())).isZero();
    String plain = out.toString(StandardCharsets.UTF_8);
    // the same overlay lines with and without rules
    assertThat(plain).contains("  and, from the overlay set builtin:runtime");
    assertThat(text.substring(text.indexOf("  and, from the overlay set")))
        .isEqualTo(plain.substring(plain.indexOf("  and, from the overlay set")));
  }

  @Test
  void relabelStepsInJson() throws Exception {
    Path rc = relabelConfig("passthrough");
    assertThat(run("", "--config", rc.toString(), "--json", "legacy.load", "/gc/pauses:seconds", "http.requests"))
        .isZero();
    List<JsonObject> objects = jsonLines();
    JsonObject renamed = objects.get(0);
    assertThat(renamed.get("input").getAsString()).isEqualTo("legacy.load");
    assertThat(renamed.get("name").getAsString()).isEqualTo("app.load");
    assertThat(renamed.getAsJsonArray("relabel").toString()).isEqualTo(
        ("[{\"stage\":\"input\",\"rule\":1,\"at\":\"RC:4:7\",\"action\":\"replace\","
            + "\"effect\":\"renames it to app.load\",\"name\":\"app.load\"},"
            + "{\"stage\":\"input\",\"rule\":3,\"at\":\"RC:11:7\",\"action\":\"drop\","
            + "\"effect\":\"depends on the series' label service_name\",\"depends_on\":[\"service_name\"]},"
            + "{\"stage\":\"output\",\"rule\":2,\"at\":\"RC:20:7\",\"action\":\"drop\","
            + "\"effect\":\"depends on the series' label jvm_memory_type\",\"depends_on\":[\"jvm_memory_type\"]},"
            + "{\"stage\":\"output\",\"rule\":3,\"at\":\"RC:23:7\",\"action\":\"replace\","
            + "\"effect\":\"renames it to app_load\",\"name\":\"app_load\"},"
            + "{\"stage\":\"output\",\"rule\":4,\"at\":\"RC:27:7\",\"action\":\"replace\","
            + "\"effect\":\"sets tier=\\\"backend\\\"\",\"set\":{\"tier\":\"backend\"}}]")
            .replace("RC", rc.toString()));
    JsonObject dropped = objects.get(1);
    assertThat(dropped.get("matched").getAsBoolean()).isFalse();
    assertThat(dropped.get("drop").getAsBoolean()).isTrue();
    assertThat(dropped.getAsJsonArray("relabel").get(0).getAsJsonObject().get("drop").getAsBoolean()).isTrue();
    // unmatched and kept: the output rules see it under its Prometheus name
    JsonObject passed = objects.get(2);
    assertThat(passed.get("matched").getAsBoolean()).isFalse();
    assertThat(passed.getAsJsonArray("relabel").toString()).contains("\"stage\":\"output\",\"rule\":4");
  }

  @Test
  void configurationAndViewErrorsExitTwo() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "views: {builtin: [gox], unmatched: maybe}\n");
    assertThat(run("", "--config", bad.toString(), "a.b")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("views.builtin[0]: unknown built-in view set \"gox\"; expected one of go-semconv, go, jvm")
        .contains("views.unmatched: invalid value \"maybe\"");
    err.reset();

    Path noMatch = Files.writeString(dir.resolve("nomatch.yaml"), "views: {files: [none/*.yaml], builtin: []}\n");
    assertThat(run("", "--config", noMatch.toString(), "a.b")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(noMatch + ":1:17: views.files[0]: no view file matches \"none/*.yaml\"");
    err.reset();

    Files.writeString(dir.resolve("views/broken.yaml"), "views: [{match: /a:bytes, name: a, scale: -1}]\n");
    assertThat(run("", "--config", config.toString(), "a.b")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(dir.resolve("views/broken.yaml") + ":1:43: view 1, field \"scale\"");
  }

  @Test
  void usage() {
    assertThat(run("", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: rosetta explain");
    assertThat(run("", "--bogus")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("rosetta explain: unknown option \"--bogus\"");
    err.reset();
    assertThat(run("", "--config")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("rosetta explain: --config needs a file name");
    err.reset();
    assertThat(run("", "--config", "missing.yaml", "a")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.yaml: configuration file not found");
  }

  @Test
  void namesAfterDoubleDashAreNames() {
    assertThat(run("", "--config", config.toString(), "--json", "--", "--json")).isZero();
    assertThat(jsonLines().get(0).get("input").getAsString()).isEqualTo("--json");
  }
}
