package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service, started by its launcher with {@code service.telemetry.logs.encoding: json}:
 * every line it writes on standard error, from the start through a rejected reload to the stop, is
 * one JSON object with {@code ts}, {@code level}, {@code logger} and {@code msg}; addresses and
 * durations read as the configuration writes them.
 */
@Timeout(120)
class JsonLogsTest {
  @Test
  void everyLineOfStandardErrorIsOneJsonObject(@TempDir Path dir) throws Exception {
    int grpc = Peers.freePort();
    int http = Peers.freePort();
    int metrics = Peers.freePort();
    String yaml = """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:%d"}
              http: {endpoint: "127.0.0.1:%d"}
        exporters:
          prometheus: {endpoint: "127.0.0.1:%d"}
        service:
          shutdown_timeout: 1m30s
          telemetry:
            logs: {encoding: json, initial_fields: {deployment: e2e}}
        """.formatted(grpc, http, metrics);
    Path config = Files.writeString(dir.resolve("rosetta.yaml"), yaml);
    Path stderr = dir.resolve("stderr.log");
    Path stdout = dir.resolve("stdout.log");
    Path launcher = Path.of(System.getProperty("rosetta.launcher",
        Peers.moduleDir().resolve("../receiver/target/bin/rosetta").toString()));
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--config", config.toString())
        .redirectError(stderr.toFile()).redirectOutput(stdout.toFile());
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().put("ROSETTA_JAVA_OPTS", "-Xmx256m");
    Process p = pb.start();
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      Await.until("Rosetta ready", Duration.ofSeconds(60), () -> {
        assertThat(p.isAlive()).as("the service runs; its log:\n%s", Files.readString(stderr)).isTrue();
        try {
          return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/readyz")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
          return 0;
        }
      }, status -> status == 200);

      // a reload with two errors, in the file and in the view glob it names: one line
      Files.writeString(config, yaml + "views: {files: [none/*.yaml]}\nlimits: {max_series: 0}\n");
      new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
      Await.until("the reload rejected", Duration.ofSeconds(90), () -> Files.readString(stderr),
          log -> log.contains("configuration reload rejected"));

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }

    List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
    assertThat(lines).isNotEmpty();
    List<JsonObject> records = new ArrayList<>();
    for (String line : lines) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      assertThat(o.keySet()).as(line).startsWith("ts", "level", "logger", "msg").contains("deployment");
      assertThat(o.get("level").getAsString()).as(line).isIn("debug", "info", "warn", "error");
      records.add(o);
    }
    assertThat(Files.readString(stdout)).isEmpty();

    JsonObject started = records.stream().filter(o -> o.get("msg").getAsString().startsWith("Rosetta started"))
        .findFirst().orElseThrow();
    assertThat(started.get("metrics").getAsString()).isEqualTo("127.0.0.1:" + metrics);
    assertThat(started.get("otlp_grpc").getAsString()).isEqualTo("127.0.0.1:" + grpc);
    assertThat(started.get("msg").getAsString()).contains("metrics 127.0.0.1:" + metrics).doesNotContain("/127.0.0.1");
    assertThat(lines).noneMatch(l -> l.contains("/127.0.0.1:")).noneMatch(l -> l.matches(".*\\bPT[0-9].*"));

    JsonObject rejected = records.stream()
        .filter(o -> o.get("msg").getAsString().startsWith("configuration reload rejected")).findFirst().orElseThrow();
    assertThat(rejected.get("level").getAsString()).isEqualTo("warn");
    assertThat(rejected.getAsJsonArray("errors")).hasSize(2);
    assertThat(rejected.getAsJsonArray("errors").get(0).getAsString())
        .startsWith(config + ":12:").contains("views.files[0]: no view file matches \"none/*.yaml\"");
    assertThat(rejected.getAsJsonArray("errors").get(1).getAsString())
        .startsWith(config + ":13:").contains("limits.max_series");

    JsonObject stopping = records.stream().filter(o -> o.get("msg").getAsString().startsWith("stopping"))
        .findFirst().orElseThrow();
    assertThat(stopping.get("msg").getAsString()).isEqualTo("stopping: draining within 1m30s");
    assertThat(stopping.get("shutdown_timeout").getAsString()).isEqualTo("1m30s");
  }
}
