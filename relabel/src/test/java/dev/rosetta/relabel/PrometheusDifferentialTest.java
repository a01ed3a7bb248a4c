package dev.rosetta.relabel;

import static dev.rosetta.relabel.RelabelTestSupport.list;
import static dev.rosetta.relabel.RelabelTestSupport.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.rosetta.model.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the same rules in a real Prometheus (the Debian package, 2.42) and in Rosetta, and compares
 * the stored series with Rosetta's output.
 *
 * <p>One Prometheus process scrapes a fixed exposition served here on loopback, once per rule set
 * (one scrape job each, the rules under {@code metric_relabel_configs}). Rosetta gets the same
 * series with the {@code job} and {@code instance} labels that Prometheus attaches before metric
 * relabelling, compiled with legacy name validation (2.42 predates UTF-8 names). The corpus keeps
 * to what 2.42 and Prometheus 3 agree on: legacy names, no newlines in values.
 *
 * <p>Skipped when {@code /usr/bin/prometheus} is missing, except under {@code CI=true}, where that
 * fails.
 */
class PrometheusDifferentialTest {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Set<String> REPORT_SERIES =
      Set.of(
          "up",
          "scrape_duration_seconds",
          "scrape_samples_scraped",
          "scrape_samples_post_metric_relabeling",
          "scrape_series_added");

  /** The exposition, one series a line; every line is also a Rosetta input. */
  static final List<String> SERIES =
      List.of(
          "http_requests_total{method=\"GET\",code=\"200\",handler=\"/api/users\","
              + "pod=\"api-7d9f-abc12\"}",
          "http_requests_total{method=\"POST\",code=\"500\",handler=\"/api/orders\","
              + "pod=\"api-7d9f-def34\"}",
          "http_requests_total{method=\"get\",code=\"404\",handler=\"/\",pod=\"web-1\"}",
          "http_request_duration_seconds_bucket{le=\"0.1\",handler=\"/api/users\"}",
          "http_request_duration_seconds_bucket{le=\"+Inf\",handler=\"/api/users\"}",
          "go_goroutines",
          "go_memstats_alloc_bytes",
          "process_cpu_seconds_total",
          "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}",
          "node_cpu_seconds_total{cpu=\"1\",mode=\"user\"}",
          "node_filesystem_avail_bytes{device=\"/dev/sda1\",mountpoint=\"/\",fstype=\"ext4\"}",
          "node_filesystem_avail_bytes{device=\"tmpfs\",mountpoint=\"/run\",fstype=\"tmpfs\"}",
          "kube_pod_info{namespace=\"default\",pod=\"nginx-5c7588df-x8k2p\",node=\"worker-1\","
              + "label_app=\"nginx\",label_team=\"web\"}",
          "kube_pod_labels{namespace=\"kube-system\",pod=\"coredns-1\","
              + "label_k8s_app=\"kube-dns\",label_tier=\"control_plane\"}",
          "container_memory_usage_bytes{container=\"app\",pod=\"app-1\",namespace=\"prod\","
              + "image=\"registry/app:1.2.3\"}",
          "container_memory_usage_bytes{container=\"POD\",pod=\"app-1\",namespace=\"prod\","
              + "image=\"pause:3.9\"}",
          "app_info{version=\"1.2.3\",env=\"PROD\",region=\"EU-West-1\"}",
          "app_info{version=\"2.0.0-rc.1\",env=\"Staging\",region=\"us-east-2\"}",
          "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}",
          "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"}",
          "rpc_calls{service=\"payments\",src=\"payments\",dst=\"ledger\"}",
          "rpc_calls{service=\"ledger\",src=\"ledger\",dst=\"ledger\"}",
          "weird_values{text=\"a;b;c\",quote=\"say \\\"hi\\\"\",path=\"C:\\\\temp\","
              + "unicode=\"héllo wörld ΣΑΣ straße\"}",
          "tmp_debug_metric{tmp_id=\"42\",tmp_trace=\"abc\"}",
          "queue_length{queue=\"orders\",shard=\"3\",tmp_hint=\"x\"}",
          "old_metric_name{instance_id=\"i-123\",zone=\"a\"}",
          "db_connections{db=\"users\",state=\"idle\",empty=\"\"}",
          "cache_hits_total{cache=\"l1\",level=\"1\"}",
          "cache_hits_total{cache=\"l2\",level=\"2\"}",
          "build_info{branch=\"main\",revision=\"abc123\",goversion=\"go1.19.8\"}");

  /** Rule sets by name, each a list of relabel configs as YAML mappings. */
  static Map<String, List<Map<String, Object>>> ruleSets() {
    Map<String, List<Map<String, Object>>> sets = new LinkedHashMap<>();
    sets.put(
        "replace_capture",
        List.of(
            rule("source_labels", list("pod"), "regex", "(.+)-[a-z0-9]+-[a-z0-9]+",
                "target_label", "deployment", "replacement", "$1"),
            rule("target_label", "cluster", "replacement", "prod-eu"),
            rule("source_labels", list("version"), "regex", "(?P<major>\\d+)\\..*",
                "target_label", "major", "replacement", "v${major}")));
    sets.put(
        "replace_target_templates",
        List.of(
            rule("source_labels", list("src", "dst"), "regex", "(\\w+);(\\w+)",
                "target_label", "edge_${1}", "replacement", "to_$2"),
            rule("source_labels", list("code"), "regex", "(\\d)(\\d+)",
                "target_label", "code_${1}xx", "replacement", "$2"),
            rule("source_labels", list("handler"), "regex", "/(.*)",
                "target_label", "${1}", "replacement", "skipped")));
    // A target that expands to an empty or invalid name leaves the label set unchanged: for
    // method="GET" group 1 is empty, for method="get" it is "get"; a status code ("200") is no legacy label name.
    sets.put(
        "replace_target_expands_to_empty_or_invalid",
        List.of(
            rule("source_labels", list("method"), "regex", "(get)?.*",
                "target_label", "${1}", "replacement", "lower"),
            rule("source_labels", list("code"), "regex", "(.*)",
                "target_label", "${1}", "replacement", "invalid"),
            rule("source_labels", list("nonexistent"), "regex", "(.*)",
                "target_label", "$1", "replacement", "empty")));
    sets.put(
        "replace_empty_removes",
        List.of(
            rule("source_labels", list("nonexistent"), "target_label", "region"),
            rule("source_labels", list("mode"), "regex", "idle", "target_label", "cpu",
                "replacement", ""),
            rule("source_labels", list("le"), "regex", "(.*)", "target_label", "le",
                "replacement", "$1x$2")));
    sets.put(
        "rename_metrics",
        List.of(
            rule("source_labels", list("__name__"), "regex", "old_metric_name",
                "target_label", "__name__", "replacement", "new_metric_name"),
            rule("source_labels", list("__name__"), "regex", "(.*)_total",
                "target_label", "__name__", "replacement", "${1}_count_total")));
    sets.put(
        "keep",
        List.of(rule("action", "keep", "source_labels", list("__name__"),
            "regex", "http_.*|go_goroutines|app_info")));
    sets.put(
        "drop",
        List.of(
            rule("action", "drop", "source_labels", list("__name__", "le"),
                "regex", "http_request_duration_seconds_bucket;\\+Inf"),
            rule("action", "drop", "source_labels", list("container"), "regex", "POD"),
            rule("action", "drop", "source_labels", list("__name__"), "regex", "go_.*")));
    sets.put(
        "keepequal",
        List.of(rule("action", "keepequal", "source_labels", list("src"),
            "target_label", "dst")));
    sets.put(
        "dropequal",
        List.of(rule("action", "dropequal", "source_labels", list("src"),
            "target_label", "dst")));
    sets.put(
        "hashmod",
        List.of(
            rule("action", "hashmod", "source_labels", list("__name__", "instance"),
                "modulus", 8, "target_label", "shard"),
            rule("action", "hashmod", "source_labels", list("pod"), "modulus", 1_000_000_007,
                "target_label", "pod_shard"),
            rule("action", "hashmod", "source_labels", list("__name__"),
                "modulus", new BigInteger("18446744073709551615"), "target_label", "big")));
    sets.put(
        "labelmap",
        List.of(
            rule("action", "labelmap", "regex", "label_(.+)"),
            rule("action", "labelmap", "regex", "(tmp)_(.*)", "replacement", "debug_${2}")));
    sets.put(
        "labelmap_collision",
        List.of(rule("action", "labelmap", "regex", "(label_app|label_team)",
            "replacement", "owner")));
    sets.put(
        "labeldrop",
        List.of(rule("action", "labeldrop", "regex", "tmp_.*|label_.*|le")));
    sets.put(
        "labelkeep",
        List.of(rule("action", "labelkeep", "regex", "__name__|job|instance|namespace|pod")));
    sets.put(
        "lowercase_uppercase",
        List.of(
            rule("action", "lowercase", "source_labels", list("env"), "target_label", "env"),
            rule("action", "uppercase", "source_labels", list("method"),
                "target_label", "method"),
            rule("action", "lowercase", "source_labels", list("region", "env"),
                "target_label", "loc"),
            rule("action", "uppercase", "source_labels", list("unicode"),
                "target_label", "shout")));
    sets.put(
        "null_fields",
        List.of(
            rule("action", "keep", "source_labels", list("zz"), "regex", null),
            rule("source_labels", list("namespace", "pod"), "separator", null,
                "target_label", "ns_pod"),
            rule("action", "drop", "source_labels", list("code"), "regex", null)));
    sets.put(
        "separator_and_re2",
        List.of(
            rule("source_labels", list("namespace", "pod"), "separator", "/",
                "target_label", "ns_pod"),
            rule("source_labels", list("id"), "regex", "(?i)g1 (\\w+) space",
                "target_label", "gen", "replacement", "$1"),
            rule("source_labels", list("text"), "regex", "[[:alpha:]](;\\pL)+",
                "target_label", "alpha", "replacement", "yes"),
            rule("source_labels", list("quote", "path"), "separator", "|",
                "target_label", "joined")));
    sets.put(
        "regex_escaping_its_anchors",
        List.of(
            rule("action", "keep", "source_labels", list("__name__"),
                "regex", "go_)|(_total")));
    sets.put(
        "action_case_and_order",
        List.of(
            rule("action", "Replace", "source_labels", list("__name__"), "regex",
                "cache_(.*)", "target_label", "__name__", "replacement", "kv_$1"),
            rule("action", "KEEP", "source_labels", list("__name__"), "regex", "kv_.*|rpc_.*"),
            rule("action", "LabelDrop", "regex", "level"),
            rule("action", "HashMod", "source_labels", list("cache", "service"),
                "modulus", 3, "target_label", "s")));
    return sets;
  }

  @TempDir Path tmp;

  @Test
  void storesWhatRosettaComputes() throws Exception {
    if (!Files.isExecutable(PROMETHEUS)) {
      if ("true".equals(System.getenv("CI"))) {
        fail(PROMETHEUS + " is missing; install the Debian package prometheus");
      }
      Assumptions.abort(PROMETHEUS + " is missing (apt-get install prometheus); skipped");
    }
    Map<String, List<Map<String, Object>>> sets = ruleSets();
    assertThat(SERIES).hasSizeGreaterThanOrEqualTo(25);
    assertThat(sets).hasSizeGreaterThanOrEqualTo(15);

    byte[] exposition = exposition().getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, exposition.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(exposition);
          }
        });
    server.start();
    Process prometheus = null;
    try {
      String instance = "127.0.0.1:" + server.getAddress().getPort();
      Set<String> expected = expected(sets, instance);
      int port = freePort();
      Files.writeString(tmp.resolve("prometheus.yml"), config(sets, instance));
      prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + tmp.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + tmp.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("prometheus.log").toFile())
              .start();
      Set<String> actual = awaitSeries(prometheus, port, sets.size(), expected);
      Set<String> onlyPrometheus = new TreeSet<>(actual);
      onlyPrometheus.removeAll(expected);
      Set<String> onlyRosetta = new TreeSet<>(expected);
      onlyRosetta.removeAll(actual);
      assertThat(onlyPrometheus)
          .as("series Prometheus stored and Rosetta did not produce")
          .isEmpty();
      assertThat(onlyRosetta)
          .as("series Rosetta produced and Prometheus did not store")
          .isEmpty();
      assertThat(actual).hasSizeGreaterThan(300);
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(5, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
      server.stop(0);
    }
  }

  /** Rosetta's output for every rule set, as canonical strings. */
  private static Set<String> expected(
      Map<String, List<Map<String, Object>>> sets, String instance) throws RelabelException {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, List<Map<String, Object>>> e : sets.entrySet()) {
      RelabelRules rules =
          RelabelRules.compile(
              RelabelConfigs.fromYamlTree(new ArrayList<Object>(e.getValue()), e.getKey()),
              NameValidation.LEGACY);
      for (String line : SERIES) {
        Labels in =
            ExpositionLine.parse(line).toBuilder()
                .add("job", e.getKey())
                .add("instance", instance)
                .build();
        Labels result = rules.apply(in);
        if (result != null) {
          out.add(result.toString());
        }
      }
    }
    return out;
  }

  private static String exposition() {
    StringBuilder sb = new StringBuilder();
    int v = 1;
    for (String line : SERIES) {
      sb.append(line).append(' ').append(v++).append('\n');
    }
    return sb.toString();
  }

  private static String config(Map<String, List<Map<String, Object>>> sets, String instance) {
    // JSON is YAML: each rule list goes in as a JSON array, nulls included
    Gson gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    StringBuilder sb =
        new StringBuilder(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n");
    for (Map.Entry<String, List<Map<String, Object>>> e : sets.entrySet()) {
      sb.append("  - job_name: ").append(e.getKey()).append('\n')
          .append("    static_configs: [{targets: [\"").append(instance).append("\"]}]\n")
          .append("    metric_relabel_configs: ").append(gson.toJson(e.getValue())).append('\n');
    }
    return sb.toString();
  }

  /**
   * Waits until every target has been scraped and the stored series equal the expected ones, or
   * the deadline passes; returns the last series read.
   */
  private static Set<String> awaitSeries(
      Process prometheus, int port, int jobs, Set<String> expected) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String base = "http://127.0.0.1:" + port;
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Set<String> last = Set.of();
    String lastProblem = "Prometheus did not answer";
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("Prometheus exited with " + prometheus.exitValue());
      }
      try {
        JsonObject targets = get(http, base + "/api/v1/targets");
        int up = 0;
        for (JsonElement t : targets.getAsJsonObject("data").getAsJsonArray("activeTargets")) {
          JsonObject target = t.getAsJsonObject();
          String health = target.get("health").getAsString();
          if ("down".equals(health)) {
            fail("scrape failed for job %s: %s",
                target.getAsJsonObject("labels").get("job").getAsString(),
                target.get("lastError").getAsString());
          }
          up += "up".equals(health) ? 1 : 0;
        }
        if (up == jobs) {
          last = series(http, base);
          if (last.equals(expected)) {
            return last;
          }
          lastProblem = "series differ";
        } else {
          lastProblem = up + " of " + jobs + " targets scraped";
        }
      } catch (IOException e) {
        lastProblem = e.toString(); // not listening yet
      }
      Thread.sleep(250);
    }
    if (last.isEmpty()) {
      fail("no series from Prometheus within %s: %s", DEADLINE, lastProblem);
    }
    return last;
  }

  private static Set<String> series(HttpClient http, String base) throws Exception {
    String match = URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8);
    JsonObject body = get(http, base + "/api/v1/series?match[]=" + match);
    Set<String> out = new TreeSet<>();
    for (JsonElement s : body.getAsJsonArray("data")) {
      Labels.Builder b = Labels.builder();
      for (Map.Entry<String, JsonElement> l : s.getAsJsonObject().entrySet()) {
        b.add(l.getKey(), l.getValue().getAsString());
      }
      Labels labels = b.build();
      if (!REPORT_SERIES.contains(labels.get("__name__"))) {
        out.add(labels.toString());
      }
    }
    return out;
  }

  private static JsonObject get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
