package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics}: Prometheus's own parser and linter over an exposition. */
final class Promtool {
  /** Exit code and output (its findings, one a line). */
  record Check(int exitCode, String output) {
    List<String> findings() {
      return output.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  private Promtool() {}

  /**
   * Runs {@code promtool check metrics} with {@code exposition} on standard input. promtool exits 0
   * when the exposition parses and lints clean, 3 when it parses with lint findings, 1 when it does
   * not parse.
   */
  static Check checkMetrics(String exposition) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Peers.promtool().toString(), "check", "metrics")
        .redirectErrorStream(true)
        .start();
    // promtool reads all of its input before it writes: no deadlock on the pipes
    try (var in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool check metrics did not finish within 30 s");
    }
    return new Check(p.exitValue(), out);
  }
}
