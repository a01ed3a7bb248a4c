package dev.rosetta.receiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelabelCommandTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private Result run(String rules, String input, String... extraArgs) throws IOException {
    Path file = dir.resolve("rules.yml");
    Files.writeString(file, rules);
    String[] args = new String[extraArgs.length + 2];
    args[0] = "--rules";
    args[1] = file.toString();
    System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
    return runArgs(args, input);
  }

  private static Result runArgs(String[] args, String input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        RelabelCommand.run(
            args,
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final String RULES =
      """
      - source_labels: [__name__]
        regex: go_.*
        action: drop
      - source_labels: [job]
        regex: (.*)-svc
        target_label: service
      - target_label: env
        replacement: prod
      """;

  @Test
  void writesOneLinePerInputLine() throws IOException {
    Result r =
        run(
            RULES,
            """
            {"__name__": "up", "job": "api-svc"}
            {"__name__": "go_goroutines", "job": "api-svc"}
            {"job": "db", "__name__": "up", "zone": "é\\"x"}
            """);
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .isEqualTo(
            """
            {"__name__":"up","env":"prod","job":"api-svc","service":"api"}
            null
            {"__name__":"up","env":"prod","job":"db","zone":"é\\"x"}
            """);
  }

  @Test
  void jsonArrayRulesWork() throws IOException {
    Result r =
        run(
            "[{\"action\": \"labeldrop\", \"regex\": \"tmp_.*\"}]",
            "{\"a\":\"1\",\"tmp_b\":\"2\"}\n");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("{\"a\":\"1\"}\n");
  }

  @Test
  void invalidRulesPrintEveryErrorAndReadNoInput() throws IOException {
    Result r =
        run(
            """
            - action: hashmod
              target_label: s
            - regex: "("
              target_label: a
            - action:
            """,
            "{\"a\":\"1\"}\n");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines())
        .hasSize(3)
        .allSatisfy(l -> assertThat(l).startsWith(dir.resolve("rules.yml") + ": rule["));
    assertThat(r.err())
        .contains("rule[0].modulus \"0\"")
        .contains("rule[1].regex \"(\": invalid regex")
        .contains("rule[2].action: relabel action cannot be empty")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void unknownKeysAreErrors() throws IOException {
    Result r = run("- target_label: a\n  replace: b\n", "");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("rule[0].replace: unknown field");
  }

  @Test
  void malformedYamlIsReportedWithoutStackTrace() throws IOException {
    Result r = run("- target_label: [a\n", "");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith(dir.resolve("rules.yml").toString()).doesNotContain("\tat ");
  }

  @Test
  void duplicateYamlKeysAreRefused() throws IOException {
    Result r = run("- target_label: a\n  target_label: b\n", "");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("duplicate key");
  }

  @Test
  void plainScalarsKeepTheirText() throws IOException {
    // YAML 1.1 would read 010 as octal 8 and 1:30 as 90; Prometheus keeps the text
    Result r =
        run(
            """
            - source_labels: [code]
              regex: 010
              target_label: hit
              replacement: 1:30
            - action: hashmod
              source_labels: [code]
              modulus: 8
              target_label: shard
            """,
            "{\"code\":\"010\"}\n");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("{\"code\":\"010\",\"hit\":\"1:30\",\"shard\":");
  }

  @Test
  void malformedLinesGiveAnErrorObjectAndExitOne() throws IOException {
    Result r =
        run(
            RULES,
            """
            {"__name__": "up"}
            not json
            {"a": 1}
            ["a"]

            {"a": "1", "a": "2"}
            {"a": "1"} {"b": "2"}
            {"__name__": "up"}
            """);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out().lines())
        .hasSize(8)
        .satisfies(
            lines -> {
              assertThat(lines.get(0)).isEqualTo("{\"__name__\":\"up\",\"env\":\"prod\"}");
              assertThat(lines.get(1)).startsWith("{\"error\":\"line 2: ");
              assertThat(lines.get(2)).contains("line 3: label a: expected a string value");
              assertThat(lines.get(3)).contains("line 4: expected a JSON object, found an array");
              assertThat(lines.get(4)).contains("line 5: expected a JSON object");
              assertThat(lines.get(5)).contains("line 6: duplicate label name: a");
              assertThat(lines.get(6)).contains("line 7: ");
              assertThat(lines.get(7)).isEqualTo(lines.get(0));
            });
    assertThat(r.err().lines()).hasSize(6).allSatisfy(l -> assertThat(l).startsWith("line "));
  }

  @Test
  void legacyNameValidation() throws IOException {
    String rules = "- target_label: service.name\n  replacement: x\n";
    assertThat(run(rules, "{}\n").out()).isEqualTo("{\"service.name\":\"x\"}\n");
    Result legacy = run(rules, "{}\n", "--name-validation", "legacy");
    assertThat(legacy.code()).isEqualTo(1);
    assertThat(legacy.err()).contains("rule[0].target_label \"service.name\": invalid label name");
    assertThat(run(rules, "{}\n", "--name-validation=utf8").code()).isZero();
  }

  @Test
  void emptyRulesFileKeepsEverything() throws IOException {
    Result r = run("", "{\"b\":\"2\",\"a\":\"1\"}\n");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                  | --rules FILE is required",
        "--rules                             | --rules needs a value",
        "--rules x --name-validation ascii   | must be utf8 or legacy",
        "--rules x --verbose                 | unknown argument --verbose"
      })
  void wrongArgumentsExitTwoWithUsage(String args, String message) {
    Result r = runArgs(args.isEmpty() ? new String[0] : args.split(" "), "");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(message).contains("usage: relabel --rules FILE");
  }

  @Test
  void missingRulesFileIsAnError() {
    Result r = runArgs(new String[] {"--rules", dir.resolve("nope.yml").toString()}, "");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("nope.yml");
  }

  @Test
  void helpPrintsUsage() {
    Result r = runArgs(new String[] {"--help"}, "");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("usage: relabel");
  }
}
