package dev.rosetta.receiver.it;

import static dev.rosetta.receiver.it.ForwardingTest.await;
import static dev.rosetta.receiver.it.ForwardingTest.counter;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rosetta.receiver.forward.DebugExporter;
import io.grpc.ManagedChannel;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * {@code service.pipelines} running: fan-out to an OTLP/gRPC and an OTLP/HTTP exporter, each with its
 * own queue, to real receivers (a gRPC sink and a second Rosetta's OTLP/HTTP receiver); OTLP/HTTP
 * answers 503 with {@code Retry-After}, 400 and {@code partial_success}; Rosetta's stages reordered
 * with an observable difference; the debug exporter's lines; the health_check extension.
 */
class PipelinesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static void send(RunningRosetta r, String instance, int points) {
    ManagedChannel ch = ForwardingTest.channel(r);
    try {
      MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).export(counter(instance, points));
    } finally {
      ch.shutdownNow();
    }
  }

  private static double metric(String exposition, String line) {
    for (String l : exposition.split("\n")) {
      if (l.startsWith(line + " ")) {
        return Double.parseDouble(l.substring(line.length() + 1).trim());
      }
    }
    return 0;
  }

  /** A Logger handler that keeps what the debug exporter writes. */
  private static final class Lines extends Handler implements AutoCloseable {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(DebugExporter.class.getName());

    Lines() {
      logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
      lines.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
    }
  }

  @Test
  void fanOutToOtlpAndOtlpHttpEachWithItsOwnQueue() throws Exception {
    try (LoopbackOtlpSink grpcSink = new LoopbackOtlpSink();
        RunningRosetta downstream = new RunningRosetta("");
        Lines debug = new Lines();
        RunningRosetta upstream = RunningRosetta.withYaml(RunningRosetta.listeners("", "", "") + """
              otlp/a:
                endpoint: http://127.0.0.1:%d
                sending_queue: {queue_size: 11}
                retry_on_failure: {initial_interval: 50ms, max_interval: 100ms}
              otlphttp/b:
                endpoint: %s
                sending_queue: {queue_size: 22}
                retry_on_failure: {initial_interval: 50ms, max_interval: 100ms}
              otlp/unused:
                endpoint: http://127.0.0.1:1
              debug: {verbosity: basic}
            processors:
              batch: {timeout: 10ms}
            service:
              shutdown_timeout: 1s
              pipelines:
                metrics:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [otlp/a, otlphttp/b, debug, prometheus]
            """.formatted(grpcSink.port(), downstream.httpBase()), null)) {
      send(upstream, "pod-1", 3);
      await("3 points at the gRPC sink", () -> grpcSink.points() == 3);
      await("the series at the OTLP/HTTP downstream", () -> {
        try {
          return downstream.scrape().contains("invoices_issued_total{");
        } catch (Exception e) {
          return false;
        }
      });
      String m = upstream.scrape();
      await("both exporters acknowledged", () -> {
        try {
          String s = upstream.scrape();
          return metric(s, "rosetta_exporter_sent_points_total{exporter=\"otlp/a\",}") == 3
              && metric(s, "rosetta_exporter_sent_points_total{exporter=\"otlphttp/b\",}") == 3;
        } catch (Exception e) {
          return false;
        }
      });
      m = upstream.scrape();
      // each exporter its own queue; the unused one is not started
      assertThat(metric(m, "rosetta_exporter_queue_capacity{exporter=\"otlp/a\",}")).isEqualTo(11);
      assertThat(metric(m, "rosetta_exporter_queue_capacity{exporter=\"otlphttp/b\",}")).isEqualTo(22);
      assertThat(m).doesNotContain("exporter=\"otlp/unused\"");
      // the pipeline lists prometheus: the series are on /metrics too
      assertThat(m).contains("invoices_issued_total{");
      assertThat(debug.lines).contains("debug: 1 metric, 3 data points");
    }
  }

  @Test
  void withoutPrometheusInThePipelineMetricsShowsOnlyRosettasOwn() throws Exception {
    try (LoopbackOtlpSink grpcSink = new LoopbackOtlpSink();
        RunningRosetta upstream = RunningRosetta.withYaml(RunningRosetta.listeners("", "", "") + """
              otlp: {endpoint: "http://127.0.0.1:%d"}
            service:
              pipelines: {metrics: {receivers: [otlp], exporters: [otlp]}}
            """.formatted(grpcSink.port()), null)) {
      send(upstream, "pod-1", 2);
      await("2 points at the sink", () -> grpcSink.points() == 2);
      String m = upstream.scrape();
      assertThat(m).doesNotContain("invoices_issued").contains("rosetta_exporter_sent_points_total");
    }
  }

  /**
   * A front for the downstream's OTLP/HTTP receiver that answers each request from a script first
   * (status, headers, body) and relays to the downstream once the script is used up.
   */
  private static final class Front implements AutoCloseable {
    record Answer(int status, String retryAfter, byte[] body) {}

    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    final AtomicInteger relayed = new AtomicInteger();
    private final List<Answer> script;
    private final HttpServer server;
    private final URI target;

    Front(URI target, List<Answer> script) throws IOException {
      this.target = target;
      this.script = new CopyOnWriteArrayList<>(script);
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/v1/metrics", this::handle);
      server.start();
    }

    String base() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
      arrivals.add(System.nanoTime());
      byte[] body = ex.getRequestBody().readAllBytes();
      Answer a = script.isEmpty() ? null : script.remove(0);
      if (a == null) {
        HttpRequest.Builder relay = HttpRequest.newBuilder(target.resolve("/v1/metrics"))
            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"));
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null) {
          relay.header("Content-Encoding", encoding);
        }
        HttpResponse<byte[]> r;
        try {
          r = HTTP.send(relay.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
        relayed.incrementAndGet();
        a = new Answer(r.statusCode(), null, r.body());
      }
      if (a.retryAfter() != null) {
        ex.getResponseHeaders().add("Retry-After", a.retryAfter());
      }
      ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
      ex.getResponseBody().write(a.body());
      ex.close();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static String otlpHttpTo(Front front) {
    return RunningRosetta.listeners("", "", "") + """
          otlphttp:
            endpoint: %s
            compression: gzip
            timeout: 5s
            retry_on_failure: {initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 30s}
            batch: {timeout: 10ms}
        service:
          shutdown_timeout: 1s
        """.formatted(front.base());
  }

  @Test
  void otlpHttp503WithRetryAfterIsRetriedAfterTheAskedDelay() throws Exception {
    try (RunningRosetta downstream = new RunningRosetta("");
        Front front = new Front(URI.create(downstream.httpBase()),
            List.of(new Front.Answer(503, "1", new byte[0])));
        RunningRosetta upstream = RunningRosetta.withYaml(otlpHttpTo(front), null)) {
      send(upstream, "pod-1", 4);
      await("relayed to the downstream", () -> front.relayed.get() == 1);
      await("the series at the downstream", () -> {
        try {
          return downstream.scrape().contains("invoices_issued_total{");
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(front.arrivals).hasSize(2);
      long gap = front.arrivals.get(1) - front.arrivals.get(0);
      assertThat(Duration.ofNanos(gap)).as("the retry waits for Retry-After: 1, not the 50ms backoff")
          .isGreaterThanOrEqualTo(Duration.ofMillis(950));
      await("sent counted", () -> {
        try {
          return metric(upstream.scrape(), "rosetta_exporter_sent_points_total{exporter=\"otlphttp\",}") == 4;
        } catch (Exception e) {
          return false;
        }
      });
      String m = upstream.scrape();
      assertThat(metric(m, "rosetta_exporter_send_failed_requests_total{exporter=\"otlphttp\",code=\"UNAVAILABLE\",}"))
          .isEqualTo(1);
      assertThat(metric(m, "rosetta_exporter_retries_total{exporter=\"otlphttp\",}")).isEqualTo(1);
    }
  }

  @Test
  void otlpHttp400IsDroppedAndPartialSuccessIsCounted() throws Exception {
    byte[] partial = ExportMetricsServiceResponse.newBuilder().setPartialSuccess(ExportMetricsPartialSuccess
        .newBuilder().setRejectedDataPoints(2).setErrorMessage("2 points too old")).build().toByteArray();
    try (RunningRosetta downstream = new RunningRosetta("");
        Front front = new Front(URI.create(downstream.httpBase()), List.of(
            new Front.Answer(400, null, com.google.rpc.Status.newBuilder().setCode(3).setMessage("bad data")
                .build().toByteArray()),
            new Front.Answer(200, null, partial)));
        RunningRosetta upstream = RunningRosetta.withYaml(otlpHttpTo(front), null)) {
      send(upstream, "pod-1", 3);
      await("the 400 answered", () -> front.arrivals.size() == 1);
      await("dropped as non-retryable", () -> {
        try {
          return metric(upstream.scrape(),
              "rosetta_exporter_dropped_points_total{exporter=\"otlphttp\",reason=\"non_retryable\",}") == 3;
        } catch (Exception e) {
          return false;
        }
      });
      send(upstream, "pod-2", 5);
      await("partial success counted", () -> {
        try {
          String s = upstream.scrape();
          return metric(s, "rosetta_exporter_dropped_points_total{exporter=\"otlphttp\",reason=\"rejected_by_downstream\",}")
              == 2 && metric(s, "rosetta_exporter_sent_points_total{exporter=\"otlphttp\",}") == 3;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(front.arrivals).as("a 400 is not retried").hasSize(2);
      assertThat(metric(upstream.scrape(),
          "rosetta_exporter_send_failed_requests_total{exporter=\"otlphttp\",code=\"INVALID_ARGUMENT\",}")).isEqualTo(1);
    }
  }

  /**
   * One relabel rule that drops the family by its Prometheus name: placed before semantic_views it
   * sees the raw OTLP name ({@code invoices.issued}) and drops nothing; placed after, it sees {@code
   * invoices_issued_total} and drops the family.
   */
  @Test
  void reorderedStagesChangeTheResult() throws Exception {
    String processors = """
        processors:
          relabel/x:
            metric_relabel_configs: [{source_labels: [__name__], regex: invoices_issued_total, action: drop}]
          semantic_views: {}
        service:
          pipelines:
            metrics: {receivers: [otlp], processors: [%s], exporters: [prometheus]}
        """;
    try (RunningRosetta before = RunningRosetta.withYaml(RunningRosetta.listeners("", "", "")
            + processors.formatted("relabel/x, semantic_views"), null);
        RunningRosetta after = RunningRosetta.withYaml(RunningRosetta.listeners("", "", "")
            + processors.formatted("semantic_views, relabel/x"), null)) {
      send(before, "pod-1", 3);
      send(after, "pod-1", 3);
      assertThat(before.scrape()).contains("invoices_issued_total{");
      String m = after.scrape();
      assertThat(m).doesNotContain("invoices_issued_total{");
      assertThat(metric(m, "rosetta_pipeline_dropped_points_total{stage=\"relabel/x\",}")).isEqualTo(3);
    }
  }

  @Test
  void healthCheckAnswers200ThenUnavailableOnAFault() throws Exception {
    try (RunningRosetta r = new RunningRosetta("""
        extensions:
          health_check: {endpoint: "127.0.0.1:0", path: /health/status}
        service:
          extensions: [health_check]
        """)) {
      int port = r.service.healthCheckAddresses().get(0).getPort();
      HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/health/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(ok.body()).startsWith("{\"status\":\"Server available\",\"upSince\":\"");
      HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(404);
      r.service.health().fatal("a test task", new IllegalStateException("it \"broke\""));
      HttpResponse<String> down = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/health/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).startsWith("{\"status\":\"Server not available\"").contains("a test task")
          .contains("\\\"broke\\\"");
    }
  }
}
