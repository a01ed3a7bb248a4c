package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull against real peers: the packaged Rosetta scrapes client_golang programs (static and file
 * targets) and a JVM's Jolokia agent, and a real Prometheus scrapes Rosetta. A killed target's
 * {@code up} goes to 0 and its series leave {@code /metrics}; a file_sd change is picked up; the JVM
 * families of the scraped agent are those of the push path fed with the same agent's bulk read.
 */
@ExtendWith(PeerLogs.class)
class ScrapeReceiversTest {
  static final Duration DEADLINE = Duration.ofSeconds(60);
  @TempDir Path tmp;

  /** A client_golang program serving /metrics (the {@link ClientGolangPeer} program's -serve mode). */
  record GoApp(Process process, int port) implements AutoCloseable {
    static GoApp start(Class<?> test, String name, String rules) throws Exception {
      int port = Peers.freePort();
      Path log = Peers.logDir(test).resolve(name + ".log");
      PeerLogs.register(log, "client_golang program " + name);
      Process p = new ProcessBuilder(ClientGolangPeer.binary().toString(), "-rules", rules, "-serve",
          "127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      Await.until("client_golang program " + name + " serving /metrics", DEADLINE, () -> {
        assertThat(p.isAlive()).as("the client_golang program runs").isTrue();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
      }, st -> st == 200);
      return new GoApp(p, port);
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      Peers.terminate(process, Duration.ofSeconds(5));
    }
  }

  static final Set<String> REPORT = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added");

  /** Series keys (name{labels}) without histogram buckets and sums, client_golang's own and the scrape's. */
  static Set<String> comparable(Map<String, Double> series) {
    Set<String> out = new TreeSet<>();
    for (String k : series.keySet()) {
      String name = k.substring(0, k.indexOf('{'));
      boolean histogramPart = name.endsWith("_bucket") || name.endsWith("_sum") && series.keySet().stream()
          .anyMatch(o -> o.startsWith(name.substring(0, name.length() - 4) + "_bucket{"));
      if (!histogramPart && !REPORT.contains(name) && !ClientGolangTest.CLIENT_GOLANG_ONLY.contains(name)) {
        out.add(k);
      }
    }
    return out;
  }

  @Test
  void clientGolangProgramsScrapedByStaticAndFileTargets() throws Exception {
    Peers.prometheus();
    ClientGolangPeer.binary();
    ClientGolangPeer.snapshot("all", tmp.resolve("native"), ClientGolangTest.JOB, "native");
    try (GoApp a = GoApp.start(getClass(), "go-a", "all");
        GoApp b = GoApp.start(getClass(), "go-b", "default");
        GoApp c = GoApp.start(getClass(), "go-c", "default")) {
      Path targets = Files.createDirectories(tmp.resolve("targets"));
      Files.writeString(targets.resolve("b.json"), """
          [{"targets": ["%s"], "labels": {"team": "blue"}}]
          """.formatted(b.address()));
      String receivers = """
          prometheus:
            config:
              global: {scrape_interval: 1s, scrape_timeout: 1s}
              scrape_configs:
                - job_name: %s
                  static_configs: [{targets: ["%s"]}]
                - job_name: go-files
                  file_sd_configs: [{files: ["%s/*.json"]}]
          """.formatted(ClientGolangTest.JOB, a.address(), targets);
      try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp, RosettaProcess.Ports.free(), "",
          receivers, "");
          PrometheusProcess prometheus = PrometheusProcess.start(getClass(), tmp.resolve("prometheus"),
              Map.of("rosetta", rosetta.metricsTarget()))) {
        assertThat(rosetta.postJson("/v1/go/runtime-metrics", Files.readString(tmp.resolve("native/native.json")))
            .statusCode()).as("the native form").isEqualTo(200);
        String sa = "{job=\"" + ClientGolangTest.JOB + "\",instance=\"" + a.address() + "\"";
        String sb = "{job=\"go-files\",instance=\"" + b.address() + "\"";
        assertThat(prometheus.awaitSingle("up" + sa + "}")).isEqualTo(1);
        assertThat(prometheus.awaitSingle("go_sched_goroutines" + sa + "}")).isPositive();
        assertThat(prometheus.awaitSingle("go_sched_goroutines" + sb + ",team=\"blue\"}")).isPositive();

        // the scraped families are those of the push path: the native form of the same program
        Exposition exposed = Await.until("the scraped and the native series", DEADLINE, rosetta::metrics,
            e -> !ClientGolangTest.series(e, a.address()).isEmpty() && !ClientGolangTest.series(e, "native").isEmpty());
        Set<String> scraped = comparable(ClientGolangTest.series(exposed, a.address()));
        Set<String> pushed = comparable(ClientGolangTest.series(exposed, "native"));
        System.out.println("Go series scraped from client_golang (every runtime/metrics rule): " + scraped.size());
        assertThat(scraped).as("series scraped = series of the native form, family by family, label by label")
            .isEqualTo(pushed);

        // a new file: its target joins; the old file's target leaves when its file goes
        Files.writeString(targets.resolve("c.json"), """
            [{"targets": ["%s"]}]
            """.formatted(c.address()));
        assertThat(prometheus.awaitSingle("up{job=\"go-files\",instance=\"" + c.address() + "\"}")).isEqualTo(1);
        Files.delete(targets.resolve("b.json"));
        Await.until("b's series leave Rosetta", DEADLINE, () -> rosetta.metrics().samples().stream()
            .filter(s -> b.address().equals(s.labels().get("instance"))).count(), n -> n == 0);

        // a target that dies: up 0, and its other series leave /metrics
        a.kill();
        Await.until("up 0 for the killed program", DEADLINE, rosetta::metrics,
            e -> e.find("up", Map.of("job", ClientGolangTest.JOB)).stream().anyMatch(s -> s.value() == 0));
        // /metrics is read family by family while a scrape's batch commits (its report first, then the
        // stale series leave), so one exposition may show both: the state settles with that commit
        Set<String> remaining = Await.until("only the report left of the killed target", DEADLINE,
            () -> rosetta.metrics().samples().stream().filter(s -> a.address().equals(s.labels().get("instance")))
                .map(Exposition.Sample::name).collect(Collectors.toCollection(TreeSet::new)), REPORT::equals);
        assertThat(remaining).as("what remains of the killed target").isEqualTo(REPORT);
        assertThat(prometheus.awaitSingle("up" + sa + "} == 0")).isZero();
        // the scrape the kill interrupts may fail otherwise (a timeout); those after it cannot connect
        Exposition after = Await.until("a scrape failure of reason connection", DEADLINE, rosetta::metrics,
            e -> e.sum("rosetta_scrape_failures_total", Map.of("job", ClientGolangTest.JOB, "reason", "connection")) > 0);
        assertThat(after.sum("rosetta_scrape_failures_total", Map.of("job", ClientGolangTest.JOB,
            "reason", "connection"))).isPositive();
        rosetta.stopCleanly();
      }
    }
  }

  @Test
  void jolokiaAgentScrapedGivesTheFamiliesOfThePushPath() throws Exception {
    Path agent = Peers.jolokiaAgent();
    Peers.prometheus();
    int agentPort = Peers.freePort();
    try (ChildJvm jvm = ChildJvm.start("JVM with the Jolokia agent", Peers.logDir(getClass()).resolve("jolokia-jvm.log"),
        List.of("-javaagent:" + agent + "=port=" + agentPort + ",host=127.0.0.1"), IdleJvm.class, "180")) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      String jolokia = "http://127.0.0.1:" + agentPort + "/jolokia/";
      Await.until("the Jolokia agent answering", DEADLINE, () -> http.send(HttpRequest.newBuilder(
          URI.create(jolokia + "version")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), s -> s == 200);
      String receivers = """
          jolokia:
            config:
              scrape_configs:
                - job_name: jvm-scraped
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  static_configs: [{targets: ["127.0.0.1:%d"]}]
          """.formatted(agentPort);
      try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp, RosettaProcess.Ports.free(), "",
          receivers, "");
          PrometheusProcess prometheus = PrometheusProcess.start(getClass(), tmp.resolve("prometheus"),
              Map.of("rosetta", rosetta.metricsTarget()))) {
        // the push path: the same agent's bulk read posted as a poller would
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(jolokia + "?ignoreErrors=true"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JolokiaAgentTest.BULK_READ))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        HttpResponse<String> posted = rosetta.postJson("/v1/jvm/jolokia?service.name=jvm-pushed&service.instance.id=p1",
            read.body());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

        String scraped = "{job=\"jvm-scraped\",instance=\"127.0.0.1:" + agentPort + "\"";
        assertThat(prometheus.awaitSingle("up" + scraped + "}")).isEqualTo(1);
        prometheus.awaitSingle("jvm_thread_live" + scraped + ",jvm_thread_daemon=\"false\"}");
        prometheus.awaitSingle("jvm_thread_live{job=\"jvm-pushed\",jvm_thread_daemon=\"false\"}");
        Set<String> report = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");
        Set<String> fromScrape = prometheus.names(scraped + "}").stream().filter(n -> !report.contains(n))
            .collect(Collectors.toCollection(TreeSet::new));
        Set<String> fromPush = prometheus.names("{job=\"jvm-pushed\"}");
        System.out.println("JVM families, scraped: " + fromScrape);
        assertThat(fromScrape).as("families of the scraped agent = families of the pushed bulk read")
            .isEqualTo(fromPush);
        assertThat(fromScrape).containsAll(JvmExposition.SHARED_FAMILIES);
        Set<String> pools = prometheus.awaitLabelValues("jvm_memory_used_bytes" + scraped + "}", "jvm_memory_pool_name");
        assertThat(pools).isEqualTo(prometheus.awaitLabelValues("jvm_memory_used_bytes{job=\"jvm-pushed\"}",
            "jvm_memory_pool_name"));

        jvm.stop();
        Await.until("up 0 once the JVM is gone", DEADLINE, rosetta::metrics,
            e -> e.find("up", Map.of("job", "jvm-scraped")).stream().anyMatch(s -> s.value() == 0)
                && e.find("jvm_thread_live", Map.of("job", "jvm-scraped")).isEmpty());
        rosetta.stopCleanly();
      }
    }
  }
}
