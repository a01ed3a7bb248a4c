package dev.rosetta.receiver.exposition;

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
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.config.PrometheusExporterConfig.Exposition;
import dev.rosetta.receiver.store.SeriesStore;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The store's families written straight to bytes ({@link StoreCollector#writeText004}, what
 * {@code /metrics} serves) are byte for byte what simpleclient's text format 0.0.4 writer makes of
 * the same families as sample objects ({@link StoreCollector#collect()}).
 */
class StoreTextRenderingTest {
  private static final long NOW = 1_700_000_123_456L;

  /**
   * What simpleclient writes for the collector's families, as the UTF-8 bytes a scrape sends (an
   * unpaired surrogate becomes '?'), read back.
   */
  private static String simpleclient(StoreCollector c) throws Exception {
    StringWriter w = new StringWriter();
    TextFormat.write004(w, Collections.enumeration(c.collect()));
    return new String(w.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static String direct(StoreCollector c) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ExpositionWriter w = new ExpositionWriter(bytes)) {
      c.writeText004(w);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static SeriesStore store() {
    return new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 0, 0), () -> NOW,
        n -> n.startsWith("rosetta_"));
  }

  private static MetricBatch batch(Labels resource, Metric... metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(resource,
        List.of(new ScopeMetrics(InstrumentationScope.empty(), List.of(metrics))))));
  }

  private static Metric metric(String name, String help, String unit, MetricType type, Point... points) {
    return new Metric(name, help, unit, type, Temporality.CUMULATIVE, List.of(points));
  }

  private static NumberPoint num(double v, String... labels) {
    return new NumberPoint(Labels.of(labels), 0, NOW * 1_000_000L, v);
  }

  /** Every kind of family and the values and texts that need care. */
  private static void fill(SeriesStore store) {
    Labels pod1 = Labels.of("service.name", "api", "service.instance.id", "pod-1", "k8s.pod.name", "p\"1\\\n");
    Labels pod2 = Labels.of("service.name", "api", "service.instance.id", "pod-2");
    double[] values = {0, -0.0, 1, -1, 0.5, 1e7, 9_999_999, -9_999_999, 1e-5, 123456.789, 1e300, -1e-300,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Long.MAX_VALUE, 4.9e-324};
    List<Point> gauges = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      gauges.add(num(values[i], "case", "v" + i));
    }
    store.apply(batch(pod1,
        metric("temperature", "Help with \\ backslash\nand line feed", "Cel", MetricType.GAUGE,
            gauges.toArray(Point[]::new)),
        metric("http.server.requests", "", "{request}", MetricType.COUNTER,
            num(7, "method", "GET", "path", "/a\"b\\c\nd"), num(3, "method", "PÖST ✓ \uD83D\uDE00", "path", "")),
        metric("jobs_total", "Jobs.", "", MetricType.COUNTER, num(12)),
        metric("queue.depth", "", "", MetricType.UP_DOWN_COUNTER, num(-4, "queue", "a")),
        metric("latency", "Latency.", "s", MetricType.HISTOGRAM,
            new HistogramPoint(Labels.of("route", "/x"), 0, NOW * 1_000_000L, new double[] {0.005, 0.1, 1, 10},
                new long[] {1, 2, 3, 4, 5}, 15, 42.5, Double.NaN, Double.NaN),
            new HistogramPoint(Labels.of("route", "/y"), 0, NOW * 1_000_000L, new double[] {0.5, 2.5e7},
                new long[] {0, 0, 9}, 9, Double.NaN, Double.NaN, Double.NaN),
            new HistogramPoint(Labels.of("route", "/z"), 0, NOW * 1_000_000L, new double[] {0.005, 0.1, 1, 10},
                new long[] {0, 0, 0, 0, 0}, 0, 0, Double.NaN, Double.NaN)),
        metric("rpc.duration", "", "ms", MetricType.SUMMARY,
            new SummaryPoint(Labels.of("svc", "b"), 0, NOW * 1_000_000L, 10, 55.5, new double[] {0.5, 0.99},
                new double[] {4, 9.5}, Labels.of("svc", "b")))));
    store.apply(batch(pod2, metric("temperature", "Help with \\ backslash\nand line feed", "Cel",
        MetricType.GAUGE, num(21.5, "case", "pod2"))));
  }

  @Test
  void everyKindOfFamilyIsWrittenAsSimpleclientWritesIt() throws Exception {
    SeriesStore store = store();
    fill(store);
    StoreCollector c = new StoreCollector(store);
    String expected = simpleclient(c);
    assertThat(expected).contains("# TYPE latency_seconds histogram").contains("rpc_duration_milliseconds{")
        .contains("target_info{").contains("\\\"").contains("\\n").contains("\uD83D\uDE00").contains("+Inf")
        .contains("-0.0").contains("1.0E7").contains("jobs_total{instance=\"pod-1\",job=\"api\",} 12.0");
    assertThat(direct(c)).isEqualTo(expected);
  }

  @Test
  void namespaceConstantLabelsAndTimestampsAreWrittenAsSimpleclientWritesThem() throws Exception {
    SeriesStore store = store();
    fill(store);
    Map<String, String> constLabels = new LinkedHashMap<>();
    constLabels.put("region", "eu \"west\"");
    constLabels.put("a_first", "1");
    StoreCollector c = new StoreCollector(store, new Exposition("shop", constLabels, true, false));
    String expected = simpleclient(c);
    assertThat(expected).contains("shop_temperature_celsius{a_first=\"1\",").contains(" " + NOW + "\n");
    assertThat(direct(c)).isEqualTo(expected);
  }

  @Test
  void randomLabelValuesAndNumbersAreWrittenAsSimpleclientWritesThem() throws Exception {
    Random random = new Random(20261207);
    for (int round = 0; round < 20; round++) {
      SeriesStore store = store();
      List<Point> points = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        StringBuilder v = new StringBuilder();
        int len = random.nextInt(12);
        for (int j = 0; j < len; j++) {
          // ASCII (quotes, backslashes, line feeds among them), Latin-1, BMP and surrogates, paired or not
          v.append(switch (random.nextInt(6)) {
            case 0 -> "\"\\\n".charAt(random.nextInt(3));
            case 1 -> (char) (0x20 + random.nextInt(0x5F));
            case 2 -> (char) (0xA0 + random.nextInt(0x60));
            case 3 -> (char) (0x800 + random.nextInt(0xD000));
            case 4 -> "\uD83D\uDE00";
            default -> (char) (0xD800 + random.nextInt(0x800));
          });
        }
        double value = switch (random.nextInt(4)) {
          case 0 -> random.nextInt(20_000_000) - 10_000_000;
          case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
          case 2 -> Double.longBitsToDouble(random.nextLong());
          default -> -random.nextInt(100) * 0.25;
        };
        points.add(num(value, "k", v.toString(), "i", Integer.toString(i)));
      }
      store.apply(batch(Labels.of("service.name", "api"),
          metric("m", "", "", MetricType.GAUGE, points.toArray(Point[]::new))));
      StoreCollector c = new StoreCollector(store);
      assertThat(direct(c)).as("round %d", round).isEqualTo(simpleclient(c));
    }
  }

  @Test
  void labelBlocksLongerThanTheirBuffersAreWrittenWhole() throws Exception {
    SeriesStore store = store();
    List<Point> points = new ArrayList<>();
    // longer than the block buffer's first size (256 bytes) and than the writer's buffer (64 KiB)
    for (int len : new int[] {255, 256, 300, 65_535, 65_536, 70_001}) {
      points.add(num(len, "k", "\u00e9\"".repeat(len / 2) + "x".repeat(len % 2), "i", Integer.toString(len)));
    }
    store.apply(batch(Labels.of("service.name", "api"),
        metric("m", "", "", MetricType.GAUGE, points.toArray(Point[]::new))));
    StoreCollector c = new StoreCollector(store);
    String direct = direct(c);
    assertThat(direct).isEqualTo(simpleclient(c));
    assertThat(direct).contains("\u00e9\\\"".repeat(35_000) + "x\",");
  }

  @Test
  void gzipIsTheFastestLevelAndDecompressesToThePlainBody() throws Exception {
    SeriesStore store = store();
    List<Point> points = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      points.add(num(random.nextInt(1_000_000), "pod", "pod-" + i, "zone", "zone-" + (i % 3)));
    }
    store.apply(batch(Labels.of("service.name", "api"),
        metric("queue.depth", "", "", MetricType.GAUGE, points.toArray(Point[]::new))));
    ScrapeHandler handler = new ScrapeHandler(new CollectorRegistry(), new StoreCollector(store), false);
    byte[] plain = handler.scrape(null, null, Set.of()).body();
    byte[] gz = handler.scrape(null, "gzip", Set.of()).body();
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
    assertThat(gz.length).as("a body compressed at the fastest level is larger than the default level's")
        .isGreaterThan(deflated(plain, java.util.zip.Deflater.DEFAULT_COMPRESSION))
        .isLessThanOrEqualTo(deflated(plain, java.util.zip.Deflater.BEST_SPEED) + 64);
  }

  /** The size of the raw deflate stream of {@code body} at {@code level}, its gzip header and trailer added. */
  private static int deflated(byte[] body, int level) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(level, true);
    d.setInput(body);
    d.finish();
    byte[] out = new byte[body.length + 1024];
    int n = 0;
    while (!d.finished()) {
      n += d.deflate(out, n, out.length - n);
    }
    d.end();
    return n + 18;
  }

  @Test
  void aScrapeServesTheRegistryThenTheStoreAndFiltersAndOpenMetricsGoThroughSimpleclient() throws Exception {
    SeriesStore store = store();
    fill(store);
    CollectorRegistry registry = new CollectorRegistry();
    Gauge.build("rosetta_store_series", "Series held.").register(registry).set(3);
    StoreCollector c = new StoreCollector(store);
    ScrapeHandler handler = new ScrapeHandler(registry, c, true);

    String plain = new String(handler.scrape(null, null, Set.of()).body(), StandardCharsets.UTF_8);
    StringWriter own = new StringWriter();
    TextFormat.write004(own, registry.metricFamilySamples());
    assertThat(plain).isEqualTo(own + simpleclient(c));

    ScrapeHandler.Response gz = handler.scrape(null, "gzip", Set.of());
    assertThat(gz.contentEncoding()).isEqualTo("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain);
    }

    String filtered = new String(handler.scrape(null, null, Set.of("latency_seconds_count", "rosetta_store_series"))
        .body(), StandardCharsets.UTF_8);
    assertThat(filtered).contains("rosetta_store_series 3.0").contains("latency_seconds_count{")
        .doesNotContain("latency_seconds_bucket").doesNotContain("temperature");

    String om = new String(handler.scrape("application/openmetrics-text; version=1.0.0", null, Set.of()).body(),
        StandardCharsets.UTF_8);
    assertThat(om).contains("rosetta_store_series 3.0").contains("# TYPE latency_seconds histogram")
        .endsWith("# EOF\n");
    assertThat(om.indexOf("# EOF")).isEqualTo(om.length() - "# EOF\n".length());
  }
}
