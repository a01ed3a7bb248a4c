package dev.rosetta.receiver.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.RosettaModuleAccess;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  static final String CONFIG = """
      exporters:
        prometheus: {endpoint: "127.0.0.1:0"}
        otlp/downstream:
          endpoint: http://127.0.0.1:1
          headers: {Authorization: "Bearer s3cret-header"}
      extensions:
        bearertokenauth: {token: "s3cret-token"}
      service:
        extensions: [bearertokenauth]
      limits: {max_series: 5000, max_series_per_family: 700}
      """;

  final SelfMetrics metrics = new SelfMetrics(new CollectorRegistry(true));
  final SeriesStore store = new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 5000, 700),
      System::currentTimeMillis, n -> false);
  final RosettaConfig config;
  final IngestService ingest;
  final StatusReport report;

  StatusReportTest() throws Exception {
    config = ConfigLoader.parse(CONFIG, "test.yaml", Map.of());
    ingest = new IngestService(RosettaModuleAccess.pipeline(config, metrics), store, Optional.empty(), metrics,
        Duration.ofSeconds(1));
    report = new StatusReport(config, new StatusReport.Parts("1.2.3", 0, metrics, store, ingest, Optional.empty(),
        Optional.empty()), () -> 60_000);
  }

  static Metric gauge(String name, double value, String... labels) {
    return new Metric(name, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.of(labels), 1, 2, value)));
  }

  static MetricBatch batch(String service, Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(Labels.of("service.name", service),
        List.of(new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics))))));
  }

  static StatusPage.Table table(StatusPage page, String id) {
    return page.sections().stream().flatMap(s -> s.tables().stream()).filter(t -> t.id().equals(id)).findFirst()
        .orElseThrow();
  }

  static String fact(StatusPage page, String name) {
    return page.sections().stream().flatMap(s -> s.facts().stream()).filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow().value();
  }

  @Test
  void secretsNeverShow() {
    String html = StatusHtml.render(report.page());
    assertThat(html).doesNotContain("s3cret").contains("Authorization: (hidden)").contains("(hidden)");
    assertThat(table(report.page(), "components").rows()).anySatisfy(r -> assertThat(r).startsWith("extension",
        "bearertokenauth"));
  }

  @Test
  void buildFactsAndLimits() {
    StatusPage page = report.page();
    assertThat(fact(page, "version")).isEqualTo("1.2.3");
    assertThat(fact(page, "uptime")).isEqualTo("1m");
    assertThat(fact(page, "configuration")).isEqualTo("test.yaml");
    assertThat(fact(page, "series held")).isEqualTo("0 of 5000");
    assertThat(fact(page, "series per family")).isEqualTo("at most 700");
  }

  @Test
  void listsAreBoundedToTheirTopN() {
    // 60 unmatched names, name_i sent i times; 30 families, family f_j with j series
    for (int i = 1; i <= 60; i++) {
      for (int k = 0; k < i; k++) {
        ingest.ingest(batch("app", gauge("unmatched_name_" + i, k)), 0, "", null, "http");
      }
    }
    for (int j = 1; j <= 30; j++) {
      List<Metric> ms = new ArrayList<>();
      for (int s = 0; s < j; s++) {
        ms.add(gauge("fam_" + j, s, "s", Integer.toString(s)));
      }
      ingest.ingest(batch("app", ms.toArray(Metric[]::new)), 0, "", null, "http");
    }
    ingest.ingest(batch("app", gauge("go_memstats_heap_alloc_bytes", 3)), 0, "", null, "grpc");
    StatusPage page = report.page();

    StatusPage.Table unmatched = table(page, "unmatched-names");
    assertThat(unmatched.rows()).hasSize(StatusReport.TOP);
    assertThat(unmatched.rows().get(0).get(0)).isEqualTo("unmatched_name_60");
    assertThat(unmatched.rows().get(0).get(1)).isEqualTo("60");
    assertThat(unmatched.rows().get(0).get(2)).contains("no view matched (views.unmatched: passthrough");

    StatusPage.Table families = table(page, "families");
    assertThat(families.rows()).hasSize(StatusReport.TOP);
    assertThat(families.rows().get(0)).containsExactly("fam_30", "gauge", "30", "no");
    assertThat(families.omitted()).isEqualTo(store.familyCount() - StatusReport.TOP);

    assertThat(table(page, "view-hits").rows()).hasSize(1);
    assertThat(table(page, "view-hits").rows().get(0).get(1)).isEqualTo("1");
    assertThat(table(page, "receiver-requests").rows()).contains(List.of("grpc", "ok", "1"));
    assertThat(table(page, "receiver-points").rows()).contains(List.of("grpc", "accepted", "1"));
    assertThat(StatusHtml.render(page)).contains("unmatched_name_60").doesNotContain("unmatched_name_1<");
  }

  @Test
  void aCollisionIsDescribed() {
    assertThat(fact(report.page(), "last collision")).isEqualTo("none");
    // two names that sanitize alike land on one series: two sources, the second refused
    ingest.ingest(batch("app", gauge("a.b", 1), gauge("a_b", 2)), 0, "", null, "http");
    StatusPage page = report.page();
    assertThat(fact(page, "points refused as collisions")).isEqualTo("1");
    assertThat(fact(page, "last collision")).startsWith("family a_b: two sources land on series");
    assertThat(table(page, "store-refusals").rows()).contains(List.of("collision", "1"));
  }

  @Test
  void refusalsShowByReason() {
    ingest.ingest(batch("app", gauge("go_memstats_stack_sys_bytes", 100)), 0, "", null, "http");
    assertThat(table(report.page(), "receiver-points").rows()).contains(List.of("http", "refused: view_invalid", "1"));
  }
}
