package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.MetricBatch;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.server.IngestRoute;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Which thread handles an OTLP/HTTP request: a small body without a Content-Encoding is handled on
 * the event loop that read it when nothing on its way may wait; a compressed one, a larger one, or
 * any request whose pipeline has a stage that may wait goes to an ingest lane.
 */
class WhereRequestsRunTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  /** Records the thread that ran the pipeline for the last batch. */
  static final class Recorder implements MetricStage {
    final AtomicReference<String> thread = new AtomicReference<>();
    final boolean mayWait;

    Recorder(boolean mayWait) {
      this.mayWait = mayWait;
    }

    @Override
    public MetricBatch process(MetricBatch batch) {
      thread.set(Thread.currentThread().getName());
      return batch;
    }

    @Override
    public boolean mayWait() {
      return mayWait;
    }

    com.google.inject.Module module() {
      return StageWiring.pipelineOf(this);
    }
  }

  private static String post(RunningRosetta r, Recorder rec, byte[] body, boolean gzip) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(r.httpBase() + "/v1/metrics"))
        .header("Content-Type", "application/x-protobuf").timeout(WAIT);
    if (gzip) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream z = new GZIPOutputStream(out)) {
        z.write(body);
      }
      body = out.toByteArray();
      b.header("Content-Encoding", "gzip");
    }
    rec.thread.set(null);
    HttpResponse<String> resp = r.http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(200);
    return rec.thread.get();
  }

  @Test
  void aSmallPlainBodyRunsOnTheEventLoopAndTheRestOnTheIngestLanes() throws Exception {
    Recorder rec = new Recorder(false);
    try (RunningRosetta r = new RunningRosetta("", rec.module())) {
      byte[] small = Bodies.small("a");
      assertThat(post(r, rec, small, false)).startsWith("otlp-http-");
      assertThat(post(r, rec, small, true)).as("a compressed body may inflate to any size")
          .startsWith("rosetta-ingest-").doesNotStartWith("rosetta-ingest-large");
      byte[] justOver = Bodies.ofSize("big.gauge", "b", IngestRoute.INLINE_BODY_BYTES + 2048);
      assertThat(justOver.length).isGreaterThan(IngestRoute.INLINE_BODY_BYTES);
      assertThat(post(r, rec, justOver, false)).startsWith("rosetta-ingest-");
      byte[] justUnder = Bodies.ofSize("big.gauge", "c", IngestRoute.INLINE_BODY_BYTES - 4096);
      assertThat(justUnder.length).isLessThanOrEqualTo(IngestRoute.INLINE_BODY_BYTES);
      assertThat(post(r, rec, justUnder, false)).startsWith("otlp-http-");
      // what was handled on the event loop is in the store like the rest
      HttpResponse<String> scrape = r.http.send(HttpRequest.newBuilder(URI.create(r.metricsBase() + "/metrics"))
          .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.body()).contains("small_gauge{id=\"a\"").contains("big_gauge{id=\"c\"");
    }
  }

  @Test
  void aStageThatMayWaitKeepsEveryRequestOffTheEventLoops() throws Exception {
    Recorder rec = new Recorder(true);
    try (RunningRosetta r = new RunningRosetta("", rec.module())) {
      assertThat(post(r, rec, Bodies.small("a"), false)).startsWith("rosetta-ingest-");
    }
  }
}
