package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.receiver.config.ConfigError;
import dev.rosetta.receiver.config.ConfigException;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.FileCheck;
import java.util.Map;

/**
 * The configuration loader: a ConfigException listing errors, or a configuration; never another
 * exception. An error about a key that holds a secret (a header, a token, a password) never shows
 * the secret, unless the file wrote the secret itself as a key, which the error then names. (An
 * error about another key shows its value as expanded: a file that puts {@code
 * ${env:TOKEN}} into an endpoint sees the token in the endpoint's error; the committed input
 * {@code endpoint-with-an-expanded-variable} is that case.)
 */
class ConfigLoaderFuzzTest {
  private static final String SECRET = "s3cr3t-t0ken-value";
  private static final Map<String, String> ENV = Map.of("TOKEN", SECRET, "PORT", "4317");

  @FuzzTest(maxDuration = "10s")
  void load(byte[] yaml) {
    String text = new String(yaml, java.nio.charset.StandardCharsets.UTF_8);
    try {
      ConfigLoader.parse(text, "fuzz.yaml", ENV, FileCheck.none());
    } catch (ConfigException e) {
      assertThat(e.errors()).isNotEmpty();
      for (ConfigError err : e.errors()) {
        String path = err.path().toLowerCase(java.util.Locale.ROOT);
        // a file that writes the secret as a key (keys are never expanded) has the error name that key
        boolean writtenAsKey = err.path().contains(SECRET);
        if (!writtenAsKey && (path.contains("headers") || path.contains("token") || path.contains("password")
            || path.contains("htpasswd"))) {
          assertThat(err.toString()).doesNotContain(SECRET);
        }
      }
    }
  }
}
