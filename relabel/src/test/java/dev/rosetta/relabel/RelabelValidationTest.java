package dev.rosetta.relabel;

import static dev.rosetta.relabel.NameValidation.LEGACY;
import static dev.rosetta.relabel.NameValidation.UTF8;
import static dev.rosetta.relabel.RelabelTestSupport.compile;
import static dev.rosetta.relabel.RelabelTestSupport.list;
import static dev.rosetta.relabel.RelabelTestSupport.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Prometheus's load-time checks, one row each: the rule, the scheme, the field and value blamed. */
class RelabelValidationTest {

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("action written as null is empty",
            rule("action", null), UTF8, "action", "", "cannot be empty"),
        bad("unknown action",
            rule("action", "rename"), UTF8, "action", "rename", "unknown relabel action"),
        bad("invalid regex",
            rule("regex", "(", "target_label", "a"), UTF8, "regex", "(", "invalid regex"),
        bad("Perl lookahead is not RE2",
            rule("regex", "a(?=b)", "target_label", "a"), UTF8, "regex", "a(?=b)",
            "invalid regex"),
        bad("backreferences are not RE2",
            rule("regex", "(a)\\1", "target_label", "a"), UTF8, "regex", "(a)\\1",
            "invalid regex"),
        bad("replace needs a target",
            rule("source_labels", list("a")), UTF8, "target_label", "", "required"),
        bad("replace target written as null is empty",
            rule("target_label", null), UTF8, "target_label", "", "required"),
        bad("replace target not a legacy name",
            rule("target_label", "1abc"), LEGACY, "target_label", "1abc", "invalid label name"),
        bad("replace target with a dash under legacy",
            rule("target_label", "a-b"), LEGACY, "target_label", "a-b", "invalid label name"),
        bad("replace target template not legacy-shaped",
            rule("target_label", "${1}-x"), LEGACY, "target_label", "${1}-x", "template"),
        bad("replace target template starting with a digit",
            rule("target_label", "1${1}"), LEGACY, "target_label", "1${1}", "template"),
        bad("replace target with a lone surrogate is not UTF-8",
            rule("target_label", "a\uD800"), UTF8, "target_label", "a\uD800",
            "invalid label name"),
        bad("hashmod needs a modulus",
            rule("action", "hashmod", "target_label", "s"), UTF8, "modulus", "0", "non-zero"),
        bad("hashmod needs a target",
            rule("action", "hashmod", "modulus", 2), UTF8, "target_label", "", "required"),
        bad("hashmod target must be a name, not a template",
            rule("action", "hashmod", "modulus", 2, "target_label", "$1"), LEGACY,
            "target_label", "$1", "invalid label name"),
        bad("lowercase needs a target",
            rule("action", "lowercase", "source_labels", list("a")), UTF8, "target_label", "",
            "required"),
        bad("uppercase target must be a legacy name",
            rule("action", "uppercase", "target_label", "a.b"), LEGACY, "target_label", "a.b",
            "invalid label name"),
        bad("lowercase takes no replacement",
            rule("action", "lowercase", "target_label", "a", "replacement", "x"), UTF8,
            "replacement", "x", "not allowed"),
        bad("uppercase: replacement written as null is an empty replacement",
            rule("action", "uppercase", "target_label", "a", "replacement", null), UTF8,
            "replacement", "", "not allowed"),
        bad("keepequal needs a target",
            rule("action", "keepequal", "source_labels", list("a")), UTF8, "target_label", "",
            "required"),
        bad("keepequal takes no regex, even the default one",
            rule("action", "keepequal", "target_label", "a", "regex", "(.*)"), UTF8, "regex",
            "(.*)", "not allowed"),
        bad("dropequal: regex written as null is still a regex",
            rule("action", "dropequal", "target_label", "a", "regex", null), UTF8, "regex", "",
            "not allowed"),
        bad("dropequal takes no modulus",
            rule("action", "dropequal", "target_label", "a", "modulus", 3), UTF8, "modulus", "3",
            "not allowed"),
        bad("keepequal takes no separator",
            rule("action", "keepequal", "target_label", "a", "separator", ","), UTF8,
            "separator", ",", "not allowed"),
        bad("dropequal takes no replacement",
            rule("action", "dropequal", "target_label", "a", "replacement", "x"), UTF8,
            "replacement", "x", "not allowed"),
        bad("labeldrop takes no source_labels",
            rule("action", "labeldrop", "source_labels", list("a")), UTF8, "source_labels", "a",
            "not allowed"),
        bad("labelkeep takes no source_labels, not even an empty list",
            rule("action", "labelkeep", "source_labels", list()), UTF8, "source_labels", "",
            "not allowed"),
        bad("labeldrop takes no target",
            rule("action", "labeldrop", "target_label", "a"), UTF8, "target_label", "a",
            "not allowed"),
        bad("labelkeep takes no replacement",
            rule("action", "labelkeep", "replacement", "x"), UTF8, "replacement", "x",
            "not allowed"),
        bad("labeldrop takes no separator",
            rule("action", "labeldrop", "separator", "/"), UTF8, "separator", "/", "not allowed"),
        bad("labelkeep takes no modulus",
            rule("action", "labelkeep", "modulus", 4), UTF8, "modulus", "4", "not allowed"),
        bad("labelmap takes no target",
            rule("action", "labelmap", "target_label", "a"), UTF8, "target_label", "a",
            "not allowed"),
        bad("labelmap takes no source_labels",
            rule("action", "labelmap", "source_labels", list("a")), UTF8, "source_labels", "a",
            "not allowed"),
        bad("labelmap replacement must be a legacy name template",
            rule("action", "labelmap", "replacement", "x-$1"), LEGACY, "replacement", "x-$1",
            "template"),
        bad("labelmap replacement must not be empty",
            rule("action", "labelmap", "replacement", ""), UTF8, "replacement", "", "template"),
        bad("source label not a legacy name",
            rule("source_labels", list("a.b"), "target_label", "c"), LEGACY, "source_labels",
            "a.b", "invalid label name"),
        bad("source label empty",
            rule("source_labels", list(""), "target_label", "c"), UTF8, "source_labels", "",
            "invalid label name"));
  }

  private static Arguments bad(
      String name,
      Map<String, Object> rule,
      NameValidation validation,
      String field,
      String value,
      String message) {
    return arguments(name, rule, validation, field, value, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejected(
      String name,
      Map<String, Object> rule,
      NameValidation validation,
      String field,
      String value,
      String message) {
    RelabelException e =
        catchThrowableOfType(RelabelException.class, () -> compile(validation, List.of(rule)));
    assertThat(e).as("an error").isNotNull();
    assertThat(e.errors())
        .anySatisfy(
            err -> {
              assertThat(err.ruleIndex()).isZero();
              assertThat(err.field()).isEqualTo(field);
              assertThat(err.value()).isEqualTo(value);
              assertThat(err.message()).contains(message);
            });
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        ok("replace with defaults and a target", rule("target_label", "a"), LEGACY),
        ok("replace target template under legacy", rule("target_label", "x_${1}_$2y"), LEGACY),
        ok("replace target with dots under UTF-8", rule("target_label", "service.name"), UTF8),
        ok("replace target template with dashes under UTF-8", rule("target_label", "${1}-x"),
            UTF8),
        ok("keep needs nothing", rule("action", "keep"), LEGACY),
        ok("drop ignores a target", rule("action", "drop", "target_label", "x"), LEGACY),
        ok("hashmod", rule("action", "hashmod", "modulus", 3, "target_label", "s"), LEGACY),
        ok("keepequal with the default separator written out",
            rule("action", "keepequal", "target_label", "a", "separator", ";",
                "replacement", "$1"), LEGACY),
        ok("dropequal", rule("action", "dropequal", "source_labels", list("a"),
            "target_label", "b"), LEGACY),
        ok("labelmap with a replacement", rule("action", "labelmap", "regex", "a_(.*)",
            "replacement", "b_${1}"), LEGACY),
        ok("labelmap to UTF-8 names", rule("action", "labelmap", "replacement", "k8s.$1"), UTF8),
        ok("labeldrop with null source_labels", rule("action", "labeldrop",
            "source_labels", null), LEGACY),
        ok("labelkeep", rule("action", "labelkeep", "regex", "a|b"), LEGACY),
        ok("lowercase", rule("action", "lowercase", "target_label", "a"), LEGACY),
        ok("uppercase in capitals", rule("action", "UPPERCASE", "target_label", "a"), LEGACY),
        ok("regex written as null is the empty regex", rule("regex", null,
            "target_label", "a"), LEGACY),
        ok("RE2 named groups (?P<n>)", rule("regex", "(?P<n>a)", "target_label", "a"), LEGACY),
        ok("a regex unbalanced alone but balanced in ^(?s:R)$ (as in Prometheus)",
            rule("regex", "a)|(b", "target_label", "a"), LEGACY));
  }

  private static Arguments ok(String name, Map<String, Object> rule, NameValidation validation) {
    return arguments(name, rule, validation);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void accepted(String name, Map<String, Object> rule, NameValidation validation)
      throws RelabelException {
    assertThat(compile(validation, List.of(rule)).size()).isEqualTo(1);
  }

  @Test
  void reportsEveryErrorOfEveryRuleWithItsIndex() {
    RelabelException e =
        catchThrowableOfType(
            RelabelException.class,
            () ->
                compile(
                    LEGACY,
                    List.of(
                        rule("target_label", "ok"),
                        rule("action", "hashmod", "regex", "("),
                        rule("action", "labeldrop", "target_label", "x", "separator", ","),
                        rule("action", "nope"))));
    assertThat(e.errors())
        .extracting(err -> err.ruleIndex() + ":" + err.field())
        .containsExactly(
            "1:regex",
            "1:target_label",
            "1:modulus",
            "2:target_label",
            "2:separator",
            "3:action");
    assertThat(e.getMessage())
        .startsWith("relabel rules: 6 errors")
        .contains("rule[1].regex \"(\": invalid regex")
        .contains("rule[3].action \"nope\": unknown relabel action");
  }

  @Test
  void nameValidationSchemes() {
    assertThat(LEGACY.isValidLabelName("_a1")).isTrue();
    assertThat(LEGACY.isValidLabelName("1a")).isFalse();
    assertThat(LEGACY.isValidLabelName("")).isFalse();
    assertThat(UTF8.isValidLabelName("1.a-b ü")).isTrue();
    assertThat(UTF8.isValidLabelName("")).isFalse();
    assertThat(UTF8.isValidLabelName("\uD83D\uDE00")).isTrue();
    assertThat(UTF8.isValidLabelName("\uDE00")).isFalse();
    assertThat(LEGACY.isValidNameTemplate("$1")).isTrue();
    assertThat(LEGACY.isValidNameTemplate("a_${x}b")).isTrue();
    assertThat(LEGACY.isValidNameTemplate("$")).isFalse();
  }

  @Test
  void rejectsAnEmptyConfigWithTheReplaceDefaults() {
    assertThatThrownBy(() -> compile(UTF8, List.of(rule())))
        .isInstanceOf(RelabelException.class)
        .hasMessageContaining("rule[0].target_label: required for the replace action");
  }
}
