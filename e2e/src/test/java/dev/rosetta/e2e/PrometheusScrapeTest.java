package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rosetta.model.name.GoCatalog;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server scrapes the packaged Rosetta, and {@code promtool check metrics} reads
 * its exposition.
 *
 * <p>Rosetta gets two Go snapshots on {@code /v1/go/runtime-metrics}: one the Go peer read from its
 * own {@code runtime/metrics} ({@code runtime-sender -dump}; job {@code go-app}), and one shaped as Go
 * 1.20 and later report CPU time ({@code /cpu/classes/...}, which the Go 1.19 of Debian bookworm does
 * not have; job {@code go-cpu}), its classes adding up to its total. Prometheus stores what Rosetta
 * exposes, and PromQL over the labelled families gives back the runtime's own totals, which Rosetta
 * itself drops as roll-ups.
 */
@ExtendWith(PeerLogs.class)
class PrometheusScrapeTest {
  @TempDir static Path tmp;
  static RosettaProcess rosetta;
  static PrometheusProcess prometheus;
  /** The Go peer's snapshot: path → value, for the numbers. */
  static Map<String, Double> goValues;
  /** The synthetic CPU snapshot: path → value. */
  static Map<String, Double> cpuValues;

  @BeforeAll
  static void start() throws Exception {
    Peers.prometheus();
    Peers.promtool();
    rosetta = RosettaProcess.start(PrometheusScrapeTest.class, "rosetta", tmp);
    prometheus = PrometheusProcess.start(PrometheusScrapeTest.class, tmp.resolve("prometheus"),
        Map.of("rosetta", rosetta.metricsTarget()));

    String dump = GoRuntimeSender.dump("go-app", "go-app-1");
    goValues = numbers(dump);
    post(dump);
    String cpu = cpuSnapshot();
    cpuValues = numbers(cpu);
    post(cpu);
    prometheus.awaitTargetsUp(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (rosetta != null) {
      rosetta.stopCleanly();
    }
  }

  static void post(String body) throws Exception {
    HttpResponse<String> resp = rosetta.postJson("/v1/go/runtime-metrics", body);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(resp.body()).as("no partial success").doesNotContain("rejected");
  }

  /**
   * A Go 1.20+ CPU snapshot: every {@code /cpu/classes} path Go describes, each part a distinct
   * value (binary fractions, so that sums are exact), each roll-up the sum of its parts.
   */
  static String cpuSnapshot() {
    Map<String, Double> values = new TreeMap<>();
    double v = 0.25;
    for (String name : GoCatalog.all().keySet()) {
      if (name.startsWith("/cpu/classes/") && !name.endsWith("/total:cpu-seconds")) {
        values.put(name, v);
        v += 1.5;
      }
    }
    for (String rollup : Set.of("gc", "scavenge")) {
      values.put("/cpu/classes/" + rollup + "/total:cpu-seconds", values.entrySet().stream()
          .filter(e -> e.getKey().startsWith("/cpu/classes/" + rollup + "/"))
          .mapToDouble(Map.Entry::getValue).sum());
    }
    values.put("/cpu/classes/total:cpu-seconds", values.entrySet().stream()
        .filter(e -> !e.getKey().endsWith("/total:cpu-seconds")).mapToDouble(Map.Entry::getValue).sum());
    JsonArray samples = new JsonArray();
    values.forEach((name, value) -> {
      JsonObject s = new JsonObject();
      s.addProperty("name", name);
      s.addProperty("kind", "float64");
      s.addProperty("value", value);
      s.addProperty("cumulative", true);
      samples.add(s);
    });
    JsonObject resource = new JsonObject();
    resource.addProperty("service.name", "go-cpu");
    resource.addProperty("service.instance.id", "go-cpu-1");
    JsonObject root = new JsonObject();
    root.add("resource", resource);
    root.addProperty("time_unix_nano", System.currentTimeMillis() * 1_000_000L);
    root.add("samples", samples);
    return root.toString();
  }

  /** The scalar samples of a Go snapshot body, by path. */
  static Map<String, Double> numbers(String body) {
    Map<String, Double> out = new TreeMap<>();
    for (JsonElement e : JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("samples")) {
      JsonObject s = e.getAsJsonObject();
      if (s.has("value") && s.get("value").getAsJsonPrimitive().isNumber()) {
        out.put(s.get("name").getAsString(), s.get("value").getAsDouble());
      }
    }
    return out;
  }

  @Test
  void prometheusSumOfTheGoMemoryClassesEqualsTheGoPeersTotal() {
    double total = goValues.get("/memory/classes/total:bytes");
    assertThat(total).isPositive();
    double sum = prometheus.awaitSingle("sum by (job, instance) (go_memory_mapped_bytes{job=\"go-app\",instance=\"go-app-1\"})");
    assertThat(sum).as("sum by over go_memory_mapped_bytes vs /memory/classes/total:bytes").isEqualTo(total);

    Set<String> classes = goValues.keySet().stream()
        .filter(n -> n.startsWith("/memory/classes/") && !n.equals("/memory/classes/total:bytes"))
        .map(n -> n.substring("/memory/classes/".length(), n.length() - ":bytes".length()))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(prometheus.awaitLabelValues("count by (go_memory_class) (go_memory_mapped_bytes{job=\"go-app\"})", "go_memory_class"))
        .as("one go_memory_class per /memory/classes part").isEqualTo(classes);
  }

  @Test
  void prometheusSumOfTheGoCpuClassesEqualsTheGoCpuTotal() {
    double total = cpuValues.get("/cpu/classes/total:cpu-seconds");
    double sum = prometheus.awaitSingle("sum by (job, instance) (go_cpu_time_seconds_total{job=\"go-cpu\",instance=\"go-cpu-1\"})");
    assertThat(sum).as("sum by over go_cpu_time_seconds_total vs /cpu/classes/total:cpu-seconds").isEqualTo(total);
    assertThat(prometheus.awaitLabelValues("sum by (go_cpu_state) (go_cpu_time_seconds_total{job=\"go-cpu\"})", "go_cpu_state"))
        .containsExactly("gc", "idle", "scavenge", "user");
    for (String state : Set.of("gc", "scavenge")) {
      assertThat(prometheus.awaitSingle("sum(go_cpu_time_seconds_total{job=\"go-cpu\",go_cpu_state=\"" + state + "\"})"))
          .as("sum over go_cpu_state=%s vs /cpu/classes/%s/total", state, state)
          .isEqualTo(cpuValues.get("/cpu/classes/" + state + "/total:cpu-seconds"));
    }
    assertThat(prometheus.awaitLabelValues("go_cpu_time_seconds_total{job=\"go-cpu\",go_cpu_state=\"gc\"}", "go_cpu_detailed_state"))
        .contains("gc/mark/assist", "gc/pause");
  }

  @Test
  void prometheusStoresEverySeriesRosettaExposesWithItsValue() throws Exception {
    Map<String, Double> exposed = new TreeMap<>();
    for (Exposition.Sample s : rosetta.metrics().samples()) {
      String job = s.labels().get("job");
      if ("go-app".equals(job) || "go-cpu".equals(job)) {
        exposed.put(key(s.name(), s.labels()), s.value());
      }
    }
    assertThat(exposed).hasSizeGreaterThan(50);
    Map<String, Double> stored = Await.until("Prometheus holding every Go series Rosetta exposes", PrometheusProcess.QUERY_DEADLINE,
        () -> {
          Map<String, Double> m = new TreeMap<>();
          for (PrometheusProcess.Result r : prometheus.query("{job=~\"go-app|go-cpu\"}")) {
            Map<String, String> labels = new TreeMap<>(r.labels());
            String name = labels.remove("__name__");
            m.put(key(name, labels), r.value());
          }
          return m;
        }, m -> m.keySet().containsAll(exposed.keySet()));
    assertThat(stored).as("series and values in Prometheus vs Rosetta's /metrics").isEqualTo(exposed);
    // labelled families only: no flattened runtime path became a name, and roll-ups are not stored
    assertThat(stored.keySet()).noneMatch(k -> k.contains("classes"));
    assertThat(prometheus.awaitSingle("sum(rosetta_views_points_total{job=\"rosetta\",outcome=\"dropped\"})"))
        .as("the roll-ups were dropped by their views").isPositive();
  }

  private static String key(String name, Map<String, String> labels) {
    return name + new TreeMap<>(labels);
  }

  @Test
  void promtoolCheckMetricsPassesOnTheExposition() throws Exception {
    String text = rosetta.scrape();
    assertThat(text).contains("go_memory_mapped_bytes{").contains("go_cpu_time_seconds_total{")
        .contains("rosetta_receiver_accepted_points_total{");
    // clean but for the semantic conventions' *_count gauges of Rosetta's own JVM metrics
    assertThat(text).contains("jvm_class_count{");
    JvmExposition.assertPromtoolFindingsAreKnown(text);
  }
}
