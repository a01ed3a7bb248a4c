package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client_golang peer: {@code e2e/src/test/go/client-golang-app}, a Go service with Prometheus
 * client_golang's default Go and process collectors on {@code /metrics}. Built once per test JVM in
 * GOPATH mode against Debian's {@code golang-github-prometheus-client-golang-dev}
 * ({@code /usr/share/gocode}), offline.
 */
final class ClientGolangApp implements AutoCloseable {
  static final Path GOPATH = Path.of("/usr/share/gocode");
  private static Path binary;

  final Process process;
  final int port;

  private ClientGolangApp(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Path sources() {
    return Peers.moduleDir().resolve("src/test/go/client-golang-app");
  }

  /** The built program; builds it on first use. */
  static synchronized Path binary() throws IOException, InterruptedException {
    if (binary == null) {
      Path go = Peers.go();
      Path library = GOPATH.resolve("src/github.com/prometheus/client_golang/prometheus/registry.go");
      if (!Files.isRegularFile(library)) {
        String message = library + " is missing; install the Debian package golang-github-prometheus-client-golang-dev";
        if (Peers.CI) {
          fail(message);
        }
        org.junit.jupiter.api.Assumptions.abort(message + "; skipped outside CI");
      }
      Path work = Peers.moduleDir().resolve("target/go");
      Files.createDirectories(work.resolve("home"));
      Path out = work.resolve("client-golang-app");
      Path log = work.resolve("client-golang-build.log");
      ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", out.toString(), "main.go")
          .directory(sources().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = pb.environment();
      env.put("HOME", work.resolve("home").toString());
      env.put("GOCACHE", work.resolve("cache").toString());
      env.put("GOPATH", GOPATH.toString());
      env.put("GO111MODULE", "off");
      env.put("GOPROXY", "off");
      env.put("GOTOOLCHAIN", "local");
      env.put("CGO_ENABLED", "0");
      env.remove("GOFLAGS");
      Process p = pb.start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("go build did not finish within 300 s:\n" + Files.readString(log));
      }
      assertThat(p.exitValue()).as("go build of %s:\n%s", sources(), Files.readString(log)).isZero();
      binary = out;
    }
    return binary;
  }

  /** Starts the program on a free loopback port and waits for its /metrics. */
  static ClientGolangApp start(Class<?> test, String name, boolean allRuntimeMetrics) throws Exception {
    int port = Peers.freePort();
    Path log = Peers.logDir(test).resolve(name + ".log");
    PeerLogs.register(log, "client_golang app " + name);
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-addr", "127.0.0.1:" + port));
    if (allRuntimeMetrics) {
      cmd.add("-all");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ClientGolangApp app = new ClientGolangApp(p, port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Await.until("client_golang app " + name + " serving /metrics", Duration.ofSeconds(30), () -> {
      if (!p.isAlive()) {
        return fail("the client_golang app exited with " + p.exitValue());
      }
      return http.send(HttpRequest.newBuilder(URI.create("http://" + app.address() + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }, s -> s == 200);
    return app;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** Kills the program at once, as a crashed pod would go. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    Peers.terminate(process, Duration.ofSeconds(5));
  }
}
