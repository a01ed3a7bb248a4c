package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Component ids, {@code extensions}, {@code processors}, {@code service.extensions}, {@code connectors}. */
class ComponentConfigTest {
  private static List<String> errors(String yaml) {
    try {
      ConfigLoader.parse(yaml, "c.yaml", Map.of(), FileCheck.none());
      return List.of();
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }

  @Test
  void componentIds() {
    assertThat(ComponentId.parse("otlp")).isEqualTo(ComponentId.of("otlp"));
    assertThat(ComponentId.parse("otlp/downstream")).isEqualTo(new ComponentId("otlp", "downstream"));
    assertThat(ComponentId.parse("otlp/a/b").name()).isEqualTo("a/b");
    assertThat(new ComponentId("otlp", "x").toString()).isEqualTo("otlp/x");
    assertThatThrownBy(() -> ComponentId.parse("/x")).hasMessageContaining("type before '/' is empty");
    assertThatThrownBy(() -> ComponentId.parse("otlp/")).hasMessageContaining("name after '/' is empty");
    assertThatThrownBy(() -> ComponentId.parse("1otlp")).hasMessageContaining("must start with a letter");
    assertThatThrownBy(() -> ComponentId.parse("otlp/a b")).hasMessageContaining("spaces");
  }

  @Test
  void unknownExtensionAndProcessorTypesAreNamed() {
    assertThat(errors("extensions: {nosuch/x: {}}"))
        .singleElement().asString().contains("extensions.nosuch/x").contains("unknown extension type \"nosuch\"");
    assertThat(errors("processors: {nosuch: {}}"))
        .singleElement().asString().contains("processors.nosuch").contains("unknown processor type \"nosuch\"");
    assertThat(errors("extensions: {\"/x\": {}}"))
        .singleElement().asString().contains("type before '/' is empty");
  }

  @Test
  void serviceExtensionsMustBeDeclaredOnce() {
    assertThat(errors("service: {extensions: [missing]}"))
        .singleElement().asString().contains("service.extensions[0]").contains("not declared");
  }

  @Test
  void connectorsAreRefusedWithAReason() {
    assertThat(errors("connectors: {forward: {}}"))
        .singleElement().asString().contains("connectors").contains("Rosetta has no connectors");
  }

  @Test
  void emptySectionsAreFine() throws ConfigException {
    RosettaConfig c = ConfigLoader.parse("extensions: {}\nprocessors:\nservice: {extensions: []}\n", "c.yaml",
        Map.of(), FileCheck.none());
    assertThat(c.extensions()).isEqualTo(ExtensionsConfig.none());
    assertThat(c.processors()).isEqualTo(ProcessorsConfig.none());
  }
}
