package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (the Debian package) as a child process on loopback, scraping the given
 * targets every second with {@code honor_labels: true}: the {@code job} and {@code instance} labels
 * Rosetta derives from {@code service.name} and {@code service.instance.id} are kept as exposed.
 */
final class PrometheusProcess implements AutoCloseable {
  static final Duration START_DEADLINE = Duration.ofSeconds(30);
  /** How long a query may take to show what was posted (scrapes are 1 s apart). */
  static final Duration QUERY_DEADLINE = Duration.ofSeconds(60);

  /** One element of an instant vector. */
  record Result(Map<String, String> labels, double value) {}

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts Prometheus scraping each {@code job → host:port} target and waits until it is ready. */
  static PrometheusProcess start(Class<?> test, Path dir, Map<String, String> targets) throws IOException {
    StringBuilder jobs = new StringBuilder();
    targets.forEach((job, target) -> jobs.append("  - job_name: ").append(job).append('\n')
        .append("    honor_labels: true\n")
        .append("    static_configs: [{targets: [\"").append(target).append("\"]}]\n"));
    return startWithScrapeConfigs(test, dir, jobs.toString());
  }

  /**
   * Starts Prometheus with the given {@code scrape_configs} entries (YAML list items indented by
   * two spaces, each with its own TLS or authorization settings) and waits until it is ready.
   */
  static PrometheusProcess startWithScrapeConfigs(Class<?> test, Path dir, String jobs) throws IOException {
    Path binary = Peers.prometheus();
    String yaml = """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
        """ + jobs;
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, yaml);
    Path log = Peers.logDir(test).resolve("prometheus.log");
    Files.writeString(log, "# " + config + "\n" + yaml + "\n");
    PeerLogs.register(log, "Prometheus");
    int port = Peers.freePort();
    Process p = new ProcessBuilder(binary.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    PrometheusProcess prometheus = new PrometheusProcess(p, port, log);
    Await.until("Prometheus ready on 127.0.0.1:" + port, START_DEADLINE, () -> {
      if (!p.isAlive()) {
        return fail("Prometheus exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      return prometheus.get("/-/ready").statusCode();
    }, status -> status == 200);
    return prometheus;
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonElement api(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> resp = get(pathAndQuery);
    assertThat(resp.statusCode()).as("Prometheus %s: %s", pathAndQuery, resp.body()).isEqualTo(200);
    JsonObject body = JsonParser.parseString(resp.body()).getAsJsonObject();
    assertThat(body.get("status").getAsString()).as("Prometheus %s: %s", pathAndQuery, resp.body())
        .isEqualTo("success");
    return body.get("data");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** An instant query ({@code /api/v1/query}) whose result is a vector. */
  List<Result> query(String promql) throws IOException, InterruptedException {
    JsonObject data = api("/api/v1/query?query=" + encode(promql)).getAsJsonObject();
    assertThat(data.get("resultType").getAsString()).as(promql).isEqualTo("vector");
    List<Result> out = new ArrayList<>();
    for (JsonElement e : data.getAsJsonArray("result")) {
      JsonObject r = e.getAsJsonObject();
      out.add(new Result(labels(r.getAsJsonObject("metric")),
          Double.parseDouble(r.getAsJsonArray("value").get(1).getAsString())));
    }
    return out;
  }

  /** The label sets of the series matching {@code selector} ({@code /api/v1/series}). */
  List<Map<String, String>> series(String selector) throws IOException, InterruptedException {
    List<Map<String, String>> out = new ArrayList<>();
    for (JsonElement e : api("/api/v1/series?match[]=" + encode(selector)).getAsJsonArray()) {
      out.add(labels(e.getAsJsonObject()));
    }
    return out;
  }

  /** Waits (up to {@link #QUERY_DEADLINE}) until {@code promql} gives one element; returns its value. */
  double awaitSingle(String promql) {
    return Await.until("one result for " + promql, QUERY_DEADLINE, () -> query(promql), r -> r.size() == 1)
        .get(0).value();
  }

  /** Waits until {@code promql} gives a non-empty vector; returns the values of {@code label} in it. */
  Set<String> awaitLabelValues(String promql, String label) {
    return Await.until("results for " + promql, QUERY_DEADLINE, () -> query(promql), r -> !r.isEmpty()).stream()
        .map(r -> r.labels().get(label)).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The metric names of the series matching {@code selector}. */
  Set<String> names(String selector) throws IOException, InterruptedException {
    return series(selector).stream().map(s -> s.get("__name__")).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Waits until every target is up; fails at once with the scrape error of one that is down. */
  void awaitTargetsUp(int expected) {
    Await.until("Prometheus scraping " + expected + " target(s) successfully", START_DEADLINE, () -> {
      int up = 0;
      for (JsonElement t : api("/api/v1/targets").getAsJsonObject().getAsJsonArray("activeTargets")) {
        JsonObject target = t.getAsJsonObject();
        String health = target.get("health").getAsString();
        if ("down".equals(health)) {
          return fail("Prometheus cannot scrape %s: %s", target.get("scrapeUrl").getAsString(),
              target.get("lastError").getAsString());
        }
        up += "up".equals(health) ? 1 : 0;
      }
      return up;
    }, up -> up == expected);
  }

  /** The health of a scrape target and the error of its last scrape ("" when it succeeded). */
  record Target(String health, String lastError) {}

  /** The active targets by job ({@code /api/v1/targets}); one target per job. */
  Map<String, Target> targets() throws IOException, InterruptedException {
    Map<String, Target> out = new TreeMap<>();
    for (JsonElement t : api("/api/v1/targets").getAsJsonObject().getAsJsonArray("activeTargets")) {
      JsonObject target = t.getAsJsonObject();
      out.put(target.getAsJsonObject("labels").get("job").getAsString(),
          new Target(target.get("health").getAsString(), target.get("lastError").getAsString()));
    }
    return out;
  }

  private static Map<String, String> labels(JsonObject o) {
    Map<String, String> m = new TreeMap<>();
    o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsString()));
    return m;
  }

  String logText() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    Peers.terminate(process, Duration.ofSeconds(15));
  }
}
