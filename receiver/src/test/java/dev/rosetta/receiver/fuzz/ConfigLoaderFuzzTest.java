package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.receiver.config.ConfigError;
import dev.rosetta.receiver.config.ConfigException;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.FileCheck;
import java.util.Map;

/**
 * The configuration loader: a ConfigException listing errors that each name a key path, or a
 * configuration; never another exception. Secrets given through the environment never appear in
 * an error.
 */
class ConfigLoaderFuzzTest {
  private static final Map<String, String> ENV = Map.of("TOKEN", "s3cr3t-t0ken-value", "PORT", "4317");

  @FuzzTest(maxDuration = "10s")
  void load(byte[] yaml) {
    String text = new String(yaml, java.nio.charset.StandardCharsets.UTF_8);
    try {
      ConfigLoader.parse(text, "fuzz.yaml", ENV, FileCheck.none());
    } catch (ConfigException e) {
      assertThat(e.errors()).isNotEmpty();
      for (ConfigError err : e.errors()) {
        assertThat(err.toString()).doesNotContain("s3cr3t-t0ken-value");
      }
    }
  }
}
