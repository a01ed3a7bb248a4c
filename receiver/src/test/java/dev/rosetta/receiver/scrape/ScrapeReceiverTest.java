package dev.rosetta.receiver.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Labels;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayOutputStream;
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
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prometheus receiver end to end inside one JVM: targets on loopback serve the text format,
 * OpenMetrics and protobuf; Rosetta scrapes them and its /metrics shows the families with the
 * target's labels, {@code up} and the scrape series; bad targets fail alone.
 */
class ScrapeReceiverTest {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final List<AutoCloseable> closing = new ArrayList<>();
  @TempDir Path tmp;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  record Sample(String name, Labels labels, double value) {}

  RosettaService rosetta(String scrapeConfigs) throws Exception {
    String yaml = """
        receivers:
          prometheus:
            config:
              global: {scrape_interval: 500ms, scrape_timeout: 400ms}
              scrape_configs:
        %s
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        """.formatted(scrapeConfigs.indent(8));
    Path file = tmp.resolve("rosetta.yaml");
    Files.writeString(file, yaml);
    RosettaService svc = Rosetta.create(ConfigLoader.load(file, Map.of()));
    closing.add(svc::stop);
    svc.start();
    return svc;
  }

  TargetServer target() throws Exception {
    TargetServer t = new TargetServer();
    closing.add(0, t);
    return t;
  }

  List<Sample> exposed(RosettaService svc) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + svc.metricsAddress().getPort() + "/metrics")).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    List<Sample> out = new ArrayList<>();
    TextFormatParser.parse(r.body(), false, (name, labels, value, ts, family, type, role) ->
        out.add(new Sample(name, labels, value)));
    return out;
  }

  Optional<Sample> find(List<Sample> all, String name, String... labels) {
    Labels want = Labels.of(labels);
    return all.stream().filter(s -> s.name().equals(name)
        && want.names().stream().allMatch(n -> want.get(n).equals(s.labels().get(n)))).findFirst();
  }

  List<Sample> await(RosettaService svc, String what, Predicate<List<Sample>> ok) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    List<Sample> last = List.of();
    while (System.nanoTime() < end) {
      last = exposed(svc);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what + "; /metrics had:\n" + String.join("\n",
        last.stream().map(Sample::toString).toList()));
  }

  @Test
  void scrapesTextOpenMetricsAndProtobufTargetsWithTheirLabelsAndReportSeries() throws Exception {
    TargetServer t = target();
    t.answers.put("/text", TargetServer.Answer.text("""
        # HELP app_requests_total Requests.
        # TYPE app_requests_total counter
        app_requests_total{code="200"} 7
        # TYPE app_latency_seconds histogram
        app_latency_seconds_bucket{le="0.1"} 2
        app_latency_seconds_bucket{le="1"} 5
        app_latency_seconds_bucket{le="+Inf"} 6
        app_latency_seconds_sum 3.5
        app_latency_seconds_count 6
        app_temperature{job="exposed-job"} 21.5
        """));
    t.answers.put("/om", new TargetServer.Answer(200, "application/openmetrics-text; version=1.0.0; charset=utf-8", """
        # TYPE om_events counter
        om_events_total 3.0
        om_events_created 1.7e9
        # TYPE om_info info
        om_info{version="1.2"} 1
        # EOF
        """.getBytes(StandardCharsets.UTF_8), 0));
    ByteArrayOutputStream proto = new ByteArrayOutputStream();
    Metrics.MetricFamily.newBuilder().setName("pb_gauge").setType(Metrics.MetricType.GAUGE)
        .addMetric(Metrics.Metric.newBuilder().addLabel(Metrics.LabelPair.newBuilder().setName("k").setValue("v"))
            .setGauge(Metrics.Gauge.newBuilder().setValue(42)))
        .build().writeDelimitedTo(proto);
    Metrics.MetricFamily.newBuilder().setName("pb_summary").setType(Metrics.MetricType.SUMMARY)
        .addMetric(Metrics.Metric.newBuilder().setSummary(Metrics.Summary.newBuilder().setSampleCount(4)
            .setSampleSum(2).addQuantile(Metrics.Quantile.newBuilder().setQuantile(0.5).setValue(0.4))))
        .build().writeDelimitedTo(proto);
    t.answers.put("/pb", new TargetServer.Answer(200,
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
        proto.toByteArray(), 0));
    RosettaService svc = rosetta("""
        - job_name: text
          metrics_path: /text
          static_configs: [{targets: ["%1$s"], labels: {team: blue}}]
        - job_name: om
          metrics_path: /om
          static_configs: [{targets: ["%1$s"]}]
        - job_name: pb
          metrics_path: /pb
          static_configs: [{targets: ["%1$s"]}]
        """.formatted(t.address()));
    String instance = t.address();
    List<Sample> s = await(svc, "all three jobs up", all ->
        find(all, "up", "job", "text").map(x -> x.value() == 1).orElse(false)
            && find(all, "up", "job", "om").map(x -> x.value() == 1).orElse(false)
            && find(all, "up", "job", "pb").map(x -> x.value() == 1).orElse(false)
            && find(all, "pb_summary", "job", "pb").isPresent()
            && find(all, "app_latency_seconds_bucket", "job", "text").isPresent());
    assertThat(find(s, "app_requests_total", "job", "text", "instance", instance, "team", "blue", "code", "200"))
        .map(Sample::value).contains(7.0);
    assertThat(find(s, "app_latency_seconds_bucket", "job", "text", "le", "1.0").map(Sample::value)).contains(5.0);
    assertThat(find(s, "app_latency_seconds_bucket", "job", "text", "le", "+Inf").map(Sample::value)).contains(6.0);
    assertThat(find(s, "app_latency_seconds_count", "job", "text").map(Sample::value)).contains(6.0);
    // honor_labels false: the exposed job label is kept as exported_job
    assertThat(find(s, "app_temperature", "job", "text", "exported_job", "exposed-job").map(Sample::value))
        .contains(21.5);
    assertThat(find(s, "om_events_total", "job", "om").map(Sample::value)).contains(3.0);
    assertThat(s.stream().anyMatch(x -> x.name().startsWith("om_events_created"))).as("_created is no series")
        .isFalse();
    assertThat(find(s, "om_info", "job", "om", "version", "1.2").map(Sample::value)).contains(1.0);
    assertThat(find(s, "pb_gauge", "job", "pb", "k", "v").map(Sample::value)).contains(42.0);
    assertThat(find(s, "pb_summary", "job", "pb", "quantile", "0.5").map(Sample::value)).contains(0.4);
    assertThat(find(s, "scrape_samples_scraped", "job", "text").map(Sample::value)).contains(7.0);
    assertThat(find(s, "scrape_samples_post_metric_relabeling", "job", "text").map(Sample::value)).contains(7.0);
    assertThat(find(s, "scrape_duration_seconds", "job", "text")).isPresent();
    assertThat(find(s, "scrape_series_added", "job", "text")).isPresent();
    assertThat(t.lastAccept.get("/text")).isEqualTo(ScrapeProtocol.acceptHeader(ScrapeProtocol.DEFAULTS));
  }

  @Test
  void seriesATargetStopsExposingAndTheSeriesOfAFailedScrapeGoStale() throws Exception {
    TargetServer t = target();
    t.answers.put("/metrics", TargetServer.Answer.text("a 1\nb 2\n"));
    RosettaService svc = rosetta("""
        - job_name: app
          static_configs: [{targets: ["%s"]}]
        """.formatted(t.address()));
    await(svc, "a and b", all -> find(all, "a", "job", "app").isPresent() && find(all, "b", "job", "app").isPresent());
    t.answers.put("/metrics", TargetServer.Answer.text("a 1\n"));
    await(svc, "b gone", all -> find(all, "a", "job", "app").isPresent() && find(all, "b", "job", "app").isEmpty());
    t.answers.put("/metrics", new TargetServer.Answer(500, "text/plain", new byte[0], 0));
    List<Sample> s = await(svc, "up 0 and a gone", all -> find(all, "up", "job", "app").map(x -> x.value() == 0)
        .orElse(false) && find(all, "a", "job", "app").isEmpty());
    assertThat(find(s, "scrape_samples_scraped", "job", "app").map(Sample::value)).contains(0.0);
    t.answers.put("/metrics", TargetServer.Answer.text("a 5\n"));
    await(svc, "back", all -> find(all, "a", "job", "app").map(x -> x.value() == 5).orElse(false)
        && find(all, "up", "job", "app").map(x -> x.value() == 1).orElse(false));
  }

  @Test
  void badTargetsFailAloneCountedByReason() throws Exception {
    TargetServer t = target();
    t.answers.put("/good", TargetServer.Answer.text("good 1\n"));
    t.answers.put("/slow", new TargetServer.Answer(200, "text/plain", "slow 1\n".getBytes(StandardCharsets.UTF_8),
        2000));
    t.answers.put("/huge", TargetServer.Answer.text("huge 1\n".repeat(20_000)));
    t.answers.put("/liar", new TargetServer.Answer(200, "application/vnd.google.protobuf; "
        + "proto=io.prometheus.client.MetricFamily; encoding=delimited", "liar 1\n".getBytes(StandardCharsets.UTF_8), 0));
    t.answers.put("/garbage", TargetServer.Answer.text("{{{ not metrics\n"));
    t.answers.put("/html", new TargetServer.Answer(200, "text/html", "<html>".getBytes(StandardCharsets.UTF_8), 0));
    StringBuilder jobs = new StringBuilder();
    for (String j : List.of("good", "slow", "huge", "liar", "garbage", "html")) {
      jobs.append("""
          - job_name: %1$s
            metrics_path: /%1$s
            body_size_limit: 64KB
            static_configs: [{targets: ["%2$s"]}]
          """.formatted(j, t.address()));
    }
    RosettaService svc = rosetta(jobs.toString());
    ScrapeMetrics m = svc.components().scrape().orElseThrow().metrics();
    List<Sample> s = await(svc, "every job reported", all -> List.of("good", "slow", "huge", "liar", "garbage", "html")
        .stream().allMatch(j -> find(all, "up", "job", j).isPresent())
        && m.failures("prometheus", "slow", ScrapeFailure.TIMEOUT) > 0
        && m.failures("prometheus", "huge", ScrapeFailure.BODY_SIZE_LIMIT) > 0
        && m.failures("prometheus", "liar", ScrapeFailure.PARSE) > 0
        && m.failures("prometheus", "garbage", ScrapeFailure.PARSE) > 0
        && m.failures("prometheus", "html", ScrapeFailure.CONTENT_TYPE) > 0);
    assertThat(find(s, "up", "job", "good").map(Sample::value)).contains(1.0);
    assertThat(find(s, "good", "job", "good").map(Sample::value)).contains(1.0);
    for (String bad : List.of("slow", "huge", "liar", "garbage", "html")) {
      assertThat(find(s, "up", "job", bad).map(Sample::value)).as(bad).contains(0.0);
    }
    assertThat(m.failures("prometheus", "good", ScrapeFailure.TIMEOUT)).isZero();
    assertThat(s.stream().noneMatch(x -> x.name().equals("huge") || x.name().equals("liar"))).isTrue();
  }

  @Test
  void fileSdTargetsAreReadAndAChangeIsPickedUp() throws Exception {
    TargetServer a = target();
    TargetServer b = target();
    a.answers.put("/metrics", TargetServer.Answer.text("from_a 1\n"));
    b.answers.put("/metrics", TargetServer.Answer.text("from_b 2\n"));
    Path dir = Files.createDirectories(tmp.resolve("targets"));
    Files.writeString(dir.resolve("a.json"), """
        [{"targets": ["%s"], "labels": {"env": "test"}}]
        """.formatted(a.address()));
    RosettaService svc = rosetta("""
        - job_name: files
          file_sd_configs: [{files: ["targets/*.json", "targets/*.yaml"]}]
        """);
    await(svc, "a's series", all -> find(all, "from_a", "job", "files", "env", "test").isPresent());
    Files.writeString(dir.resolve("b.yaml"), """
        - targets: ["%s"]
        """.formatted(b.address()));
    await(svc, "b's series", all -> find(all, "from_b", "job", "files").isPresent());
    Files.delete(dir.resolve("a.json"));
    await(svc, "a gone", all -> find(all, "from_a", "job", "files").isEmpty()
        && find(all, "up", "job", "files", "instance", a.address()).isEmpty()
        && find(all, "from_b", "job", "files").isPresent());
  }

  @Test
  void targetRelabelingAndMetricRelabelingWithLimits() throws Exception {
    TargetServer t = target();
    t.answers.put("/metrics", TargetServer.Answer.text("keep_me 1\ndrop_me 2\nrename_me 3\n"));
    t.answers.put("/many", TargetServer.Answer.text("m{i=\"1\"} 1\nm{i=\"2\"} 1\nm{i=\"3\"} 1\n"));
    RosettaService svc = rosetta("""
        - job_name: relabeled
          static_configs: [{targets: ["%1$s"], labels: {__meta_scrape: "yes", drop: "no"}}]
          relabel_configs:
            - {source_labels: [__meta_scrape], regex: "yes", action: keep}
            - {target_label: instance, replacement: my-instance}
          metric_relabel_configs:
            - {source_labels: [__name__], regex: drop_me, action: drop}
            - {source_labels: [__name__], regex: rename_me, target_label: __name__, replacement: renamed}
        - job_name: dropped
          static_configs: [{targets: ["%1$s"], labels: {__meta_scrape: "no"}}]
          relabel_configs:
            - {source_labels: [__meta_scrape], regex: "yes", action: keep}
        - job_name: limited
          metrics_path: /many
          sample_limit: 2
          static_configs: [{targets: ["%1$s"]}]
        """.formatted(t.address()));
    List<Sample> s = await(svc, "relabeled and limited", all -> find(all, "keep_me", "job", "relabeled").isPresent()
        && find(all, "up", "job", "limited").isPresent());
    assertThat(find(s, "keep_me", "job", "relabeled", "instance", "my-instance", "drop", "no")).isPresent();
    assertThat(find(s, "drop_me", "job", "relabeled")).isEmpty();
    assertThat(find(s, "renamed", "job", "relabeled").map(Sample::value)).contains(3.0);
    assertThat(find(s, "scrape_samples_scraped", "job", "relabeled").map(Sample::value)).contains(3.0);
    assertThat(find(s, "scrape_samples_post_metric_relabeling", "job", "relabeled").map(Sample::value)).contains(2.0);
    assertThat(find(s, "up", "job", "dropped")).isEmpty();
    assertThat(find(s, "up", "job", "limited").map(Sample::value)).contains(0.0);
    assertThat(find(s, "m", "job", "limited")).isEmpty();
  }
}
