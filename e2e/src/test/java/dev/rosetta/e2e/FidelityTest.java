package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Semantic fidelity against real runtimes, all through one packaged Rosetta (with the {@code runtime}
 * overlay on) that a real Prometheus scrapes:
 *
 * <ul>
 *   <li>a real Go program per installed Go version: the size histograms' sums are exactly the
 *       allocation and free totals of the same snapshot, and every path maps to a catalogued family;
 *   <li>child JVMs of JDK 17 and JDK 25 under every collector they have (G1, Parallel, Serial, ZGC —
 *       single-generation on 17, generational on 25 — Shenandoah, generational Shenandoah on 25), each
 *       with the real Jolokia agent: the series Rosetta makes of the agent's answer are compared with
 *       golden files ({@code src/test/resources/golden/jolokia/}; {@code -Drosetta.golden.update=true}
 *       rewrites them), no limit is negative, and each collector's {@code jvm_gc_action} is the action
 *       HotSpot's own GC notifications report in that JVM;
 *   <li>the OpenTelemetry SDK's runtime telemetry and the MBeans of the same JDK and collector: every
 *       family both give has one label set;
 *   <li>every panel query of the Grafana dashboards returns data from Prometheus.
 * </ul>
 *
 * The peers are shared by the tests of the class: one Rosetta, one Prometheus, and three senders that
 * keep posting (the newest Go, a JDK 17 G1 JVM polled through Jolokia every second, the SDK JVM).
 */
@ExtendWith(PeerLogs.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidelityTest {
  static final Duration DEADLINE = Duration.ofSeconds(90);
  static final String GOLDEN_DIR = "src/test/resources/golden/jolokia";
  static final String UPDATE_PROPERTY = "rosetta.golden.update";
  /** Labels that say where a series came from, not what it is. */
  static final Set<String> SOURCE_LABELS = Set.of("job", "instance", "otel_scope_name", "otel_scope_version",
      "otel_scope_schema_url");
  /** Present or omitted depending on the moment of the read (a CPU load is -1 until the JVM has sampled it). */
  static final Set<String> MOMENTARY = Set.of("jvm_cpu_recent_utilization_ratio", "jvm_system_cpu_utilization_ratio",
      "jvm_system_cpu_load_1m");

  Path work;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  RosettaProcess rosetta;
  PrometheusProcess prometheus;
  final List<AutoCloseable> peers = new ArrayList<>();
  final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "jolokia-poller");
    t.setDaemon(true);
    return t;
  });
  SortedMap<String, Path> goToolchains;
  String liveGoJob;

  /** A JVM with the Jolokia agent running {@link GcWorkload}. */
  record AgentJvm(String job, ChildJvm jvm, String jolokia, Path actions) {}

  @BeforeAll
  void startPeers() throws Exception {
    Peers.jolokiaAgent();
    Peers.prometheus();
    goToolchains = Peers.goToolchains();
    Path dir = Files.createDirectories(Peers.moduleDir().resolve("target/fidelity"));
    work = dir;
    rosetta = RosettaProcess.start(getClass(), "rosetta", dir, RosettaProcess.Ports.free(), "",
        "views: {builtin: [go, jvm, runtime]}\n");
    prometheus = PrometheusProcess.start(getClass(), dir.resolve("prometheus"), Map.of("rosetta", rosetta.metricsTarget()));
    // the senders that keep posting, for the dashboards: the newest Go, JDK 17 G1 through Jolokia, the SDK
    if (!goToolchains.isEmpty()) {
      String newest = goToolchains.lastKey();
      liveGoJob = "go-live-" + newest;
      Process go = GoSnapshots.stream(goToolchains.get(newest), liveGoJob, liveGoJob + "-1", "500ms",
          Peers.logDir(getClass()).resolve(liveGoJob + ".log"), line -> {
            try {
              HttpResponse<String> r = rosetta.postJson("/v1/go/runtime-metrics", line);
              if (r.statusCode() != 200) {
                System.out.println("go post: " + r.statusCode() + " " + r.body());
              }
            } catch (IOException e) {
              System.out.println("go post: " + e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      peers.add(() -> Peers.terminate(go, Duration.ofSeconds(5)));
    }
    AgentJvm live = startAgentJvm(Peers.java(), "jvm-live", List.of("-XX:+UseG1GC"), 600);
    poller.scheduleWithFixedDelay(() -> {
      try {
        post(live.job(), read(live.jolokia()));
      } catch (Exception | AssertionError e) {
        System.out.println("jolokia poll: " + e);
      }
    }, 0, 1, TimeUnit.SECONDS);
    ChildJvm sdk = ChildJvm.start("OpenTelemetry SDK JVM", Peers.logDir(getClass()).resolve("otel-sdk.log"),
        List.of("-XX:+UseG1GC"), OtelSdkRuntimeApp.class, rosetta.grpcEndpoint(), "otel-sdk", "otel-sdk-1", "600",
        "experimental");
    peers.add(sdk);
  }

  @AfterAll
  void stopPeers() throws Exception {
    poller.shutdownNow();
    for (int i = peers.size() - 1; i >= 0; i--) {
      peers.get(i).close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (rosetta != null) {
      rosetta.close();
    }
  }

  // ---- Go ---------------------------------------------------------------------------------------

  @Test
  void everyGoVersionGivesExactSizeHistogramSumsAndOnlyCataloguedFamilies() throws Exception {
    Assumptions.assumeFalse(goToolchains.isEmpty(), "no Go toolchain installed");
    for (Map.Entry<String, Path> toolchain : goToolchains.entrySet()) {
      String job = "go-" + toolchain.getKey();
      String body = GoSnapshots.snapshot(toolchain.getValue(), job, job + "-1");
      HttpResponse<String> posted = rosetta.postJson("/v1/go/runtime-metrics", body);
      assertThat(posted.statusCode()).as("%s: %s", job, posted.body()).isEqualTo(200);
      assertThat(posted.body()).as("%s: no partial success", job).doesNotContain("rejected");
      Map<String, Double> snapshot = new TreeMap<>();
      for (JsonElement s : JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("samples")) {
        JsonObject o = s.getAsJsonObject();
        if (o.has("value")) {
          snapshot.put(o.get("name").getAsString(), o.get("value").getAsDouble());
        }
      }
      Exposition e = rosetta.metrics();
      Map<String, String> sel = Map.of("job", job);
      // the exact sums: the totals these histograms distribute, from the same metrics.Read
      for (String[] pair : new String[][] {{"go_gc_heap_allocs_by_size_bytes", "/gc/heap/allocs:bytes",
          "go_gc_heap_allocs_bytes_total"}, {"go_gc_heap_frees_by_size_bytes", "/gc/heap/frees:bytes",
          "go_gc_heap_frees_bytes_total"}}) {
        double sum = e.sum(pair[0] + "_sum", sel);
        assertThat(e.sum(pair[0] + "_count", sel)).as("%s %s_count", job, pair[0]).isPositive();
        assertThat(sum).as("%s %s_sum = %s of the same snapshot", job, pair[0], pair[1])
            .isEqualTo(snapshot.get(pair[1])).isEqualTo(e.sum(pair[2], sel));
      }
      List<String> names = e.samples().stream().filter(s -> job.equals(s.labels().get("job")))
          .map(Exposition.Sample::name).distinct().sorted().toList();
      System.out.println(toolchain.getKey() + ": " + names.size() + " series names");
      assertThat(names).as("%s: families", job).isNotEmpty()
          .allMatch(n -> n.startsWith("go_") || n.startsWith("runtime_"), "go_* or runtime_*");
      assertThat(names).as("%s: the cross-runtime families", job)
          .contains("runtime_memory_heap_used_bytes", "runtime_memory_heap_committed_bytes",
              "runtime_memory_allocated_bytes_total", "runtime_processor_limit");
      assertThat(e.sum("runtime_memory_heap_used_bytes", sel)).isEqualTo(snapshot.get("/memory/classes/heap/objects:bytes"));
    }
  }

  // ---- JVMs through Jolokia -----------------------------------------------------------------------

  /** Every collector of JDK 17 and JDK 25, each in a JVM of its own. */
  static List<Object[]> collectors() {
    return List.of(
        new Object[] {"17", "g1", List.of("-XX:+UseG1GC")},
        new Object[] {"17", "parallel", List.of("-XX:+UseParallelGC")},
        new Object[] {"17", "serial", List.of("-XX:+UseSerialGC")},
        new Object[] {"17", "zgc", List.of("-XX:+UseZGC")},
        new Object[] {"17", "shenandoah", List.of("-XX:+UseShenandoahGC")},
        new Object[] {"25", "g1", List.of("-XX:+UseG1GC")},
        new Object[] {"25", "parallel", List.of("-XX:+UseParallelGC")},
        new Object[] {"25", "serial", List.of("-XX:+UseSerialGC")},
        new Object[] {"25", "zgc-generational", List.of("-XX:+UseZGC")},
        new Object[] {"25", "shenandoah", List.of("-XX:+UseShenandoahGC")},
        new Object[] {"25", "shenandoah-generational", List.of("-XX:+UseShenandoahGC", "-XX:ShenandoahGCMode=generational")});
  }

  @Test
  void jolokiaAnswersOfEveryCollectorMapAsTheGoldenFilesSayWithTheNotificationsGcActions() throws Exception {
    Path java25 = Peers.java25();
    List<String> problems = new ArrayList<>();
    for (Object[] c : collectors()) {
      String jdk = (String) c[0];
      String gc = (String) c[1];
      @SuppressWarnings("unchecked")
      List<String> options = (List<String>) c[2];
      String job = "jolokia-" + jdk + "-" + gc;
      AgentJvm jvm = startAgentJvm(jdk.equals("25") ? java25 : Peers.java(), job, options, 60);
      try {
        Map<String, String> actions = Await.until(job + ": GC notifications", DEADLINE,
            () -> observedActions(jvm), a -> a.size() >= 2);
        JsonArray last = null;
        for (int poll = 0; poll < 2; poll++) { // the second read has the CPU loads sampled
          Await.sleep(Duration.ofMillis(poll == 0 ? 0 : 1000));
          last = read(jvm.jolokia());
          post(job, last);
        }
        actions = observedActions(jvm);
        Exposition e = rosetta.metrics();
        List<Exposition.Sample> samples = e.samples().stream().filter(s -> job.equals(s.labels().get("job"))).toList();
        assertThat(samples).as(job).isNotEmpty();

        // no negative limit, initial size, or any other value but a CPU load that is genuinely signed
        for (Exposition.Sample s : samples) {
          if (s.value() < 0) {
            problems.add(job + ": negative " + s);
          }
        }
        // jvm_gc_action: HotSpot's own word for every collector it notified about
        Map<String, String> labelled = new TreeMap<>();
        samples.stream().filter(s -> s.name().equals("jvm_gc_collections_count_total"))
            .forEach(s -> labelled.put(s.labels().get("jvm_gc_name"), s.labels().get("jvm_gc_action")));
        assertThat(labelled).as("%s: collectors", job).isNotEmpty().doesNotContainValue("unknown");
        System.out.println(job + ": notifications " + actions + ", labels " + labelled);
        for (Map.Entry<String, String> a : actions.entrySet()) {
          String collector = a.getKey();
          if (collector.equals("Shenandoah Pauses")) {
            // HotSpot names each Shenandoah pause by its phase ("Init Mark", "Final Update Refs", ...)
            assertThat(labelled.get(collector)).isEqualTo("end of GC pause");
            assertThat(a.getValue()).isNotEqualTo("end of GC cycle");
          } else {
            assertThat(labelled.get(collector)).as("%s: jvm_gc_action of %s", job, collector).isEqualTo(a.getValue());
          }
        }
        // threads: daemon + non-daemon (derived) = ThreadCount of the same read
        JsonObject threading = JolokiaAgentTest.single(last, "java.lang:type=Threading");
        double live = samples.stream().filter(s -> s.name().equals("jvm_thread_live")).mapToDouble(Exposition.Sample::value).sum();
        assertThat(live).as("%s: sum(jvm_thread_live) = ThreadCount", job).isEqualTo(threading.get("ThreadCount").getAsDouble());
        assertThat(samples).as("%s: the MBeans give no jvm_thread_count (the SDK's has thread states)", job)
            .noneMatch(s -> s.name().equals("jvm_thread_count"));

        // golden: the series (name and labels, not values) Rosetta makes of this JVM's answer
        List<String> identities = identities(samples);
        problems.addAll(golden(jdk + "-" + gc + ".txt", identities));
      } finally {
        jvm.jvm().close();
      }
    }
    assertThat(problems).isEmpty();
  }

  // ---- one family name, one label set -----------------------------------------------------------

  @Test
  void everyFamilyTheSdkAndTheMBeansBothGiveHasOneLabelSet() throws Exception {
    Map<String, Set<String>> sdk = Await.until("the SDK's families, experimental ones included", DEADLINE,
        () -> labelSets("otel-sdk"), f -> f.containsKey("jvm_memory_init_bytes") && f.containsKey("jvm_thread_count"));
    Map<String, Set<String>> mbeans = Await.until("the MBeans' families", DEADLINE, () -> labelSets("jvm-live"),
        f -> f.containsKey("jvm_memory_used_bytes"));
    Set<String> shared = new TreeSet<>(sdk.keySet());
    shared.retainAll(mbeans.keySet());
    Set<String> sdkOnly = new TreeSet<>(sdk.keySet());
    sdkOnly.removeAll(mbeans.keySet());
    Set<String> mbeansOnly = new TreeSet<>(mbeans.keySet());
    mbeansOnly.removeAll(sdk.keySet());
    System.out.println("families of both, with their labels:");
    shared.forEach(f -> System.out.println("  " + f + " " + sdk.get(f) + " | " + mbeans.get(f)));
    System.out.println("the SDK only: " + sdkOnly.stream().map(f -> f + sdk.get(f)).toList());
    System.out.println("the MBeans only: " + mbeansOnly.stream().map(f -> f + mbeans.get(f)).toList());
    assertThat(shared).as("families both sources give").contains("jvm_memory_used_bytes", "jvm_memory_committed_bytes",
        "jvm_memory_limit_bytes", "jvm_memory_init_bytes", "jvm_memory_used_after_last_gc_bytes", "jvm_class_count",
        "jvm_class_loaded_total", "jvm_class_unloaded_total", "jvm_cpu_time_seconds_total", "jvm_cpu_count",
        "jvm_buffer_memory_used_bytes", "jvm_buffer_memory_limit_bytes", "jvm_buffer_count");
    for (String f : shared) {
      assertThat(mbeans.get(f)).as("labels of %s: MBeans vs the OpenTelemetry SDK", f).isEqualTo(sdk.get(f));
    }
    assertThat(sdk.get("jvm_thread_count")).contains("jvm_thread_daemon", "jvm_thread_state");
    assertThat(mbeans.get("jvm_thread_live")).containsExactly("jvm_thread_daemon");
  }

  /** Family (sample name) -> label names, without the source labels and {@code le}. */
  Map<String, Set<String>> labelSets(String job) throws IOException, InterruptedException {
    Map<String, Set<String>> out = new TreeMap<>();
    Map<String, Set<Set<String>>> seen = new TreeMap<>();
    for (Exposition.Sample s : rosetta.metrics().samples()) {
      if (!job.equals(s.labels().get("job"))) {
        continue;
      }
      Set<String> names = new TreeSet<>(s.labels().keySet());
      names.removeAll(SOURCE_LABELS);
      names.remove("le");
      seen.computeIfAbsent(s.name(), k -> new java.util.HashSet<>()).add(names);
      out.put(s.name(), names);
    }
    seen.forEach((f, sets) -> assertThat(sets).as("%s has one label set within source %s", f, job).hasSize(1));
    return out;
  }

  // ---- dashboards ---------------------------------------------------------------------------------

  @Test
  void everyDashboardPanelQueryReturnsData() throws Exception {
    Assumptions.assumeTrue(liveGoJob != null && goToolchains.lastKey().compareTo("1.21") >= 0,
        "the Go dashboard needs a Go 1.21 or newer sender (/cpu/classes is Go 1.20+)");
    Map<String, String> queries = new LinkedHashMap<>();
    for (Path f : DashboardSchemaTest.dashboards()) {
      JsonObject d = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
      for (JsonElement p : d.getAsJsonArray("panels")) {
        for (JsonElement t : p.getAsJsonObject().getAsJsonArray("targets")) {
          String expr = t.getAsJsonObject().get("expr").getAsString();
          queries.put(f.getFileName() + " / " + p.getAsJsonObject().get("title").getAsString() + " / "
              + t.getAsJsonObject().get("refId").getAsString(),
              expr.replace("$job", ".+").replace("$__rate_interval", "1m"));
        }
      }
    }
    assertThat(queries).hasSizeGreaterThan(20);
    List<String> empty = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    for (Map.Entry<String, String> q : queries.entrySet()) {
      List<PrometheusProcess.Result> r;
      while (true) {
        r = prometheus.query(q.getValue());
        if (r.stream().anyMatch(x -> !Double.isNaN(x.value())) || System.nanoTime() - deadline > 0) {
          break;
        }
        Await.sleep(Duration.ofSeconds(2));
      }
      System.out.println(q.getKey() + ": " + r.size() + " series" + (r.isEmpty() ? "" : ", e.g. " + r.get(0)));
      if (r.stream().allMatch(x -> Double.isNaN(x.value()))) {
        empty.add(q.getKey() + ": " + q.getValue());
      }
    }
    assertThat(empty).as("panel queries without data").isEmpty();
  }

  // ---- helpers ------------------------------------------------------------------------------------

  AgentJvm startAgentJvm(Path java, String job, List<String> gcOptions, int seconds) throws Exception {
    int port = Peers.freePort();
    Path actions = work.resolve(job + ".actions");
    Files.deleteIfExists(actions);
    List<String> options = new ArrayList<>(gcOptions);
    options.add("-javaagent:" + Peers.jolokiaAgent() + "=port=" + port + ",host=127.0.0.1");
    ChildJvm jvm = ChildJvm.start(java, "JVM " + job, Peers.logDir(getClass()).resolve(job + ".log"), options,
        GcWorkload.class, actions.toString(), String.valueOf(seconds));
    if (seconds > 60) {
      peers.add(jvm);
    }
    String jolokia = "http://127.0.0.1:" + port + "/jolokia/";
    Await.until(job + ": the Jolokia agent answering", DEADLINE, () -> {
      assertThat(jvm.isAlive()).as("%s is running", job).isTrue();
      return http.send(HttpRequest.newBuilder(URI.create(jolokia + "version")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode();
    }, s -> s == 200);
    return new AgentJvm(job, jvm, jolokia, actions);
  }

  JsonArray read(String jolokia) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jolokia + "?ignoreErrors=true"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JolokiaAgentTest.BULK_READ))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JsonParser.parseString(r.body()).getAsJsonArray();
  }

  void post(String job, JsonArray bulk) throws IOException, InterruptedException {
    HttpResponse<String> posted = rosetta.postJson("/v1/jvm/jolokia?service.name=" + job + "&service.instance.id="
        + job + "-1", bulk.toString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    assertThat(posted.body()).as("%s: no partial success", job).doesNotContain("rejected");
  }

  static Map<String, String> observedActions(AgentJvm jvm) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(jvm.actions())) {
      return out;
    }
    for (String line : Files.readAllLines(jvm.actions(), StandardCharsets.UTF_8)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        out.merge(line.substring(0, tab), line.substring(tab + 1), (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    return out;
  }

  /** name{label="value",...} without the source labels, values and the momentary CPU loads; sorted. */
  static List<String> identities(List<Exposition.Sample> samples) {
    Set<String> out = new TreeSet<>();
    for (Exposition.Sample s : samples) {
      if (MOMENTARY.contains(s.name())) {
        continue;
      }
      StringBuilder sb = new StringBuilder(s.name()).append('{');
      new TreeMap<>(s.labels()).forEach((k, v) -> {
        if (!SOURCE_LABELS.contains(k)) {
          sb.append(sb.charAt(sb.length() - 1) == '{' ? "" : ",").append(k).append("=\"").append(v).append('"');
        }
      });
      out.add(sb.append('}').toString());
    }
    return new ArrayList<>(out);
  }

  /** Compares with (or, with -Drosetta.golden.update=true, writes) a golden file; the differences. */
  static List<String> golden(String name, List<String> lines) throws IOException {
    Path file = Peers.moduleDir().resolve(GOLDEN_DIR).resolve(name);
    String text = String.join("\n", lines) + "\n";
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      return List.of();
    }
    if (!Files.exists(file)) {
      return List.of(file + " does not exist; write it with -D" + UPDATE_PROPERTY + "=true:\n" + text);
    }
    List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> diff = new ArrayList<>();
    expected.stream().filter(l -> !lines.contains(l)).forEach(l -> diff.add(name + ": missing   " + l));
    lines.stream().filter(l -> !expected.contains(l)).forEach(l -> diff.add(name + ": unexpected " + l));
    if (!diff.isEmpty()) {
      diff.add(name + ": accept with -D" + UPDATE_PROPERTY + "=true if the change is intended");
    }
    return diff;
  }

}
