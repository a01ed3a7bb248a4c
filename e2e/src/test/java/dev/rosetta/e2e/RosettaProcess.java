package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service, {@code java -jar rosetta.jar --config FILE}, as a child process on loopback
 * ports, its output in a log file.
 */
final class RosettaProcess implements AutoCloseable {
  static final Duration START_DEADLINE = Duration.ofSeconds(30);
  static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

  /** The three listening ports. */
  record Ports(int grpc, int http, int metrics) {
    static Ports free() {
      Set<Integer> seen = new HashSet<>();
      int[] p = new int[3];
      for (int i = 0; i < 3; i++) {
        do {
          p[i] = Peers.freePort();
        } while (!seen.add(p[i]));
      }
      return new Ports(p[0], p[1], p[2]);
    }
  }

  private final String name;
  private final Ports ports;
  private final Process process;
  private final Path log;
  private final HttpClient http;
  /** How the exposition port is reached: {@code http}, or {@code https} when it serves TLS. */
  private final String metricsScheme;

  private RosettaProcess(String name, Ports ports, Process process, Path log, HttpClient metricsClient,
      String metricsScheme) {
    this.name = name;
    this.ports = ports;
    this.process = process;
    this.log = log;
    this.http = metricsClient;
    this.metricsScheme = metricsScheme;
  }

  /**
   * Starts the service and waits for {@code /readyz}.
   *
   * @param forwarding the {@code exporters.otlp} mapping in YAML flow style, or "" for no forwarding
   * @param extraYaml further top-level sections ("" for none)
   */
  static RosettaProcess start(Class<?> test, String name, Path dir, Ports ports, String forwarding, String extraYaml)
      throws IOException {
    return start(test, name, dir, ports, forwarding, "", extraYaml);
  }

  /**
   * {@link #start(Class, String, Path, Ports, String, String)} with more receivers ({@code
   * prometheus: {...}}, at the indentation of a receiver), beside OTLP.
   */
  static RosettaProcess start(Class<?> test, String name, Path dir, Ports ports, String forwarding,
      String extraReceivers, String extraYaml) throws IOException {
    return start(test, name, dir, ports, forwarding, extraReceivers, extraYaml, List.of("-Xmx512m"), "",
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), "http");
  }

  /** As {@link #start(Class, String, Path, Ports, String, String)}, with the JVM's options. */
  static RosettaProcess start(Class<?> test, String name, Path dir, Ports ports, String forwarding, String extraYaml,
      List<String> jvmOptions) throws IOException {
    return start(test, name, dir, ports, forwarding, "", extraYaml, jvmOptions, "",
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), "http");
  }

  /**
   * Starts the service with more keys on {@code exporters.prometheus} ({@code tls}, {@code auth}, in
   * YAML flow style, "" for none); {@code metricsClient} and {@code metricsScheme} reach the
   * exposition port ({@code https} with a client trusting its certificate). {@code /readyz} needs
   * no credential.
   */
  static RosettaProcess start(Class<?> test, String name, Path dir, Ports ports, String forwarding, String extraYaml,
      String expositionKeys, HttpClient metricsClient, String metricsScheme) throws IOException {
    return start(test, name, dir, ports, forwarding, "", extraYaml, List.of("-Xmx512m"), expositionKeys,
        metricsClient, metricsScheme);
  }

  /**
   * The general form: more receivers beside OTLP, further top-level sections, the JVM's options and
   * more keys on {@code exporters.prometheus}.
   */
  static RosettaProcess start(Class<?> test, String name, Path dir, Ports ports, String forwarding,
      String extraReceivers, String extraYaml, List<String> jvmOptions, String expositionKeys,
      HttpClient metricsClient, String metricsScheme) throws IOException {
    String yaml = """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:%d"}
              http: {endpoint: "127.0.0.1:%d"}
        """.formatted(ports.grpc(), ports.http())
        + extraReceivers.indent(2)
        + """
        exporters:
          prometheus: {endpoint: "127.0.0.1:%d"%s}
        """.formatted(ports.metrics(), expositionKeys.isEmpty() ? "" : ", " + expositionKeys)
        + (forwarding.isEmpty() ? "" : "  otlp: " + forwarding + "\n")
        + extraYaml;
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, yaml);
    Path log = Peers.logDir(test).resolve(name + ".log");
    Files.writeString(log, "# " + config + "\n" + yaml + "\n");
    PeerLogs.register(log, "Rosetta " + name);
    List<String> command = new ArrayList<>();
    command.add(Peers.java().toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", Peers.rosettaJar().toString(), "--config", config.toString()));
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    RosettaProcess r = new RosettaProcess(name, ports, p, log, metricsClient, metricsScheme);
    r.awaitReady();
    return r;
  }

  static RosettaProcess start(Class<?> test, String name, Path dir) throws IOException {
    return start(test, name, dir, Ports.free(), "", "");
  }

  private void awaitReady() {
    Await.until("Rosetta " + name + " ready on 127.0.0.1:" + ports.metrics() + "/readyz", START_DEADLINE, () -> {
      if (!process.isAlive()) {
        return fail("Rosetta " + name + " exited with " + process.exitValue() + " before it was ready:\n" + logText());
      }
      return get("/readyz").statusCode();
    }, status -> status == 200);
  }

  String name() {
    return name;
  }

  /** The resident set size of the process now, in bytes (Linux). */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
  }

  Ports ports() {
    return ports;
  }

  Process process() {
    return process;
  }

  String grpcEndpoint() {
    return "http://127.0.0.1:" + ports.grpc();
  }

  String httpBase() {
    return "http://127.0.0.1:" + ports.http();
  }

  /** {@code host:port} of {@code /metrics}, as a scrape target. */
  String metricsTarget() {
    return "127.0.0.1:" + ports.metrics();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(metricsScheme + "://" + metricsTarget() + path))
        .header("Accept", "text/plain; version=0.0.4").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The text exposition of {@code /metrics}. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> resp = get("/metrics");
    assertThat(resp.statusCode()).as("GET /metrics of " + name).isEqualTo(200);
    return resp.body();
  }

  Exposition metrics() throws IOException, InterruptedException {
    return Exposition.parse(scrape());
  }

  /** POSTs a JSON body to a path of the OTLP/HTTP port. */
  HttpResponse<String> postJson(String pathAndQuery, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(httpBase() + pathAndQuery))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs an OTLP/HTTP protobuf body to {@code /v1/metrics}. */
  HttpResponse<String> postOtlp(byte[] body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(httpBase() + "/v1/metrics"))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy(); // SIGTERM
    if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("Rosetta " + name + " did not exit within " + STOP_DEADLINE.toSeconds() + " s of SIGTERM:\n" + logText());
    }
    return process.exitValue();
  }

  /** SIGKILL, as a crash or the OOM killer would: no shutdown hook, no drain. Waits for the exit. */
  void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL
    if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      fail("Rosetta " + name + " did not die of SIGKILL");
    }
  }

  /** Sends {@code signal} ({@code STOP}, {@code CONT}) with kill(1). */
  void signal(String signal) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      fail("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** {@link #stop()}, asserting the clean exit (code 0) the service promises after draining. */
  void stopCleanly() throws InterruptedException {
    int code = stop();
    assertThat(code).as("exit code of Rosetta %s after SIGTERM; log:\n%s", name, logText()).isZero();
  }

  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    Peers.terminate(process, STOP_DEADLINE);
  }

  /**
   * {@code rosetta explain --json} over {@code names} (read from standard input): one object per
   * name, in order. Uses the built-in views.
   */
  static List<JsonObject> explain(Class<?> test, List<String> names) throws IOException, InterruptedException {
    Path log = Peers.logDir(test).resolve("explain.log");
    Process p = new ProcessBuilder(Peers.java().toString(), "-jar", Peers.rosettaJar().toString(), "explain", "--json")
        .redirectError(log.toFile())
        .start();
    try (var in = p.getOutputStream()) {
      in.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("rosetta explain did not finish within 60 s");
    }
    assertThat(p.exitValue()).as("exit code of rosetta explain; stdout:\n%s\nstderr:\n%s", out,
        Files.readString(log)).isZero();
    List<JsonObject> result = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        result.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    assertThat(result).as("one explain line per name").hasSize(names.size());
    return result;
  }
}
