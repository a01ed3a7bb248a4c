package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Go peer of the fidelity tests: {@code e2e/src/test/go/runtime-snapshots}, a program that prints
 * its own {@code runtime/metrics} as Rosetta's native JSON, one body a line. It uses only the smallest
 * standard packages, so each Go toolchain builds it in seconds; the build cache is kept under the
 * user's cache directory so that later runs on the same machine reuse it. Built offline ({@code
 * GOPROXY=off}, {@code GOTOOLCHAIN=local}). Thread-safe.
 */
final class GoSnapshots {
  private static final Map<Path, Path> BINARIES = new HashMap<>();

  private GoSnapshots() {}

  static Path sources() {
    return Peers.moduleDir().resolve("src/test/go/runtime-snapshots");
  }

  /** The program built by the toolchain {@code go}; built once per test JVM. */
  static synchronized Path binary(Path go) throws IOException, InterruptedException {
    Path built = BINARIES.get(go);
    if (built != null) {
      return built;
    }
    String version = go.getParent().getParent().getFileName().toString(); // /usr/lib/go-1.23/bin/go
    Path work = Peers.moduleDir().resolve("target/go");
    Files.createDirectories(work.resolve("home"));
    Path out = work.resolve("runtime-snapshots-" + version);
    Path log = work.resolve("runtime-snapshots-" + version + ".build.log");
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "rosetta-e2e", "go-build");
    Files.createDirectories(cache);
    ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", out.toString(), ".")
        .directory(sources().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    Peers.offlineGoEnvironment(env, work);
    env.put("GOCACHE", cache.toString()); // kept between runs
    env.remove("GOROOT");
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("go build with " + go + " did not finish within 600 s:\n" + Files.readString(log));
    }
    assertThat(p.exitValue()).as("go build of %s with %s:\n%s", sources(), go, Files.readString(log)).isZero();
    System.out.printf("built %s with %s in %.1f s%n", out.getFileName(), go, (System.nanoTime() - start) / 1e9);
    BINARIES.put(go, out);
    return out;
  }

  /** One snapshot: the JSON body, as the program prints it. */
  static String snapshot(Path go, String service, String instance) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary(go).toString(), "-service", service, "-instance", instance, "-count", "1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(go + " snapshot did not finish within 30 s");
    }
    assertThat(p.exitValue()).as("snapshot with %s", go).isZero();
    return out.trim();
  }

  /**
   * Starts the program printing a snapshot every {@code interval}; each line goes to {@code each} on a
   * daemon thread until the process ends. Its standard error goes to {@code log}.
   */
  static Process stream(Path go, String service, String instance, String interval, Path log, Consumer<String> each)
      throws IOException, InterruptedException {
    PeerLogs.register(log, "Go runtime-snapshots " + service);
    Process p = new ProcessBuilder(List.of(binary(go).toString(), "-service", service, "-instance", instance,
        "-interval", interval, "-count", "0"))
        .redirectError(log.toFile()).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          each.accept(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "go-snapshots-" + service);
    reader.setDaemon(true);
    reader.start();
    return p;
  }
}
