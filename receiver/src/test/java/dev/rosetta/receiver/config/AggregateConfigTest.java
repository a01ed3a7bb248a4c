package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rosetta.receiver.aggregate.AggregateOp;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.cli.ExplainCommand;
import dev.rosetta.receiver.cli.ValidateCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The top-level {@code aggregate:} list: binding, errors, validate against the views, explain. */
class AggregateConfigTest {
  @TempDir Path dir;

  static RosettaConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "rosetta.yaml", Map.of());
  }

  static List<String> errors(String yaml) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
    assertThat(e).as("expected the configuration to be rejected").isNotNull();
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void rulesBindInFileOrder() throws Exception {
    RosettaConfig c = parse("""
        aggregate:
          - family: go_cpu_time_seconds_total
            without: [go_cpu_detailed_state]
            op: sum
          - family_regex: "jvm_memory_.*"
            by: [jvm_memory_type]
            op: MAX
          - family: x
            by: []
            op: avg
        """);
    assertThat(c.aggregate()).containsExactly(
        new AggregateRule(0, Optional.of("go_cpu_time_seconds_total"), Optional.empty(), true,
            List.of("go_cpu_detailed_state"), AggregateOp.SUM),
        new AggregateRule(1, Optional.empty(), Optional.of("jvm_memory_.*"), false, List.of("jvm_memory_type"),
            AggregateOp.MAX),
        new AggregateRule(2, Optional.of("x"), Optional.empty(), false, List.of(), AggregateOp.AVG));
    assertThat(c.aggregate().get(0).describe()).isEqualTo("sum without (go_cpu_detailed_state)");
    assertThat(parse("").aggregate()).isEmpty();
  }

  @Test
  void everyProblemIsReportedWithItsPath() {
    assertThat(errors("""
        aggregate:
          - without: [a]
            op: sum
          - family: a
            family_regex: b
            without: [a]
            by: [b]
            op: sum
          - family: "go cpu"
            family_regex: "("
            without: [job, "bad-label", a, a]
            op: median
          - family: ok
            without: [a]
          - family: ok
            op: sum
            colour: red
        """)).containsExactly(
        "rosetta.yaml:2:5: aggregate[0]: an aggregate rule needs the family it applies to: family (the exact name)"
            + " or family_regex",
        "rosetta.yaml:5:19: aggregate[1].family_regex: give family or family_regex, not both",
        "rosetta.yaml:7:5: aggregate[1].by: give without or by, not both",
        "rosetta.yaml:9:13: aggregate[2].family: invalid value \"go cpu\": not a Prometheus metric family name; give"
            + " the name as /metrics shows it (counters with _total), or use family_regex",
        "rosetta.yaml:10:19: aggregate[2].family_regex: invalid RE2 regular expression \"(\": missing closing )",
        "rosetta.yaml:10:19: aggregate[2].family_regex: give family or family_regex, not both",
        "rosetta.yaml:11:5: aggregate[2].without: a label is listed twice",
        "rosetta.yaml:11:15: aggregate[2].without[0]: invalid value \"job\": comes from the resource or the scope and"
            + " always stays: aggregation happens within a target (aggregate across targets in PromQL)",
        "rosetta.yaml:11:20: aggregate[2].without[1]: invalid value \"bad-label\": not a Prometheus label name",
        "rosetta.yaml:12:9: aggregate[2].op: invalid value \"median\": expected one of sum, min, max, avg",
        "rosetta.yaml:13:5: aggregate[3].op: required key \"op\" is missing: how the contributors combine: sum, min,"
            + " max or avg",
        "rosetta.yaml:15:5: aggregate[4]: an aggregate rule needs without: [labels that go] or by: [labels that stay]"
            + " (either may be [])",
        "rosetta.yaml:17:5: aggregate[4].colour: unknown key \"colour\"; valid keys here: family, family_regex,"
            + " without, by, op");
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Path config(String yaml) throws Exception {
    return Files.writeString(dir.resolve("rosetta.yaml"), yaml);
  }

  @Test
  void validateRejectsAnOpThatDoesNotFitAFamilyTheViewsProduce() throws Exception {
    Path file = config("""
        aggregate:
          - family: go_cpu_time_seconds_total
            without: [go_cpu_detailed_state]
            op: max
          - family_regex: "go_sched_.*"
            without: []
            op: avg
          - family: go_memory_classes_bytes
            without: [go_memory_class]
            op: max
          - family: some_family_no_view_knows
            without: [a]
            op: min
        """);
    int code = ValidateCommand.run(new String[] {"validate", "--config", file.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(errors).isEqualTo(ValidateCommand.INVALID);
    List<String> lines = errors.lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith(file + ":4:9: aggregate[0].op: max fits gauges and up-down counters, not family"
        + " go_cpu_time_seconds_total (a counter, view ");
    assertThat(lines.get(1)).startsWith(file + ":7:9: aggregate[1].op: avg fits gauges and up-down counters, not families ")
        .contains("go_sched_latencies_seconds (a histogram");

    out.reset();
    err.reset();
    Path fits = config("""
        aggregate:
          - family: go_cpu_time_seconds_total
            without: [go_cpu_detailed_state]
            op: sum
        """);
    assertThat(ValidateCommand.run(new String[] {"--config", fits.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of())).as(err.toString(StandardCharsets.UTF_8)).isZero();
  }

  @Test
  void explainShowsTheAggregationAFamilyTakes() throws Exception {
    Path file = config("""
        aggregate:
          - family: go_cpu_time_seconds_total
            without: [go_cpu_detailed_state]
            op: sum
        """);
    int code = ExplainCommand.run(new String[] {"explain", "--config", file.toString(), "--json",
        "/cpu/classes/gc/mark/assist:cpu-seconds", "/gc/heap/allocs:bytes"}, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).endsWith("\"prometheus_name\":\"go_cpu_time_seconds_total\",\"aggregate\":{\"rule\":"
        + "\"aggregate[0]\",\"op\":\"sum\",\"without\":[\"go_cpu_detailed_state\"],\"applies\":true}}");
    assertThat(lines.get(1)).doesNotContain("aggregate");

    out.reset();
    ExplainCommand.run(new String[] {"explain", "--config", file.toString(), "/cpu/classes/gc/pause:cpu-seconds"},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("  aggregate:  aggregate[0]: sum without (go_cpu_detailed_state)\n");
  }
}
