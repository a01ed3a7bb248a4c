package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jolokia peer: a child JVM runs the real Jolokia JVM agent ({@code org.jolokia:jolokia-agent-jvm},
 * as {@code -javaagent}); the test reads its platform MBeans with one bulk request, as a Jolokia
 * poller does, and posts the agent's response body unchanged to the packaged Rosetta's
 * {@code /v1/jvm/jolokia}; a real Prometheus scrapes Rosetta. The built-in {@code jvm} views turn
 * the MBean attributes into the OpenTelemetry JVM families, with the agent's own numbers.
 */
@ExtendWith(PeerLogs.class)
class JolokiaAgentTest {
  static final String JOB = "jolokia-app";
  static final String INSTANCE = "jolokia-app-1";
  static final Duration DEADLINE = Duration.ofSeconds(60);

  /**
   * The bulk read. {@code ignoreErrors} (a Jolokia processing parameter) keeps a read of a whole
   * MBean when one attribute throws: without it the agent answers 500 for every MemoryPool (their
   * CollectionUsageThreshold* throw UnsupportedOperationException for some pools) and for Runtime
   * (BootClassPath), and those MBeans would be lost.
   */
  static final String BULK_READ = """
      [{"type":"read","mbean":"java.lang:type=Memory"},
       {"type":"read","mbean":"java.lang:type=MemoryPool,*"},
       {"type":"read","mbean":"java.lang:type=Threading"},
       {"type":"read","mbean":"java.lang:type=ClassLoading"},
       {"type":"read","mbean":"java.lang:type=GarbageCollector,*"},
       {"type":"read","mbean":"java.nio:type=BufferPool,*"},
       {"type":"read","mbean":"java.lang:type=OperatingSystem"},
       {"type":"read","mbean":"java.lang:type=Runtime"},
       {"type":"read","mbean":"java.lang:type=Compilation"}]""";

  @TempDir Path tmp;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void jolokiaAgentBulkReadPostedToRosettaGivesTheJvmFamiliesInPrometheus() throws Exception {
    Path agent = Peers.jolokiaAgent();
    Peers.prometheus();
    int agentPort = Peers.freePort();
    try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp);
        PrometheusProcess prometheus = PrometheusProcess.start(getClass(), tmp.resolve("prometheus"),
            Map.of("rosetta", rosetta.metricsTarget()));
        ChildJvm jvm = ChildJvm.start("JVM with the Jolokia agent", Peers.logDir(getClass()).resolve("jolokia-jvm.log"),
            List.of("-javaagent:" + agent + "=port=" + agentPort + ",host=127.0.0.1"), IdleJvm.class, "120")) {
      String jolokia = "http://127.0.0.1:" + agentPort + "/jolokia/";
      String version = Await.until("the Jolokia agent answering on " + jolokia, DEADLINE, () -> {
        assertThat(jvm.isAlive()).as("the JVM with the agent is running").isTrue();
        return http.send(HttpRequest.newBuilder(URI.create(jolokia + "version")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
      }, r -> r.statusCode() == 200).body();
      System.out.println("Jolokia agent: " + JsonParser.parseString(version).getAsJsonObject()
          .getAsJsonObject("value").get("agent").getAsString());

      // two polls a second apart, as a poller would send them; the values checked are the last poll's
      JsonArray last = null;
      for (int poll = 0; poll < 2; poll++) {
        if (poll > 0) {
          Await.sleep(Duration.ofSeconds(1));
        }
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(jolokia + "?ignoreErrors=true"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BULK_READ))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        last = JsonParser.parseString(read.body()).getAsJsonArray();
        assertThat(last).as("one response per request").hasSize(9);
        for (JsonElement e : last) {
          assertThat(e.getAsJsonObject().get("status").getAsInt()).as("status of %s", e).isEqualTo(200);
        }
        HttpResponse<String> posted = rosetta.postJson(
            "/v1/jvm/jolokia?service.name=" + JOB + "&service.instance.id=" + INSTANCE, read.body());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        assertThat(posted.body()).as("no partial success").doesNotContain("rejected");
      }

      String sel = "{job=\"" + JOB + "\",instance=\"" + INSTANCE + "\"";
      Map<String, JsonObject> pools = wildcard(last, "java.lang:type=MemoryPool,*");
      for (String type : List.of("HEAP", "NON_HEAP")) {
        Map<String, Double> used = new TreeMap<>();
        pools.values().stream().filter(p -> type.equals(p.get("Type").getAsString())).forEach(p -> used.put(
            p.get("Name").getAsString(), p.getAsJsonObject("Usage").get("used").getAsDouble()));
        assertThat(used).as("%s pools in the agent's answer", type).isNotEmpty();
        String memoryType = type.toLowerCase(java.util.Locale.ROOT);
        Map<String, Double> stored = Await.until("jvm_memory_used_bytes of the " + memoryType + " pools, as read",
            DEADLINE, () -> prometheus.query("jvm_memory_used_bytes" + sel + ",jvm_memory_type=\"" + memoryType + "\"}")
                .stream().collect(Collectors.toMap(r -> r.labels().get("jvm_memory_pool_name"),
                    PrometheusProcess.Result::value, (a, b) -> a, TreeMap::new)),
            used::equals);
        assertThat(stored).isEqualTo(used);
      }

      JsonObject threading = single(last, "java.lang:type=Threading");
      JsonObject classes = single(last, "java.lang:type=ClassLoading");
      JsonObject os = single(last, "java.lang:type=OperatingSystem");
      awaitValue(prometheus, "sum(jvm_thread_live" + sel + "})", threading.get("ThreadCount").getAsDouble());
      awaitValue(prometheus, "jvm_thread_live" + sel + ",jvm_thread_daemon=\"true\"}",
          threading.get("DaemonThreadCount").getAsDouble());
      awaitValue(prometheus, "jvm_class_count" + sel + "}", classes.get("LoadedClassCount").getAsDouble());
      awaitValue(prometheus, "jvm_class_loaded_total" + sel + "}", classes.get("TotalLoadedClassCount").getAsDouble());
      // nanoseconds and milliseconds become seconds
      awaitValue(prometheus, "jvm_cpu_time_seconds_total" + sel + "}", os.get("ProcessCpuTime").getAsDouble() / 1e9);
      wildcard(last, "java.lang:type=GarbageCollector,*").values().forEach(gc -> awaitValue(prometheus,
          "jvm_gc_collections_elapsed_seconds_total" + sel + ",jvm_gc_name=\"" + gc.get("Name").getAsString() + "\"}",
          gc.get("CollectionTime").getAsDouble() / 1000));
      Set<String> bufferPools = wildcard(last, "java.nio:type=BufferPool,*").values().stream()
          .map(b -> b.get("Name").getAsString()).collect(Collectors.toCollection(TreeSet::new));
      assertThat(prometheus.awaitLabelValues("jvm_buffer_memory_used_bytes" + sel + "}",
          "jvm_buffer_pool_name")).as("buffer pools").isEqualTo(bufferPools);

      Set<String> families = prometheus.names("{job=\"" + JOB + "\"}");
      System.out.println("families from the Jolokia agent: " + families);
      assertThat(families).as("the JVM families the OpenTelemetry SDK also gives")
          .containsAll(JvmExposition.SHARED_FAMILIES);

      Exposition exposed = rosetta.metrics();
      assertThat(exposed.sum("rosetta_views_points_total", Map.of("outcome", "invalid"))).as("invalid points").isZero();
      assertThat(exposed.samples().stream().filter(s -> JOB.equals(s.labels().get("job"))).map(Exposition.Sample::name)
          .filter(n -> !n.startsWith("jvm_") && !n.startsWith("process_")).distinct())
          .as("series that passed through the views unmatched")
          .isEmpty();
      JvmExposition.assertPromtoolFindingsAreKnown(rosetta.scrape());
      jvm.stop();
      rosetta.stopCleanly();
    }
  }

  /** The value of a read of one MBean in a bulk response. */
  static JsonObject single(JsonArray bulk, String mbean) {
    for (JsonElement e : bulk) {
      JsonObject o = e.getAsJsonObject();
      if (mbean.equals(o.getAsJsonObject("request").get("mbean").getAsString())) {
        return o.getAsJsonObject("value");
      }
    }
    throw new AssertionError(mbean + " is not in the bulk response");
  }

  /** The values of a wildcard read, by ObjectName. */
  static Map<String, JsonObject> wildcard(JsonArray bulk, String pattern) {
    Map<String, JsonObject> out = new TreeMap<>();
    single(bulk, pattern).entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsJsonObject()));
    return out;
  }

  static void awaitValue(PrometheusProcess prometheus, String promql, double expected) {
    double tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    double got = Await.until(promql + " = " + expected, DEADLINE, () -> prometheus.query(promql),
        r -> r.size() == 1 && Math.abs(r.get(0).value() - expected) <= tolerance).get(0).value();
    assertThat(got).as(promql).isCloseTo(expected, within(tolerance));
  }
}
