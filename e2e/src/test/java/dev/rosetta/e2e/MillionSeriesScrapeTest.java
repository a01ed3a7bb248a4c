package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} with a million series on a 512 MiB heap: the scrape streams (chunked, gzip on the
 * way, one family at a time), so it answers in full, plain and gzip, while the store holds them all,
 * and the service stays healthy.
 */
@ExtendWith(PeerLogs.class)
class MillionSeriesScrapeTest {
  static final int FAMILIES = 100;
  static final int SERIES_PER_FAMILY = 10_000;
  /** The store may take a million series; the soft limit leaves room for them. */
  static final String CONFIG = """
      limits: {max_series: 1100000, max_series_per_family: 20000}
      processors: {memory_limiter: {limit_percentage: 95, spike_limit_percentage: 10}}
      """;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aMillionSeriesAreScrapedInFullPlainAndGzip() throws Exception {
    try (RosettaProcess r = RosettaProcess.start(getClass(), "million", tmp, RosettaProcess.Ports.free(), "", CONFIG,
        List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"))) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI otlp = URI.create(r.httpBase() + "/v1/metrics");
      for (int f = 0; f < FAMILIES; f++) {
        byte[] body = family(f).toByteArray();
        int code;
        do {
          code = client.send(HttpRequest.newBuilder(otlp).header("Content-Type", "application/x-protobuf")
              .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
          if (code == 503) {
            Thread.sleep(500);
          }
        } while (code == 503);
        assertThat(code).as("family %d", f).isEqualTo(200);
      }
      long t0 = System.nanoTime();
      assertThat(countSeries(client, r, false)).as("series in the plain scrape").isEqualTo(FAMILIES * SERIES_PER_FAMILY);
      long plainMs = (System.nanoTime() - t0) / 1_000_000;
      t0 = System.nanoTime();
      assertThat(countSeries(client, r, true)).as("series in the gzip scrape").isEqualTo(FAMILIES * SERIES_PER_FAMILY);
      long gzipMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("a million series: plain scrape " + plainMs + " ms, gzip scrape " + gzipMs + " ms, RSS "
          + (r.rssBytes() >> 20) + " MiB");
      assertThat(r.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(r.logText()).doesNotContain("OutOfMemoryError").doesNotContain("scrape of /metrics");
      r.stopCleanly();
    }
  }

  static long countSeries(HttpClient client, RosettaProcess r, boolean gzip) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + r.metricsTarget() + "/metrics"))
        .timeout(Duration.ofMinutes(3));
    if (gzip) {
      b.header("Accept-Encoding", "gzip");
    }
    HttpResponse<InputStream> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("transfer-encoding")).hasValue("chunked");
    long n = 0;
    InputStream raw = resp.body();
    try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("million_")) {
          n++;
        }
      }
      // the gzip stream ends before the response does (its last, empty chunk): read that too, as a
      // scraper does, so that closing does not cut the server's last write
      assertThat(raw.transferTo(OutputStream.nullOutputStream())).as("bytes after the gzip stream").isZero();
    }
    return n;
  }

  /** One family of {@value #SERIES_PER_FAMILY} gauge series. */
  static ExportMetricsServiceRequest family(int f) {
    Gauge.Builder g = Gauge.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int s = 0; s < SERIES_PER_FAMILY; s++) {
      g.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(s)
          .addAttributes(KeyValue.newBuilder().setKey("s").setValue(AnyValue.newBuilder().setStringValue(
              Integer.toString(s)))));
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("million"))))
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("million.family." + f)
            .setGauge(g))))
        .build();
  }
}
