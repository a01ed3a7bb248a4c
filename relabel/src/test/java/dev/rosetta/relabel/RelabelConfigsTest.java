package dev.rosetta.relabel;

import static dev.rosetta.relabel.RelabelTestSupport.list;
import static dev.rosetta.relabel.RelabelTestSupport.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Binding of generic YAML trees: defaults, YAML nulls as Go zero values, and shape errors. */
class RelabelConfigsTest {

  private static RelabelConfig one(Map<String, Object> rule) throws RelabelException {
    return RelabelConfigs.fromYamlTree(list(rule), "rules.yml").get(0);
  }

  @Test
  void absentFieldsTakePrometheusDefaults() throws RelabelException {
    RelabelConfig c = one(rule());
    assertThat(c).isEqualTo(RelabelConfig.builder().build());
    assertThat(c.separator()).isEqualTo(";");
    assertThat(c.regex()).isEqualTo("(.*)");
    assertThat(c.regexExplicit()).isFalse();
    assertThat(c.replacement()).isEqualTo("$1");
    assertThat(c.action()).isEqualTo("replace");
    assertThat(c.modulus()).isZero();
    assertThat(c.targetLabel()).isEmpty();
    assertThat(c.sourceLabels()).isEmpty();
    assertThat(c.sourceLabelsExplicit()).isFalse();
  }

  @Test
  void nullFieldsTakeGoZeroValues() throws RelabelException {
    RelabelConfig c =
        one(
            rule("source_labels", null, "separator", null, "regex", null, "modulus", null,
                "target_label", null, "replacement", null, "action", null));
    assertThat(c.sourceLabels()).isEmpty();
    assertThat(c.sourceLabelsExplicit()).isFalse();
    assertThat(c.separator()).isEmpty();
    assertThat(c.regex()).isEmpty();
    assertThat(c.regexExplicit()).isTrue();
    assertThat(c.modulus()).isZero();
    assertThat(c.targetLabel()).isEmpty();
    assertThat(c.replacement()).isEmpty();
    assertThat(c.action()).isEmpty();
  }

  @Test
  void bindsEveryField() throws RelabelException {
    RelabelConfig c =
        one(
            rule("source_labels", list("a", "b"), "separator", ",", "regex", "x", "modulus", 7,
                "target_label", "t", "replacement", "r", "action", "HashMod"));
    assertThat(c)
        .isEqualTo(
            RelabelConfig.builder()
                .sourceLabels("a", "b")
                .separator(",")
                .regex("x")
                .modulus(7)
                .targetLabel("t")
                .replacement("r")
                .action("HashMod")
                .build());
  }

  static Stream<Arguments> scalars() {
    return Stream.of(
        arguments("integer regex", rule("regex", 200), "200"),
        arguments("boolean replacement", rule("replacement", true), "true"),
        arguments("string kept as is", rule("regex", " a "), " a "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scalars")
  void stringFieldsTakeScalars(String name, Map<String, Object> rule, String expected)
      throws RelabelException {
    RelabelConfig c = one(rule);
    assertThat(rule.containsKey("regex") ? c.regex() : c.replacement()).isEqualTo(expected);
  }

  static Stream<Arguments> moduli() {
    return Stream.of(
        arguments("int", 5, 5L),
        arguments("long", 5_000_000_000L, 5_000_000_000L),
        arguments("string of digits", "12", 12L),
        arguments("max unsigned 64-bit", new BigInteger("18446744073709551615"), -1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moduli")
  void modulusForms(String name, Object value, long expected) throws RelabelException {
    assertThat(one(rule("modulus", value)).modulus()).isEqualTo(expected);
  }

  static Stream<Arguments> shapeErrors() {
    return Stream.of(
        arguments("unknown key", list(rule("regexp", "a")), 0, "regexp", "unknown field"),
        arguments("null rule", list(rule("action", "keep"), null), 1, "", "null relabel config"),
        arguments("rule not a mapping", list("keep"), 0, "", "expected a mapping"),
        arguments("source_labels not a list", list(rule("source_labels", "a")), 0,
            "source_labels", "expected a list"),
        arguments("source label not a scalar", list(rule("source_labels", list(list("a")))), 0,
            "source_labels", "expected a label name"),
        arguments("regex not a scalar", list(rule("regex", list("a"))), 0, "regex",
            "expected a string"),
        arguments("negative modulus", list(rule("modulus", -1)), 0, "modulus",
            "expected an integer"),
        arguments("fractional modulus", list(rule("modulus", 1.5)), 0, "modulus",
            "expected an integer"),
        arguments("modulus too large", list(rule("modulus", BigInteger.ONE.shiftLeft(64))), 0,
            "modulus", "expected an integer"),
        arguments("modulus text", list(rule("modulus", "ten")), 0, "modulus",
            "expected an integer"),
        arguments("not a list", Map.of("action", "keep"), -1, "", "expected a sequence"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapeErrors")
  void shapeErrorsNameTheRuleAndField(
      String name, Object tree, int index, String field, String message) {
    RelabelException e =
        catchThrowableOfType(
            RelabelException.class, () -> RelabelConfigs.fromYamlTree(tree, "rules.yml"));
    assertThat(e).isNotNull();
    assertThat(e.source()).isEqualTo("rules.yml");
    assertThat(e.getMessage()).startsWith("rules.yml: ");
    assertThat(e.errors())
        .anySatisfy(
            err -> {
              assertThat(err.ruleIndex()).isEqualTo(index);
              assertThat(err.field()).isEqualTo(field);
              assertThat(err.message()).contains(message);
            });
  }

  @Test
  void reportsAllShapeErrors() {
    RelabelException e =
        catchThrowableOfType(
            RelabelException.class,
            () ->
                RelabelConfigs.fromYamlTree(
                    list(rule("a", 1, "b", 2), rule("action", "keep"), rule("regex", Map.of())),
                    "r"));
    assertThat(e.errors()).extracting(RelabelError::ruleIndex).containsExactly(0, 0, 2);
  }

  @Test
  void emptyDocumentIsNoRules() throws RelabelException {
    assertThat(RelabelConfigs.fromYamlTree(null, "r")).isEmpty();
    assertThat(RelabelConfigs.fromYamlTree(List.of(), "r")).isEmpty();
  }

  @Test
  void errorTextQuotesValues() {
    assertThat(new RelabelError(2, "regex", "a\"b\n", "bad").toString())
        .isEqualTo("rule[2].regex \"a\\\"b\\n\": bad");
    assertThat(new RelabelError(-1, "", "", "bad").toString()).isEqualTo("bad");
    assertThat(new RelabelError(0, "target_label", "", "required").toString())
        .isEqualTo("rule[0].target_label: required");
  }
}
