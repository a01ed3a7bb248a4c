package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.telemetry.BuildInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** rosetta_build_info: what the build wrote, on the very first scrape of the embedded default. */
class BuildInfoTest {
  /** {@code git rev-parse --short=12 HEAD} here, when git and a checkout are there. */
  private static Optional<String> gitRevision() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
          .directory(Path.of("").toAbsolutePath().toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Test
  void theBuildWritesTheVersionAndTheCommit() {
    BuildInfo b = BuildInfo.current();
    assertThat(b.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(b.revision()).isEqualTo(gitRevision().orElse(BuildInfo.UNKNOWN));
    assertThat(b.javaVersion()).isEqualTo(Runtime.version().toString());
  }

  @Test
  void theFirstScrapeOfTheEmbeddedDefaultHasIt() throws Exception {
    String config = ConfigLoader.embeddedDefaultText()
        .replace("127.0.0.1:4317", "127.0.0.1:0").replace("127.0.0.1:4318", "127.0.0.1:0")
        .replace("127.0.0.1:9464", "127.0.0.1:0");
    BuildInfo b = BuildInfo.current();
    try (RosettaService s = Rosetta.create(ConfigLoader.parse(config, "embedded default", Map.of()))) {
      s.start();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.metricsAddress().getPort() + "/metrics"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .contains("# TYPE rosetta_build_info gauge\n")
          .contains("rosetta_build_info{version=\"" + b.version() + "\",revision=\"" + b.revision()
              + "\",java_version=\"" + Runtime.version() + "\",} 1.0\n");
    }
  }
}
