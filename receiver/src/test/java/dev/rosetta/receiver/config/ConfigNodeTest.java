package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reusable node reader, independent of Rosetta's sections. */
class ConfigNodeTest {
  private final ConfigErrors errors = new ConfigErrors("test.yaml");

  private ConfigNode root(String yaml) throws ConfigException {
    return ConfigNode.root(YamlTrees.load(yaml, "test.yaml"), errors);
  }

  private record Rule(String action, String regex, List<String> sourceLabels) {}

  private static Rule rule(ConfigNode n) {
    return new Rule(
        n.string("action", "replace"),
        n.string("regex", "(.*)"),
        n.list("source_labels", ValueParsers.string()));
  }

  @Test
  void bindsListsOfSectionsWithIndexedPaths() throws ConfigException {
    ConfigNode root =
        root(
            """
            relabel:
              input:
                - {action: drop, regex: 'go_.*', source_labels: [__name__]}
                - {action: keep, regx: x}
                -
                - [not, a, map]
            """);
    List<Rule> rules = root.section("relabel", r -> r.sectionList("input", ConfigNodeTest::rule));
    root.finish();

    assertThat(rules).first().isEqualTo(new Rule("drop", "go_.*", List.of("__name__")));
    assertThat(rules).hasSize(3);
    assertThat(errors.list())
        .extracting(ConfigError::path, ConfigError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "relabel.input[1].regx",
                "unknown key \"regx\" (did you mean \"regex\"?); valid keys here: action, regex,"
                    + " source_labels"),
            org.assertj.core.groups.Tuple.tuple(
                "relabel.input[2]", "empty list element: expected a map of settings"),
            org.assertj.core.groups.Tuple.tuple(
                "relabel.input[3]",
                "expected a map of settings, found a list [\"not\", \"a\", \"map\"]"));
  }

  @Test
  void listElementsAreCheckedOneByOne() throws ConfigException {
    ConfigNode root = root("ports: [1, 2, x, 4]");
    assertThat(root.list("ports", ValueParsers.integer(0, 10))).containsExactly(1, 2, 4);
    assertThat(errors.list()).singleElement().extracting(ConfigError::path).isEqualTo("ports[2]");
  }

  @Test
  void mapKeepsFileOrderAndReportsMissingValues() throws ConfigException {
    ConfigNode root = root("labels: {b: 1, a: 2, c: }");
    Map<String, String> labels = root.map("labels", ValueParsers.string());
    assertThat(labels).containsExactly(Map.entry("b", "1"), Map.entry("a", "2"));
    assertThat(errors.list()).singleElement().extracting(ConfigError::path).isEqualTo("labels.c");
  }

  @Test
  void optionalSectionDistinguishesAbsentFromEmpty() throws ConfigException {
    ConfigNode root = root("on: \nalso_on: {}\n");
    assertThat(root.optionalSection("on", n -> "present")).contains("present");
    assertThat(root.optionalSection("also_on", n -> "present")).contains("present");
    assertThat(root.optionalSection("off", n -> "present")).isEmpty();
    root.finish();
    assertThat(errors.isEmpty()).isTrue();
  }

  @Test
  void requiredKeyIsReported() throws ConfigException {
    ConfigNode root = root("other: 1");
    assertThat(root.required("name", ValueParsers.string(), "give a name")).isEmpty();
    root.integer("other", 0, 0, 5);
    root.finish();
    assertThat(errors.list())
        .singleElement()
        .hasToString("test.yaml: name: required key \"name\" is missing: give a name");
  }

  @Test
  void suggestionsNeedACloseMatch() throws ConfigException {
    ConfigNode root = root("tiemout: 1s\nx: 1\nTimeout: 2s\n");
    root.duration("timeout", java.time.Duration.ZERO);
    root.string("name", "");
    root.finish();
    assertThat(errors.list())
        .extracting(ConfigError::message)
        .containsExactly(
            "unknown key \"tiemout\" (did you mean \"timeout\"?); valid keys here: timeout, name",
            "unknown key \"x\"; valid keys here: timeout, name",
            "unknown key \"Timeout\" (did you mean \"timeout\"?); valid keys here: timeout, name");
  }

  @Test
  void finishIsIdempotentAndChildrenFinishThemselves() throws ConfigException {
    ConfigNode root = root("a: {b: {c: 1}}");
    Optional<String> c = root.section("a", a -> a.section("b", b -> b.optionalString("d")));
    root.finish();
    root.finish();
    assertThat(c).isEmpty();
    assertThat(errors.list()).singleElement().extracting(ConfigError::path).isEqualTo("a.b.c");
  }

  @Test
  void editDistance() {
    assertThat(ConfigNode.editDistance("endpont", "endpoint")).isEqualTo(1);
    assertThat(ConfigNode.editDistance("", "abc")).isEqualTo(3);
    assertThat(ConfigNode.editDistance("kitten", "sitting")).isEqualTo(3);
  }
}
