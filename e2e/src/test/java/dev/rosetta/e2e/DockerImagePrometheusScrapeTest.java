package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.luben.zstd.Zstd;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image {@code docker/Dockerfile} builds, run as its README says to run it, and scraped by a
 * real Prometheus.
 *
 * <p>The image is built from the same context as {@code docker build -f docker/Dockerfile .} (the
 * {@code docker/} folder and {@code receiver/target/rosetta.jar}, what {@code .dockerignore} lets
 * through), with the build argument {@code BASE_IMAGE} from the environment variable
 * {@code ROSETTA_BASE_IMAGE} when it is set (the Dockerfile's default otherwise), and without
 * pulling a base the engine already has. The container runs with a read-only root file system and
 * a tmpfs on {@code /tmp}, its ports published on loopback only. It is sent OTLP/HTTP JSON
 * (zstd-compressed, so the native zstd library must load from {@code /tmp}) and Go
 * {@code runtime/metrics} JSON; a Prometheus server on the host (the Debian package) scrapes the
 * published metrics port until its query API returns every expected series with its labels and
 * value. Last, the container is stopped with SIGTERM and must exit 0.
 *
 * <p>Any Docker API will do: Docker's, or podman's ({@code .ci/podman-setup.sh} starts one and
 * prints the environment for it). Skipped when none answers, and the Prometheus part when
 * {@code /usr/bin/prometheus} is missing, except under {@code CI=true}, where both fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 75, threadMode = ThreadMode.SEPARATE_THREAD)
class DockerImagePrometheusScrapeTest {
  private static final boolean CI = "true".equals(System.getenv("CI"));
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final int OTLP_GRPC = 4317;
  private static final int OTLP_HTTP = 4318;
  private static final int METRICS = 9464;
  private static final String IMAGE_USER = "10001:10001";
  private static final String SCRAPE_JOB = "rosetta-image";
  private static final Duration SCRAPE_DEADLINE = Duration.ofSeconds(60);

  /** OTLP/HTTP JSON: a gauge with a label and a monotonic counter, for one service. */
  private static final String OTLP_JSON = """
      {"resourceMetrics": [{
        "resource": {"attributes": [
          {"key": "service.name", "value": {"stringValue": "orders-api"}},
          {"key": "service.instance.id", "value": {"stringValue": "orders-1"}}]},
        "scopeMetrics": [{
          "scope": {"name": "shop"},
          "metrics": [
            {"name": "queue.depth", "unit": "1", "gauge": {"dataPoints": [
              {"asDouble": 3, "timeUnixNano": "%1$d",
               "attributes": [{"key": "queue", "value": {"stringValue": "orders"}}]}]}},
            {"name": "orders.processed", "unit": "{order}", "sum": {
              "aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [
                {"asInt": "7", "startTimeUnixNano": "%2$d", "timeUnixNano": "%1$d"}]}}]}]}]}
      """;

  /** Go runtime/metrics JSON as the native endpoint takes it. */
  private static final String GO_RUNTIME_JSON = """
      {"resource": {"service.name": "checkout", "service.instance.id": "pod-1"},
       "samples": [
         {"name": "/gc/heap/allocs:bytes", "kind": "uint64", "value": 123456},
         {"name": "/cpu/classes/gc/mark/assist:cpu-seconds", "kind": "float64", "value": 1.5}]}
      """;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Why no container can be had here, or null. */
  private String noDockerApi;
  private String imageName;
  private GenericContainer<?> container;
  /** The container's output (Testcontainers' own logging goes nowhere here: no SLF4J binding). */
  private final ToStringConsumer startLog = new ToStringConsumer();

  @BeforeAll
  @Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
  void buildAndStartTheImage() throws Exception {
    noDockerApi = noDockerApi();
    if (noDockerApi != null) {
      if (CI) {
        fail(noDockerApi);
      }
      return; // each test is skipped, saying why
    }
    Path root = repositoryRoot();
    Path jar = root.resolve("receiver/target/rosetta.jar");
    assertThat(jar)
        .as("the service jar (mvn -B -DskipTests package, or -am with this module)")
        .isRegularFile();

    imageName = "localhost/rosetta-e2e:" + UUID.randomUUID().toString().substring(0, 12);
    ImageFromDockerfile image =
        new ImageFromDockerfile(imageName, false)
            .withFileFromPath("docker", root.resolve("docker"))
            .withFileFromPath("receiver/target/rosetta.jar", jar)
            .withFileFromPath("receiver/target/bin/rosetta", root.resolve("receiver/target/bin/rosetta"))
            // as docker/build.sh passes it: the jar's version, which the chart's appVersion names
            .withBuildArg("VERSION", HelmChartTest.projectVersion())
            // No forced pull: the engine builds on the base it has (podman: the local one).
            .withBuildImageCmdModifier(cmd -> cmd.withDockerfilePath("docker/Dockerfile").withPull(false));
    String base = System.getenv("ROSETTA_BASE_IMAGE");
    if (base != null && !base.isBlank()) {
      image.withBuildArg("BASE_IMAGE", base);
    }

    container =
        new GenericContainer<>(image)
            .withExposedPorts(OTLP_GRPC, OTLP_HTTP, METRICS)
            // As the README says to run it: exec, because zstd-jni loads its library from /tmp.
            .withTmpFs(Map.of("/tmp", "rw,exec,nosuid,nodev,size=64m"))
            .withCreateContainerCmdModifier(
                cmd -> {
                  cmd.getHostConfig().withReadonlyRootfs(true);
                  List<PortBinding> loopback = new ArrayList<>();
                  for (ExposedPort p : cmd.getExposedPorts()) {
                    loopback.add(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), p));
                  }
                  cmd.getHostConfig().withPortBindings(loopback);
                })
            .waitingFor(
                Wait.forHttp("/readyz")
                    .forPort(METRICS)
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofSeconds(60)))
            .withLogConsumer(startLog);
    try {
      container.start();
    } catch (RuntimeException e) {
      throw new AssertionError("the container did not start; its log:\n" + tail(startLog.toUtf8String()), e);
    }
  }

  @AfterAll
  void stopAndRemove() {
    if (container != null) {
      container.stop();
    }
    if (imageName != null && DockerClientFactory.instance().isDockerAvailable()) {
      try {
        docker().removeImageCmd(imageName).withForce(true).exec();
      } catch (NotFoundException alreadyGone) {
        // nothing to remove
      }
    }
  }

  @Test
  @Order(1)
  void runsAsNonRootOnAReadOnlyRootWithAPassingHealthCheck() throws Exception {
    assumeDockerApi();
    InspectImageResponse imageInfo = docker().inspectImageCmd(imageName).exec();
    ContainerConfig config = imageInfo.getConfig();
    assertThat(config).isNotNull();
    assertThat(config.getUser()).isEqualTo(IMAGE_USER);
    assertThat(config.getExposedPorts())
        .extracting(ExposedPort::getPort)
        .contains(OTLP_GRPC, OTLP_HTTP, METRICS);
    assertThat(execOk("id", "-u").getStdout().strip()).isEqualTo("10001");
    assertThat(imageInfo.getConfig().getLabels())
        .containsEntry("org.opencontainers.image.version", HelmChartTest.projectVersion());

    InspectContainerResponse info = container.getContainerInfo();
    assertThat(info.getHostConfig().getReadonlyRootfs()).isTrue();
    ExecResult writeRoot = container.execInContainer("touch", "/opt/rosetta/probe");
    assertThat(writeRoot.getExitCode()).as("writing under the read-only root").isNotZero();
    execOk("touch", "/tmp/probe");

    // The image's own HEALTHCHECK command, run the way the engine runs it. Read from the
    // container's configuration: podman's image inspection leaves it out. (podman without systemd
    // has no timer to run the check by itself, so State.Health is not waited for.)
    HealthCheck health = info.getConfig().getHealthcheck();
    assertThat(health).as("HEALTHCHECK of the image (podman keeps it in docker format only)").isNotNull();
    List<String> test = health.getTest();
    assertThat(test).isNotEmpty();
    List<String> command =
        switch (test.get(0)) {
          case "CMD" -> test.subList(1, test.size());
          case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
          default -> throw new AssertionError("unexpected HEALTHCHECK form " + test);
        };
    ExecResult healthy = execOk(command.toArray(String[]::new));
    assertThat(healthy.getStdout()).startsWith("healthy: HTTP/1.1 200");
    ExecResult wrongPort =
        container.execInContainer(
            "bash", "-c", "ROSETTA_HEALTH_PORT=1 exec " + String.join(" ", command));
    assertThat(wrongPort.getExitCode()).as("the check on a port nothing listens on").isEqualTo(1);
  }

  @Test
  @Order(1)
  void theLauncherIsOnThePathWithItsDefaults() throws Exception {
    assumeDockerApi();
    assertThat(execOk("rosetta", "--version").getStdout().strip())
        .isEqualTo("rosetta " + HelmChartTest.projectVersion());
    assertThat(execOk("rosetta", "validate", "--config", "/etc/rosetta/config.yaml").getStdout())
        .contains("/etc/rosetta/config.yaml: configuration is valid");
    // the service itself (PID 1) runs under the launcher's options: java, not a shell, is PID 1
    String cmdline = execOk("cat", "/proc/1/cmdline").getStdout().replace('\0', ' ');
    assertThat(cmdline).matches("(\\S*/)?java .*").contains("-XX:+UseSerialGC").contains("-XX:+ExitOnOutOfMemoryError")
        .contains("-jar /opt/rosetta/rosetta.jar --config /etc/rosetta/config.yaml");
    // no memory limit here: the launcher caps the heap itself (with a limit it is MaxRAMPercentage)
    assertThat(cmdline).containsPattern("-Xmx[0-9]+m|-XX:MaxRAMPercentage=[0-9]+");
  }

  @Test
  @Order(2)
  void prometheusScrapesWhatTheContainerReceived(@TempDir Path tmp) throws Exception {
    assumeDockerApi();
    long now = System.currentTimeMillis() * 1_000_000L;
    String otlp = OTLP_JSON.formatted(now, now - 60_000_000_000L);
    HttpResponse<String> sent =
        post(
            "/v1/metrics",
            HttpRequest.BodyPublishers.ofByteArray(Zstd.compress(otlp.getBytes(StandardCharsets.UTF_8))),
            "zstd");
    assertThat(sent.statusCode()).as("OTLP/HTTP JSON, zstd: %s", sent.body()).isEqualTo(200);
    sent = post("/v1/go/runtime-metrics", HttpRequest.BodyPublishers.ofString(GO_RUNTIME_JSON), null);
    assertThat(sent.statusCode()).as("Go runtime/metrics JSON: %s", sent.body()).isEqualTo(200);

    if (!Files.isExecutable(PROMETHEUS)) {
      String why = PROMETHEUS + " is missing (apt-get install prometheus)";
      if (CI) {
        fail(why);
      }
      Assumptions.abort(why + "; the scrape part is skipped");
    }
    int metricsPort = container.getMappedPort(METRICS);
    String target = "127.0.0.1:" + metricsPort;
    // Series that carry their own job and instance (from the OTLP resource) keep them
    // (honor_labels, as for any exporter of other targets' metrics); Rosetta's own metrics get
    // the scrape target's.
    Map<String, Expected> expected = new LinkedHashMap<>();
    expected.put(
        "go_gc_heap_allocs_bytes_total",
        new Expected(Map.of("job", "checkout", "instance", "pod-1"), 123456));
    expected.put(
        "go_cpu_time_seconds_total",
        new Expected(
            Map.of(
                "job", "checkout",
                "instance", "pod-1",
                "go_cpu_state", "gc",
                "go_cpu_detailed_state", "gc/mark/assist"),
            1.5));
    expected.put(
        "queue_depth_ratio",
        new Expected(
            Map.of("job", "orders-api", "instance", "orders-1", "otel_scope_name", "shop", "queue", "orders"),
            3));
    expected.put(
        "orders_processed_total",
        new Expected(Map.of("job", "orders-api", "instance", "orders-1", "otel_scope_name", "shop"), 7));
    expected.put(
        "rosetta_receiver_requests_total{transport=\"http_json\"}",
        new Expected(
            Map.of("job", SCRAPE_JOB, "instance", target, "transport", "http_json", "outcome", "ok"), 1));
    expected.put("up", new Expected(Map.of("job", SCRAPE_JOB, "instance", target), 1));

    int port = freeLoopbackPort();
    Files.writeString(
        tmp.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: %s
            honor_labels: true
            static_configs:
              - targets: ['%s']
        """
            .formatted(SCRAPE_JOB, target));
    Path log = tmp.resolve("prometheus.log");
    Process prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + tmp.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + tmp.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Map<String, String> last = new TreeMap<>();
      long deadline = System.nanoTime() + SCRAPE_DEADLINE.toNanos();
      while (true) {
        if (!prometheus.isAlive()) {
          fail("Prometheus exited with " + prometheus.exitValue() + ":\n" + Files.readString(log));
        }
        boolean all = true;
        for (Map.Entry<String, Expected> e : expected.entrySet()) {
          String found = query(port, e.getKey());
          last.put(e.getKey(), found);
          all &= e.getValue().matches(found);
        }
        if (all) {
          break;
        }
        if (System.nanoTime() > deadline) {
          fail(
              "Prometheus did not return the expected series within "
                  + SCRAPE_DEADLINE.toSeconds()
                  + " s.\nexpected: "
                  + expected
                  + "\nlast answers: "
                  + last
                  + "\nPrometheus log:\n"
                  + tail(Files.readString(log))
                  + "\ncontainer log:\n"
                  + tail(container.getLogs()));
        }
        Thread.sleep(500);
      }
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(5, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Order(3)
  void stopsOnSigtermWithExitCodeZero() {
    assumeDockerApi();
    String id = container.getContainerId();
    docker().stopContainerCmd(id).withTimeout(30).exec();
    InspectContainerResponse.ContainerState state = docker().inspectContainerCmd(id).exec().getState();
    assertThat(state.getRunning()).isFalse();
    assertThat(state.getExitCodeLong()).as("exit code after SIGTERM; log:\n%s", tail(container.getLogs())).isZero();
  }

  /** One expected series: its labels (without {@code __name__}) and its value. */
  private record Expected(Map<String, String> labels, double value) {
    /** Whether a query answer ({@link #query}'s rendering) is exactly this one series. */
    boolean matches(String answer) {
      return answer.equals(render(new TreeMap<>(labels), value));
    }

    static String render(Map<String, String> labels, double value) {
      return labels + "=" + value;
    }

    @Override
    public String toString() {
      return render(new TreeMap<>(labels), value);
    }
  }

  /**
   * The instant vector Prometheus returns for {@code promql}, rendered as {@code {labels}=value}
   * per series (labels sorted, {@code __name__} left out), series joined by {@code ;}; an error
   * or an empty answer as text.
   */
  private String query(int port, String promql) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException notUpYet) {
      return "no answer: " + notUpYet;
    }
    if (r.statusCode() != 200) {
      return "HTTP " + r.statusCode() + ": " + r.body();
    }
    JsonArray result =
        JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("data").getAsJsonArray("result");
    if (result.isEmpty()) {
      return "no series";
    }
    List<String> series = new ArrayList<>();
    for (JsonElement s : result) {
      JsonObject o = s.getAsJsonObject();
      Map<String, String> labels = new TreeMap<>();
      for (Map.Entry<String, JsonElement> l : o.getAsJsonObject("metric").entrySet()) {
        if (!l.getKey().equals("__name__")) {
          labels.put(l.getKey(), l.getValue().getAsString());
        }
      }
      double value = Double.parseDouble(o.getAsJsonArray("value").get(1).getAsString());
      series.add(Expected.render(labels, value));
    }
    return String.join(";", series);
  }

  private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String encoding)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://" + container.getHost() + ":" + container.getMappedPort(OTLP_HTTP) + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(body);
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private ExecResult execOk(String... command) throws IOException, InterruptedException {
    ExecResult r = container.execInContainer(command);
    assertThat(r.getExitCode())
        .as("%s: stdout %s, stderr %s", String.join(" ", command), r.getStdout(), r.getStderr())
        .isZero();
    return r;
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  /** Null when a Docker API answers (Docker's or podman's), else why not. */
  private static String noDockerApi() {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return null;
    }
    String dockerHost = System.getenv("DOCKER_HOST");
    return "no Docker API answers ("
        + (dockerHost == null ? "DOCKER_HOST unset" : "DOCKER_HOST=" + dockerHost)
        + ", /var/run/docker.sock "
        + (Files.exists(Path.of("/var/run/docker.sock")) ? "not answering" : "missing")
        + "); with podman: eval \"$(bash .ci/podman-setup.sh start)\"";
  }

  private void assumeDockerApi() {
    Assumptions.assumeTrue(noDockerApi == null, () -> "skipped: " + noDockerApi);
  }

  /** The clone's root: the first folder up from the working directory with docker/Dockerfile. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker/Dockerfile"))) {
        return p;
      }
    }
    throw new IllegalStateException("no docker/Dockerfile above " + Path.of("").toAbsolutePath());
  }

  private static int freeLoopbackPort() {
    return Peers.freePort();
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return lines.isEmpty()
        ? "(empty)"
        : String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
