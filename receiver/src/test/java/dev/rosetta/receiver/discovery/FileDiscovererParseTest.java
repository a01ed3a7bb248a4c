package dev.rosetta.receiver.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileDiscovererParseTest {
  @Test
  void targetGroupsParse() {
    assertThat(FileDiscoverer.parse("[{targets: ['127.0.0.1:9100'], labels: {env: e2e}}]", Path.of("t.yaml")))
        .hasSize(1);
  }

  @Test
  void malformedYamlIsAProblemOfTheFileEvenWhereTheYamlLibraryThrowsAPlainException() {
    // SnakeYAML rejects this tag with an IllegalArgumentException of its own, not a YAMLException
    assertThatThrownBy(() -> FileDiscoverer.parse("!-%a", Path.of("targets.yaml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not valid YAML: ");
    assertThatThrownBy(() -> FileDiscoverer.parse("[{targets: [a", Path.of("targets.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not valid JSON: ");
  }
}
