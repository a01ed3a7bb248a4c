package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Go peer: {@code e2e/src/test/go/runtime-sender}, a program that posts its own {@code
 * runtime/metrics} to {@code /v1/go/runtime-metrics} with the Go package of {@code clients/go}
 * (standard library only; a {@code replace} in its go.mod points at the package). Built once per test JVM
 * with the local toolchain, offline ({@code GOPROXY=off}, {@code GOTOOLCHAIN=local}), with its caches
 * under {@code target/go} so that it works as any user, root in CI included.
 */
final class GoRuntimeSender {
  private static Path binary;

  private GoRuntimeSender() {}

  static Path sources() {
    return Peers.moduleDir().resolve("src/test/go/runtime-sender");
  }

  /** The built program; builds it on first use. */
  static synchronized Path binary() throws IOException, InterruptedException {
    if (binary == null) {
      Path go = Peers.go();
      Path work = Peers.moduleDir().resolve("target/go");
      Files.createDirectories(work.resolve("home"));
      Path out = work.resolve("runtime-sender");
      Path log = work.resolve("build.log");
      ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", out.toString(), ".")
          .directory(sources().toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Peers.offlineGoEnvironment(pb.environment(), work);
      Process p = pb.start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("go build did not finish within 180 s:\n" + Files.readString(log));
      }
      assertThat(p.exitValue()).as("go build of %s:\n%s", sources(), Files.readString(log)).isZero();
      binary = out;
    }
    return binary;
  }

  /** The Go version of the toolchain that built the program ({@code go version}). */
  static String goVersion() throws IOException, InterruptedException {
    return run(List.of(Peers.go().toString(), "version")).trim();
  }

  /** Every metric name this Go version's {@code runtime/metrics} offers ({@code -list}). */
  static List<String> metricNames() throws IOException, InterruptedException {
    return run(List.of(binary().toString(), "-list")).lines().filter(l -> !l.isBlank()).toList();
  }

  /** One snapshot, the JSON body the program would post ({@code -dump}). */
  static String dump(String service, String instance) throws IOException, InterruptedException {
    return run(List.of(binary().toString(), "-dump", "-service", service, "-instance", instance));
  }

  /** Starts the program posting to Rosetta at {@code endpoint} (its OTLP/HTTP base URL) every {@code interval}. */
  static Process start(String endpoint, String service, String instance, String interval, Path log)
      throws IOException, InterruptedException {
    PeerLogs.register(log, "Go runtime-sender " + service);
    return new ProcessBuilder(binary().toString(), "-endpoint", endpoint, "-service", service, "-instance", instance,
        "-interval", interval)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within 30 s");
    }
    assertThat(p.exitValue()).as("%s:\n%s", command, out).isZero();
    return out;
  }
}
