package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the peers and the packaged service are, and what a missing one means: under {@code CI=true}
 * a failure, elsewhere a skip that says what to install.
 */
final class Peers {
  static final boolean CI = "true".equals(System.getenv("CI"));

  static {
    // the tests stop what they start; this covers a test JVM that is itself stopped mid-test
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly), "e2e-peers-cleanup"));
  }

  private Peers() {}

  /**
   * A Go toolchain's environment for an offline build under {@code work}: its own home, cache and
   * GOPATH, no module proxy, the local toolchain only, no cgo.
   */
  static void offlineGoEnvironment(Map<String, String> env, Path work) {
    env.put("HOME", work.resolve("home").toString());
    env.put("GOCACHE", work.resolve("cache").toString());
    env.put("GOPATH", work.resolve("gopath").toString());
    env.put("GOPROXY", "off");
    env.put("GOFLAGS", "-mod=mod");
    env.put("GOTOOLCHAIN", "local");
    env.put("CGO_ENABLED", "0");
    env.remove("GO111MODULE");
  }

  /** The e2e module's directory (Surefire sets {@code basedir}; the working directory otherwise). */
  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  /** {@code receiver/target/rosetta.jar}, built by the reactor before this module's tests run. */
  static Path rosettaJar() {
    String fallback = moduleDir().resolve("../receiver/target/rosetta.jar").toString();
    Path jar = Path.of(System.getProperty("rosetta.jar", fallback)).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      fail(jar + " is missing: build the service first (mvn -B -q -DskipTests package, or run the e2e module "
          + "in the reactor: mvn -B -pl e2e -am verify)");
    }
    return jar;
  }

  /** The Jolokia JVM agent jar, resolved by Maven as a test dependency. */
  static Path jolokiaAgent() {
    String path = System.getProperty("jolokia.agent.jar", "");
    if (path.isEmpty() || path.startsWith("${") || !Files.isRegularFile(Path.of(path))) {
      fail("the Jolokia agent jar is not known (system property jolokia.agent.jar = '" + path
          + "'); run the tests through Maven, which resolves org.jolokia:jolokia-agent-jvm:javaagent");
    }
    return Path.of(path);
  }

  static Path prometheus() {
    return require(Path.of("/usr/bin/prometheus"), "prometheus");
  }

  static Path promtool() {
    return require(Path.of("/usr/bin/promtool"), "prometheus");
  }

  /** The Go toolchain: {@code go} on the PATH, else Debian's {@code /usr/bin/go}. */
  static Path go() {
    Optional<Path> onPath = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
        .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "go")).filter(Files::isExecutable).findFirst();
    return require(onPath.orElse(Path.of("/usr/bin/go")), "golang-go");
  }

  /** Debian's Go toolchains, by version: golang-go's 1.19 and bookworm-backports' 1.21 to 1.23. */
  static final java.util.Map<String, Path> GO_TOOLCHAINS = java.util.Map.of(
      "1.19", Path.of("/usr/lib/go-1.19/bin/go"), "1.21", Path.of("/usr/lib/go-1.21/bin/go"),
      "1.22", Path.of("/usr/lib/go-1.22/bin/go"), "1.23", Path.of("/usr/lib/go-1.23/bin/go"));

  /**
   * The Go toolchains installed, by version, sorted; under CI every one of {@link #GO_TOOLCHAINS}
   * must be there (.ci/run installs them), elsewhere the missing ones are left out.
   */
  static java.util.SortedMap<String, Path> goToolchains() {
    java.util.SortedMap<String, Path> found = new java.util.TreeMap<>();
    List<String> missing = new java.util.ArrayList<>();
    GO_TOOLCHAINS.forEach((v, p) -> {
      if (Files.isExecutable(p)) {
        found.put(v, p);
      } else {
        missing.add(p + " (apt-get install " + (v.equals("1.19") ? "golang-go" : "-t bookworm-backports golang-" + v + "-go") + ")");
      }
    });
    if (CI && !missing.isEmpty()) {
      fail("Go toolchains missing: " + missing);
    }
    if (!missing.isEmpty()) {
      System.out.println("Go toolchains not installed, left out: " + missing);
    }
    return found;
  }

  /** The JDK 25 launcher (Temurin, beside the default JDK 17 on this kind of machine). */
  static Path java25() {
    return require(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"), "temurin-25-jdk (Adoptium)");
  }

  /** The java launcher of this JVM, for child JVMs. */
  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * The test classpath, for child JVMs: Surefire's own property when it runs the tests through a
   * manifest-only jar, {@code java.class.path} otherwise.
   */
  static String testClasspath() {
    String surefire = System.getProperty("surefire.test.class.path", "");
    return surefire.isEmpty() ? System.getProperty("java.class.path") : surefire;
  }

  /** Fails under CI, skips elsewhere, when {@code binary} is not there. */
  static Path require(Path binary, String debianPackage) {
    if (!Files.isExecutable(binary)) {
      String message = binary + " is missing; install the Debian package " + debianPackage
          + " (apt-get install -y " + debianPackage + ")";
      if (CI) {
        fail(message);
      }
      Assumptions.abort(message + "; skipped outside CI");
    }
    return binary;
  }

  /**
   * Stops a child process: SIGTERM, up to {@code grace} to exit, then SIGKILL. Does not throw; an
   * interrupt kills at once and is kept for the caller.
   */
  static void terminate(Process p, Duration grace) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A loopback port free at the time of the call that this JVM has not handed out before. */
  static int freePort() {
    // a port handed out here stays unbound until its process starts, and the system may give it
    // again meanwhile: this JVM never hands out the same port twice
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no loopback port that was not handed out before");
  }

  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A directory for the logs of one test class's processes: {@code target/e2e-logs/<class>}. */
  static Path logDir(Class<?> testClass) {
    Path dir = Path.of(System.getProperty("e2e.logs", moduleDir().resolve("target/e2e-logs").toString()))
        .resolve(testClass.getSimpleName());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
