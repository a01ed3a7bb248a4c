package dev.rosetta.receiver.store;

import static dev.rosetta.receiver.store.SeriesStoreTest.batch;
import static dev.rosetta.receiver.store.SeriesStoreTest.metric;
import static dev.rosetta.receiver.store.SeriesStoreTest.num;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.config.PrometheusExporterConfig.Exposition;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.exposition.StoreCollector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Prometheus exporter's namespace, const_labels and send_timestamps on what a scrape shows. */
class ExpositionSettingsTest {
  private static final long RECEIVED_MILLIS = 1_700_000_123_456L;

  private CollectorRegistry registry;
  private StoreCollector collector;
  private SeriesStore store;

  private void start(Exposition exposition) {
    store = new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 0, 0),
        () -> RECEIVED_MILLIS, n -> n.startsWith("rosetta_"));
    registry = new CollectorRegistry();
    collector = new StoreCollector(store, exposition);
    // one of Rosetta's own metrics, on the same registry as in the service
    Gauge.build("rosetta_store_series", "Series held.").register(registry).set(3);
  }

  private String scrape(String accept, boolean openMetrics) {
    return new String(new ScrapeHandler(registry, collector, openMetrics).scrape(accept, null, Set.of()).body(),
        StandardCharsets.UTF_8);
  }

  @Test
  void namespacePrefixesEveryFamilyFromThePipelineButNotRosettasOwnNorTargetInfo() {
    start(new Exposition("shop", Map.of(), false, false));
    store.apply(batch(Labels.of("service.name", "api", "service.instance.id", "pod-1", "k8s.pod.name", "p"),
        dev.rosetta.model.InstrumentationScope.empty(),
        metric("http.server.requests", "{request}", MetricType.COUNTER, Temporality.CUMULATIVE, num(7, 20)),
        metric("queue.depth", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(3, 20))));
    String text = scrape(null, false);
    assertThat(text)
        .contains("# TYPE shop_http_server_requests_total counter")
        .contains("shop_http_server_requests_total{instance=\"pod-1\",job=\"api\",} 7.0")
        .contains("shop_queue_depth{instance=\"pod-1\",job=\"api\",} 3.0")
        .contains("target_info{instance=\"pod-1\",job=\"api\",k8s_pod_name=\"p\",} 1.0")
        .contains("rosetta_store_series 3.0")
        .doesNotContain("shop_target_info")
        .doesNotContain("shop_rosetta");
  }

  @Test
  void constLabelsGoOnEverySeriesAndASeriesOwnLabelKeepsItsValue() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("cluster", "eu-1");
    labels.put("job", "ignored");
    start(new Exposition("", labels, false, false));
    store.apply(batch(
        metric("queue.depth", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(3, 20, "queue", "orders")),
        metric("latency", "s", MetricType.HISTOGRAM, Temporality.CUMULATIVE,
            new HistogramPoint(Labels.empty(), 0, 20, new double[] {1}, new long[] {2, 0}, 2, 0.5, Double.NaN, Double.NaN))));
    String text = scrape(null, false);
    assertThat(text)
        .contains("queue_depth{cluster=\"eu-1\",instance=\"pod-1\",job=\"api\",queue=\"orders\",} 3.0")
        .contains("latency_seconds_bucket{cluster=\"eu-1\",instance=\"pod-1\",job=\"api\",le=\"1.0\",} 2.0")
        .contains("latency_seconds_count{cluster=\"eu-1\",instance=\"pod-1\",job=\"api\",} 2.0")
        .contains("rosetta_store_series 3.0")
        .doesNotContain("ignored");
  }

  @Test
  void sendTimestampsWritesThePointTimeOrTheTimeOfReceipt() {
    start(new Exposition("", Map.of(), true, true));
    long pointNanos = 1_699_999_999_000_000_000L;
    store.apply(batch(
        metric("with.time", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(1, pointNanos)),
        metric("without.time", "", MetricType.GAUGE, Temporality.CUMULATIVE, num(2, 0))));
    assertThat(scrape(null, true))
        .contains("with_time{instance=\"pod-1\",job=\"api\",} 1.0 1699999999000\n")
        .contains("without_time{instance=\"pod-1\",job=\"api\",} 2.0 " + RECEIVED_MILLIS + "\n")
        .contains("rosetta_store_series 3.0\n");
    // OpenMetrics writes timestamps in seconds
    assertThat(scrape("application/openmetrics-text; version=1.0.0", true))
        .contains("with_time{instance=\"pod-1\",job=\"api\"} 1.0 1699999999.000\n");
  }

  @Test
  void withoutSendTimestampsNoSampleHasOne() {
    start(Exposition.defaults());
    store.apply(batch(metric("with.time", "", MetricType.GAUGE, Temporality.CUMULATIVE,
        num(1, 1_699_999_999_000_000_000L))));
    assertThat(scrape(null, false)).contains("with_time{instance=\"pod-1\",job=\"api\",} 1.0\n");
  }
}
