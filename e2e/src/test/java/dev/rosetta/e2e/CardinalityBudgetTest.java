package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cardinality explosion against the packaged service in its own JVM with {@code -Xmx512m}: one
 * client sends 1,000,000 distinct metric names. The series budget derived from the heap turns the
 * explosion into refused new series — each request answered 200 with a partial success that counts
 * them, the refusals counted by reason, one log line — and the service stays healthy: {@code
 * /healthz} answers 200 and {@code /metrics} answers with every series it holds.
 */
@ExtendWith(PeerLogs.class)
class CardinalityBudgetTest {
  static final int NAMES = 1_000_000;
  static final int PER_REQUEST = 10_000;

  @TempDir Path tmp;

  static ExportMetricsServiceRequest names(int start, int count) {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    for (int i = start; i < start + count; i++) {
      scope.addMetrics(Metric.newBuilder().setName("cardinality.metric." + i).setGauge(Gauge.newBuilder()
          .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(i).setTimeUnixNano(1_700_000_000_000_000_000L))));
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "explosion"))
            .addAttributes(kv("service.instance.id", "sender-1")))
        .addScopeMetrics(scope)).build();
  }

  /** {@code jcmd <pid> GC.heap_info} of the service, for the record (not asserted). */
  static String heapInfo(Process p) throws Exception {
    Path jcmd = Peers.java().resolveSibling("jcmd");
    if (!java.nio.file.Files.isExecutable(jcmd)) {
      return "(no jcmd next to " + Peers.java() + ")";
    }
    Process q = new ProcessBuilder(jcmd.toString(), Long.toString(p.pid()), "GC.heap_info").redirectErrorStream(true)
        .start();
    String out = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    q.waitFor(30, TimeUnit.SECONDS);
    return "service heap after the explosion and a scrape:\n" + out;
  }

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void aMillionDistinctNamesEndInRefusedSeriesNotInAnExhaustedHeap() throws Exception {
    try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "cardinality", tmp)) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI target = URI.create(rosetta.httpBase() + "/v1/metrics");
      long rejected = 0;
      long retried = 0;
      long started = System.nanoTime();
      for (int start = 0; start < NAMES; start += PER_REQUEST) {
        byte[] body = names(start, PER_REQUEST).toByteArray();
        HttpResponse<byte[]> resp;
        int attempts = 0;
        while (true) {
          resp = http.send(HttpRequest.newBuilder(target).header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          if (resp.statusCode() != 503 || ++attempts > 20) {
            break;
          }
          retried++; // overload answered as the OTLP specification says: retry after a while
          Thread.sleep(Math.min(5000, 1000L * Integer.parseInt(resp.headers().firstValue("Retry-After").orElse("1"))));
        }
        assertThat(resp.statusCode()).as("request at name %d; log:%n%s", start, rosetta.logText()).isEqualTo(200);
        ExportMetricsServiceResponse answer = ExportMetricsServiceResponse.parseFrom(resp.body());
        long r = answer.getPartialSuccess().getRejectedDataPoints();
        if (r > 0) {
          assertThat(answer.getPartialSuccess().getErrorMessage()).contains("series_limit: " + r);
        }
        rejected += r;
      }
      long sendMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(rosetta.get("/healthz").statusCode()).as("healthy after the explosion").isEqualTo(200);
      long scrapeStart = System.nanoTime();
      HttpResponse<String> scrape = rosetta.get("/metrics");
      long scrapeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scrapeStart);
      assertThat(scrape.statusCode()).as("GET /metrics").isEqualTo(200);
      Exposition m = Exposition.parse(scrape.body());
      double series = m.sum("rosetta_store_series");
      double budget = m.sum("rosetta_store_series_limit");
      long exposed = scrape.body().lines().filter(l -> l.startsWith("cardinality_metric_")).count();
      // Rosetta's own JVM metrics (job="rosetta") hold their series from the start, within the budget
      long own = scrape.body().lines().filter(l -> !l.startsWith("#") && l.contains("job=\"rosetta\"")).count();
      System.out.printf("sent %,d names in %,d ms (%d requests retried after 503): %,d stored, %,d refused;"
          + " budget %,.0f; /metrics %,d bytes in %,d ms%n", NAMES, sendMillis, retried, exposed, rejected, budget,
          scrape.body().length(), scrapeMillis);

      assertThat(budget).as("the budget derived from a 512 MiB heap").isPositive().isLessThan(NAMES);
      assertThat(series).as("series held").isLessThanOrEqualTo(budget);
      assertThat(own).as("Rosetta's own JVM series").isPositive();
      assertThat(exposed + own).as("every series held is exposed").isEqualTo((long) series);
      assertThat(exposed + rejected).as("each name stored or refused, none lost").isEqualTo(NAMES);
      assertThat(m.sum("rosetta_store_refused_points_total", java.util.Map.of("reason", "series_limit")))
          .as("refusals counted by reason").isEqualTo((double) rejected);
      assertThat(rosetta.logText().lines().filter(l -> l.contains("reached its budget")).count())
          .as("logged once").isEqualTo(1);
      assertThat(rosetta.logText()).doesNotContain("OutOfMemoryError");
      assertThat(rosetta.process().isAlive()).isTrue();
      System.out.println(heapInfo(rosetta.process()));
      rosetta.stopCleanly();
    }
  }
}
