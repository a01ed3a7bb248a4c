package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client_golang peer: {@code e2e/src/test/go/client-golang}, a Go program with Prometheus
 * client_golang's Go collector, built offline in GOPATH mode from Debian's packages
 * ({@code golang-github-prometheus-client-golang-dev} and the packages it depends on, under
 * {@code /usr/share/gocode}) together with the Go package of {@code clients/go}. Built once per test
 * JVM under {@code target/go}.
 */
final class ClientGolangPeer {
  static final Path GOCODE = Path.of("/usr/share/gocode");
  private static Path binary;

  private ClientGolangPeer() {}

  /** The built program; builds it on first use. */
  static synchronized Path binary() throws IOException, InterruptedException {
    if (binary == null) {
      Path go = Peers.go();
      Peers.require(GOCODE.resolve("src/github.com/prometheus/client_golang/prometheus"),
          "golang-github-prometheus-client-golang-dev");
      Path work = Peers.moduleDir().resolve("target/go");
      Path gopath = work.resolve("client-golang-gopath");
      link(gopath.resolve("src/rosetta.dev/clients/go"), Peers.moduleDir().resolve("../clients/go"));
      link(gopath.resolve("src/client-golang-peer"), Peers.moduleDir().resolve("src/test/go/client-golang"));
      Files.createDirectories(work.resolve("home"));
      Path out = work.resolve("client-golang");
      Path log = work.resolve("client-golang-build.log");
      ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", out.toString(), "client-golang-peer")
          .directory(work.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Map<String, String> env = pb.environment();
      env.put("HOME", work.resolve("home").toString());
      env.put("GOCACHE", work.resolve("cache").toString());
      env.put("GOPATH", gopath + ":" + GOCODE);
      env.put("GO111MODULE", "off");
      env.put("GOPROXY", "off");
      env.put("GOFLAGS", "");
      env.put("GOTOOLCHAIN", "local");
      env.put("CGO_ENABLED", "0");
      Process p = pb.start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("go build of the client_golang peer did not finish within 300 s:\n" + Files.readString(log));
      }
      assertThat(p.exitValue()).as("go build (GOPATH mode) of the client_golang peer:\n%s", Files.readString(log))
          .isZero();
      binary = out;
    }
    return binary;
  }

  private static void link(Path link, Path target) throws IOException {
    Files.createDirectories(link.getParent());
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, target.toAbsolutePath().normalize());
  }

  /** Runs the program once: {@code dir/metrics.txt} and {@code dir/native.json}, read in one instant. */
  static void snapshot(String rules, Path dir, String service, String instance)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of(binary().toString(), "-rules", rules, "-out", dir.toString(),
        "-service", service, "-instance", instance));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within 60 s");
    }
    assertThat(p.exitValue()).as("%s:\n%s", command, out).isZero();
  }
}
