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

  @Test
  void clientGolangProgramsScrapedByStaticAndFileTargets() throws Exception {
    Peers.prometheus();
    try (ClientGolangApp a = ClientGolangApp.start(getClass(), "go-a", false);
        ClientGolangApp b = ClientGolangApp.start(getClass(), "go-b", true);
        ClientGolangApp c = ClientGolangApp.start(getClass(), "go-c", false)) {
      Path targets = Files.createDirectories(tmp.resolve("targets"));
      Files.writeString(targets.resolve("b.json"), """
          [{"targets": ["%s"], "labels": {"team": "blue"}}]
          """.formatted(b.address()));
      String receivers = """
          prometheus:
            config:
              global: {scrape_interval: 1s, scrape_timeout: 1s}
              scrape_configs:
                - job_name: go-static
                  static_configs: [{targets: ["%s"]}]
                - job_name: go-files
                  file_sd_configs: [{files: ["%s/*.json"]}]
          """.formatted(a.address(), targets);
      try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp, RosettaProcess.Ports.free(), "",
          receivers, "");
          PrometheusProcess prometheus = PrometheusProcess.start(getClass(), tmp.resolve("prometheus"),
              Map.of("rosetta", rosetta.metricsTarget()))) {
        String sa = "{job=\"go-static\",instance=\"" + a.address() + "\"";
        String sb = "{job=\"go-files\",instance=\"" + b.address() + "\"";
        assertThat(prometheus.awaitSingle("up" + sa + "}")).isEqualTo(1);
        assertThat(prometheus.awaitSingle("app_ticks_total" + sa + ",kind=\"fast\"}")).isPositive();
        assertThat(prometheus.awaitSingle("go_goroutines" + sb + ",team=\"blue\"}")).isPositive();
        Set<String> families = prometheus.names(sb + "}");
        System.out.println("families scraped from client_golang with every runtime/metrics rule: " + families);
        assertThat(families).contains("go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total",
            "scrape_duration_seconds", "scrape_samples_scraped", "scrape_series_added", "up");

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
        Exposition after = Await.until("up 0 for the killed program", DEADLINE, rosetta::metrics,
            e -> e.find("up", Map.of("job", "go-static")).stream().anyMatch(s -> s.value() == 0));
        Set<String> remaining = after.samples().stream().filter(s -> a.address().equals(s.labels().get("instance")))
            .map(Exposition.Sample::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(remaining).as("what remains of the killed target").containsExactlyInAnyOrder("up",
            "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
            "scrape_series_added");
        assertThat(prometheus.awaitSingle("up" + sa + "} == 0")).isZero();
        Exposition self = rosetta.metrics();
        assertThat(self.sum("rosetta_scrape_failures_total", Map.of("job", "go-static", "reason", "connection")))
            .isPositive();
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
        prometheus.awaitSingle("jvm_thread_count" + scraped + "}");
        prometheus.awaitSingle("jvm_thread_count{job=\"jvm-pushed\"}");
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
                && e.find("jvm_thread_count", Map.of("job", "jvm-scraped")).isEmpty());
        rosetta.stopCleanly();
      }
    }
  }
}
