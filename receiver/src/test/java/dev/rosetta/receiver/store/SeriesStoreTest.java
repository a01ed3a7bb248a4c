package dev.rosetta.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.exposition.StoreCollector;
import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeriesStoreTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  SeriesStore store;
  CollectorRegistry registry;
  StoreCollector collector;

  @BeforeEach
  void setUp() {
    store = newStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 0, 0));
  }

  SeriesStore newStore(SeriesStore.Settings settings) {
    SeriesStore s = new SeriesStore(settings, now::get, n -> n.startsWith("rosetta_"));
    registry = new CollectorRegistry();
    collector = new StoreCollector(s);
    return s;
  }

  static MetricBatch batch(Labels resource, InstrumentationScope scope, Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(resource, List.of(new ScopeMetrics(scope, List.of(metrics))))));
  }

  static MetricBatch batch(Metric... metrics) {
    return batch(Labels.of("service.name", "api", "service.instance.id", "pod-1"), InstrumentationScope.empty(), metrics);
  }

  static Metric metric(String name, String unit, MetricType type, Temporality t, Point... points) {
    return new Metric(name, "", unit, type, t, List.of(points));
  }

  static NumberPoint num(double v, long time, String... labels) {
    return new NumberPoint(Labels.of(labels), 0, time, v);
  }

  String scrape() {
    return new String(new ScrapeHandler(registry, collector, false).scrape("text/plain", null, Set.of()).body(), StandardCharsets.UTF_8);
  }

  @Test
  void cumulativeCounterIsExposedWithTotalJobAndInstance() {
    store.apply(batch(metric("http.server.requests", "{request}", MetricType.COUNTER, Temporality.CUMULATIVE,
        num(5, 10, "http.method", "GET"))));
    store.apply(batch(metric("http.server.requests", "{request}", MetricType.COUNTER, Temporality.CUMULATIVE,
        num(7, 20, "http.method", "GET"))));
    assertThat(scrape())
        .contains("# TYPE http_server_requests_total counter")
        .contains("http_server_requests_total{http_method=\"GET\",instance=\"pod-1\",job=\"api\",} 7.0");
  }

  @Test
  void deltasAccumulateIntoCumulative() {
    for (int i = 1; i <= 3; i++) {
      store.apply(batch(metric("jobs.done", "", MetricType.COUNTER, Temporality.DELTA, num(2, i * 10L))));
    }
    assertThat(scrape()).contains("jobs_done_total{instance=\"pod-1\",job=\"api\",} 6.0");
  }

  @Test
  void deltaHistogramsAddBucketsCountsAndSums() {
    HistogramPoint h = new HistogramPoint(Labels.empty(), 0, 1, new double[] {0.1, 1}, new long[] {1, 2, 3}, 6, 4.5,
        Double.NaN, Double.NaN);
    store.apply(batch(metric("rpc.duration", "s", MetricType.HISTOGRAM, Temporality.DELTA, h)));
    store.apply(batch(metric("rpc.duration", "s", MetricType.HISTOGRAM, Temporality.DELTA, h)));
    assertThat(scrape())
        .contains("# TYPE rpc_duration_seconds histogram")
        .contains("rpc_duration_seconds_bucket{instance=\"pod-1\",job=\"api\",le=\"0.1\",} 2.0")
        .contains("rpc_duration_seconds_bucket{instance=\"pod-1\",job=\"api\",le=\"1.0\",} 6.0")
        .contains("rpc_duration_seconds_bucket{instance=\"pod-1\",job=\"api\",le=\"+Inf\",} 12.0")
        .contains("rpc_duration_seconds_count{instance=\"pod-1\",job=\"api\",} 12.0")
        .contains("rpc_duration_seconds_sum{instance=\"pod-1\",job=\"api\",} 9.0");
    // the point handed in was not modified by accumulation
    assertThat(h.counts()).containsExactly(1, 2, 3);
  }

  @Test
  void cumulativeHistogramUpdatesLeaveEveryPointAsItCame() {
    double[] bounds = {0.1, 1};
    HistogramPoint first = new HistogramPoint(Labels.empty(), 0, 10, bounds, new long[] {1, 2, 3}, 6, 4.5,
        Double.NaN, Double.NaN);
    HistogramPoint second = new HistogramPoint(Labels.empty(), 0, 20, bounds.clone(), new long[] {2, 4, 6}, 12, 9,
        Double.NaN, Double.NaN);
    HistogramPoint third = new HistogramPoint(Labels.empty(), 0, 30, bounds.clone(), new long[] {3, 5, 7}, 15, 11,
        Double.NaN, Double.NaN);
    store.apply(batch(metric("rpc.duration", "s", MetricType.HISTOGRAM, Temporality.CUMULATIVE, first)));
    store.apply(batch(metric("rpc.duration", "s", MetricType.HISTOGRAM, Temporality.CUMULATIVE, second)));
    assertThat(scrape()).contains("rpc_duration_seconds_bucket{instance=\"pod-1\",job=\"api\",le=\"1.0\",} 6.0");
    store.apply(batch(metric("rpc.duration", "s", MetricType.HISTOGRAM, Temporality.CUMULATIVE, third)));
    assertThat(scrape()).contains("rpc_duration_seconds_bucket{instance=\"pod-1\",job=\"api\",le=\"0.1\",} 3.0")
        .contains("rpc_duration_seconds_bucket{instance=\"pod-1\",job=\"api\",le=\"1.0\",} 8.0")
        .contains("rpc_duration_seconds_bucket{instance=\"pod-1\",job=\"api\",le=\"+Inf\",} 15.0");
    // the series keeps counts of its own: no point's counts were written into
    assertThat(first.counts()).containsExactly(1, 2, 3);
    assertThat(second.counts()).containsExactly(2, 4, 6);
    assertThat(third.counts()).containsExactly(3, 5, 7);
  }

  @Test
  void olderCumulativePointsDoNotOverwriteNewerOnes() {
    store.apply(batch(metric("temp", "Cel", MetricType.GAUGE, Temporality.CUMULATIVE, num(20, 200))));
    store.apply(batch(metric("temp", "Cel", MetricType.GAUGE, Temporality.CUMULATIVE, num(10, 100))));
    assertThat(scrape()).contains("temp_celsius{instance=\"pod-1\",job=\"api\",} 20.0");
    assertThat(store.outOfOrderPoints()).isEqualTo(1);
  }

  @Test
  void seriesExpireAfterTheConfiguredTime() {
    store.apply(batch(metric("a", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(1, 1))));
    now.addAndGet(Duration.ofMinutes(4).toMillis());
    store.apply(batch(metric("b", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(1, 1))));
    now.addAndGet(Duration.ofMinutes(2).toMillis());
    assertThat(store.expire()).isEqualTo(1);
    assertThat(store.seriesCount()).isEqualTo(1);
    assertThat(scrape()).doesNotContain("a{").contains("b{");
    assertThat(store.expiredSeries()).isEqualTo(1);
  }

  @Test
  void typeConflictsAndReservedNamesAreRefusedAndCounted() {
    store.apply(batch(metric("x", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
        new HistogramPoint(Labels.empty(), 0, 1, new double[0], new long[] {1}, 1, 1, Double.NaN, Double.NaN))));
    var r = store.apply(batch(metric("x", "", MetricType.SUMMARY, Temporality.CUMULATIVE,
        new dev.rosetta.model.SummaryPoint(Labels.empty(), 0, 1, 1, 1, new double[0], new double[0]))));
    assertThat(r.refused()).isEqualTo(1);
    assertThat(r.reason()).isEqualTo("type_conflict");
    var r2 = store.apply(batch(metric("rosetta_store_series", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        num(1, 1))));
    assertThat(r2.reason()).isEqualTo("reserved_name");
    assertThat(store.refused(SeriesStore.Refusal.TYPE_CONFLICT)).isEqualTo(1);
  }

  @Test
  void gaugeAndUpDownCounterShareAPrometheusGaugeFamily() {
    store.apply(batch(metric("q", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(1, 1, "k", "a"))));
    var r = store.apply(batch(metric("q", "", MetricType.UP_DOWN_COUNTER, Temporality.CUMULATIVE,
        num(2, 1, "k", "b"))));
    assertThat(r.refused()).isZero();
  }

  @Test
  void seriesLimitsRefuseNewSeriesOnly() {
    store = newStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 3, 2));
    var r = store.apply(batch(metric("m", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        num(1, 1, "i", "1"), num(1, 1, "i", "2"), num(1, 1, "i", "3"))));
    assertThat(r.stored()).isEqualTo(2);
    assertThat(r.reason()).isEqualTo("family_series_limit");
    var r2 = store.apply(batch(metric("n", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        num(1, 1, "i", "1"), num(1, 1, "i", "2"))));
    assertThat(r2.stored()).isEqualTo(1);
    assertThat(r2.reason()).isEqualTo("series_limit");
    // existing series still update
    var r3 = store.apply(batch(metric("m", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(5, 2, "i", "1"))));
    assertThat(r3.refused()).isZero();
  }

  @Test
  void resourceAttributesGoToTargetInfoAndScopeToLabels() {
    Labels resource = Labels.of("service.name", "cart", "service.namespace", "shop", "service.instance.id", "i-1",
        "host.name", "node-7", "k8s.pod.name", "cart-abc");
    store.apply(batch(resource, new InstrumentationScope("io.opentelemetry.runtime", "2.1", Labels.empty()),
        metric("up.time", "s", MetricType.GAUGE, Temporality.CUMULATIVE, num(3, 1))));
    assertThat(scrape())
        .contains("target_info{host_name=\"node-7\",instance=\"i-1\",job=\"shop/cart\",k8s_pod_name=\"cart-abc\",} 1.0")
        .contains("up_time_seconds{instance=\"i-1\",job=\"shop/cart\",otel_scope_name=\"io.opentelemetry.runtime\","
            + "otel_scope_version=\"2.1\",} 3.0");
  }

  @Test
  void attributesThatSanitizeAlikeAreJoinedAndEmptyOnesDropped() {
    store.apply(batch(metric("m", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        num(1, 1, "a.b", "x", "a_b", "y", "empty", ""))));
    assertThat(scrape()).contains("m{a_b=\"x;y\",instance=\"pod-1\",job=\"api\",} 1.0").doesNotContain("empty");
  }

  @Test
  void openMetricsIsNegotiatedByAcceptWhenEnabled() {
    store.apply(batch(metric("jobs", "", MetricType.COUNTER, Temporality.CUMULATIVE, num(1, 1))));
    String accept = "application/openmetrics-text; version=1.0.0";
    var r = new ScrapeHandler(registry, collector, true).scrape(accept, null, Set.of());
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.contentType()).startsWith("application/openmetrics-text");
    assertThat(text).contains("# TYPE jobs counter").contains("jobs_total{").endsWith("# EOF\n");

    // enable_open_metrics: false (the default) answers the same request in the text format
    var plain = new ScrapeHandler(registry, collector, false).scrape(accept, null, Set.of());
    assertThat(plain.contentType()).startsWith("text/plain; version=0.0.4");
    assertThat(new String(plain.body(), StandardCharsets.UTF_8)).contains("# TYPE jobs_total counter")
        .doesNotContain("# EOF");
  }

  @Test
  void gzipWhenAsked() throws Exception {
    store.apply(batch(metric("jobs", "", MetricType.COUNTER, Temporality.CUMULATIVE, num(1, 1))));
    var r = new ScrapeHandler(registry, collector, false).scrape(null, "deflate, gzip;q=0.8", Set.of());
    assertThat(r.contentEncoding()).isEqualTo("gzip");
    String text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
        .readAllBytes(), StandardCharsets.UTF_8);
    assertThat(text).contains("jobs_total");
    assertThat(new ScrapeHandler(registry, collector, false).scrape(null, "gzip;q=0", Set.of()).contentEncoding()).isEmpty();
  }
}
