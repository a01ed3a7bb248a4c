package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Go peer: a real Go program ({@code e2e/src/test/go/runtime-sender}, built with the local
 * toolchain — Go 1.19 on Debian bookworm) posts its own {@code runtime/metrics} to the packaged Rosetta
 * every second through the Go package {@code clients/go}; a real Prometheus scrapes Rosetta.
 *
 * <p>Every metric that Go version offers ({@code metrics.All()}) is matched by a view ({@code rosetta
 * explain}), nothing reaches the unmatched or invalid path, and every family the views produce is in
 * Prometheus with the labels the views give (drop views, the roll-ups, excepted).
 */
@ExtendWith(PeerLogs.class)
class GoRuntimeSenderTest {
  static final String JOB = "go-sender";
  static final String INSTANCE = "go-sender-1";
  static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;

  /** A series the views promise: Prometheus name and the labels it must carry. */
  record Expected(String source, String name, Map<String, String> labels) {}

  @Test
  void everyMetricOfTheGoRuntimeArrivesAsALabelledFamilyInPrometheus() throws Exception {
    Peers.prometheus();
    List<String> names = GoRuntimeSender.metricNames();
    System.out.println(GoRuntimeSender.goVersion() + ": " + names.size() + " runtime/metrics names");
    assertThat(names).as("runtime/metrics of " + GoRuntimeSender.goVersion()).hasSizeGreaterThan(20);

    List<JsonObject> explained = RosettaProcess.explain(getClass(), names);
    List<String> unmatched = explained.stream().filter(e -> !e.get("matched").getAsBoolean())
        .map(e -> e.get("input").getAsString()).toList();
    assertThat(unmatched).as("Go runtime names no view matches").isEmpty();
    List<Expected> expected = new ArrayList<>();
    for (JsonObject e : explained) {
      if (e.get("drop").getAsBoolean()) {
        continue;
      }
      String family = e.get("prometheus_name").getAsString();
      Map<String, String> labels = new TreeMap<>(Map.of("job", JOB, "instance", INSTANCE));
      e.getAsJsonObject("labels").entrySet().forEach(l -> labels.put(sanitize(l.getKey()), l.getValue().getAsString()));
      String series = "histogram".equals(e.get("type").getAsString()) ? family + "_bucket" : family;
      expected.add(new Expected(e.get("input").getAsString(), series, labels));
    }
    assertThat(expected).hasSizeGreaterThan(names.size() / 2);

    try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp);
        PrometheusProcess prometheus = PrometheusProcess.start(getClass(), tmp.resolve("prometheus"),
            Map.of("rosetta", rosetta.metricsTarget()))) {
      Process sender = GoRuntimeSender.start(rosetta.httpBase(), JOB, INSTANCE, "1s",
          Peers.logDir(getClass()).resolve("runtime-sender.log"));
      try {
        Await.until("three posts of the Go peer accepted", DEADLINE, () -> {
          assertThat(sender.isAlive()).as("the Go peer is running").isTrue();
          return rosetta.metrics().sum("rosetta_receiver_requests_total",
              Map.of("transport", "go_runtime", "outcome", "ok"));
        }, n -> n >= 3);

        Exposition self = rosetta.metrics();
        Map<String, Double> outcomes = new TreeMap<>();
        self.find("rosetta_views_points_total", Map.of())
            .forEach(s -> outcomes.put(s.labels().get("outcome"), s.value()));
        assertThat(outcomes.get("mapped")).as("points mapped by the views").isPositive();
        assertThat(outcomes).as("rosetta_views_points_total by outcome: only mapped and dropped by a drop view")
            .allSatisfy((outcome, n) -> assertThat(outcome.equals("mapped") || outcome.equals("dropped") || n == 0)
                .as("outcome %s = %s", outcome, n).isTrue());
        assertThat(self.sum("rosetta_receiver_refused_points_total")).as("points refused").isZero();

        List<Expected> missing = Await.until("every family of the Go views in Prometheus", DEADLINE, () -> {
          List<Map<String, String>> stored = prometheus.series("{job=\"" + JOB + "\"}");
          return expected.stream().filter(x -> stored.stream().noneMatch(
              s -> x.name().equals(s.get("__name__")) && s.entrySet().containsAll(x.labels().entrySet()))).toList();
        }, List::isEmpty);
        assertThat(missing).isEmpty();
        // the same families, as Rosetta exposes them
        Exposition exposed = rosetta.metrics();
        assertThat(expected).allSatisfy(x -> assertThat(exposed.find(x.name(), x.labels()))
            .as("%s as %s%s in /metrics", x.source(), x.name(), x.labels()).isNotEmpty());
        // no flattened runtime path became a family name
        assertThat(prometheus.series("{job=\"" + JOB + "\"}")).extracting(s -> s.get("__name__"))
            .noneMatch(n -> n.contains("classes") || n.contains(":"));
        // the peer keeps posting: its allocation counter moves between scrapes
        Await.until("go_gc_heap_allocs_bytes_total changing in Prometheus", DEADLINE,
            () -> prometheus.query("changes(go_gc_heap_allocs_bytes_total{job=\"" + JOB + "\"}[1m])"),
            r -> r.size() == 1 && r.get(0).value() >= 1);
        assertThat(sender.isAlive()).as("the Go peer is still running").isTrue();
      } finally {
        Peers.terminate(sender, Duration.ofSeconds(5));
      }
      assertThat(Files.readString(Peers.logDir(getClass()).resolve("runtime-sender.log")))
          .as("the Go peer's log: no failed post").doesNotContain("post:");
      rosetta.stopCleanly();
    }
  }

  /** Label names as the OTLP→Prometheus translation writes them. */
  static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
