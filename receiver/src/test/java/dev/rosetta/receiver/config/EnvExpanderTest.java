package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvExpanderTest {
  private static final Map<String, String> ENV =
      Map.of("HOST", "db", "PORT", "5432", "EMPTY", "", "DOLLAR", "$HOME");

  private static Object expand(Object tree, ConfigErrors errors) {
    return EnvExpander.expand(tree, ENV, errors);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain | plain",
        "${env:HOST}:${env:PORT} | db:5432",
        "${HOST}:${PORT} | db:5432",
        "x${EMPTY}y | xy",
        "$$ | $",
        "$${env:HOST} | ${env:HOST}",
        "cost: $$5 | cost: $5",
        "${env:NOPE:-fallback} | fallback",
        "${NOPE:-} | ''",
        "${env:HOST:-fallback} | db",
        // single pass: a value containing $ is not expanded again
        "${DOLLAR} | $HOME",
        // not references: kept as written (relabel replacements)
        "$1 | $1",
        "${1} | ${1}",
        "${1}-${2} | ${1}-${2}",
        "a$ | a$",
        "${foo bar} | ${foo bar}",
      })
  void expands(String text, String expected) {
    ConfigErrors errors = new ConfigErrors("t");
    assertThat(expand(text, errors)).isEqualTo(expected);
    assertThat(errors.list()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "${env:NOPE} | environment variable \"NOPE\" is not defined",
        "x-${NOPE}-y | environment variable \"NOPE\" is not defined",
        "${env:1BAD} | invalid environment variable name \"1BAD\"",
        "${env:a:b} | invalid environment variable name \"a:b\"",
        "${file:/etc/passwd} | unsupported reference ${file:/etc/passwd}",
        "${env:HOST | unterminated \"${\"",
      })
  void reportsBadReferences(String text, String message) {
    ConfigErrors errors = new ConfigErrors("t");
    Map<String, Object> tree = Map.of("a", Map.of("b", List.of("ok", text)));
    Object result = expand(tree, errors);
    assertThat(errors.list())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path()).isEqualTo("a.b[1]");
              assertThat(e.value()).isEqualTo(text);
              assertThat(e.message()).contains(message);
            });
    assertThat(result)
        .isEqualTo(Map.of("a", Map.of("b", List.of("ok", ConfigNode.Reported.VALUE))));
  }

  @Test
  void everyUndefinedVariableInAValueIsNamed() {
    ConfigErrors errors = new ConfigErrors("t");
    expand(Map.of("k", "${A}:${B}"), errors);
    assertThat(errors.list())
        .extracting(ConfigError::message)
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("\"A\""))
        .anySatisfy(m -> assertThat(m).contains("\"B\""));
  }

  @Test
  void keysAndNonStringsAreLeftAlone() {
    Map<Object, Object> tree = new LinkedHashMap<>();
    tree.put("${HOST}", "${HOST}");
    tree.put(1, 2);
    tree.put("n", null);
    ConfigErrors errors = new ConfigErrors("t");
    Map<Object, Object> expected = new LinkedHashMap<>();
    expected.put("${HOST}", "db");
    expected.put(1, 2);
    expected.put("n", null);
    assertThat(expand(tree, errors)).isEqualTo(expected);
  }

  @Test
  void recursiveStructuresAreReported() {
    List<Object> self = new ArrayList<>();
    self.add(self);
    ConfigErrors errors = new ConfigErrors("t");
    expand(Map.of("loop", self), errors);
    assertThat(errors.list())
        .singleElement()
        .extracting(ConfigError::message)
        .asString()
        .contains("recursive");
  }
}
