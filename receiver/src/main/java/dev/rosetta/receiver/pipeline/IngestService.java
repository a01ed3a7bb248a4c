package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.MetricBatch;
import dev.rosetta.receiver.store.ReplacingSource;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The transport-neutral core every receiver calls with the batch it decoded: stages → store prepare
 * → forward queue → store commit. It knows no wire format: receivers decode, the forward target
 * encodes, and a request that no stage changed travels through as an opaque handle.
 *
 * <p>The store first decides every point ({@link SeriesStore#prepare}): its series, its source, the
 * refusals (collisions, limits) and the aggregates, without changing what a scrape shows. What it
 * accepts — refused points left out, aggregated families as their aggregates — is offered to the
 * forward queue; when the queue refuses, the request is answered OVERLOADED and nothing of it is
 * applied, so a sender's retry cannot count anything twice. Only then is the batch committed.
 * Thread-safe; called from the ingest threads ({@code rosetta-ingest-N}, {@code
 * rosetta-ingest-large-N}), the scrape workers, and for a small request whose way cannot wait
 * ({@link #mayWait}) the event loop that read it; it blocks only as long as the forward offer does.
 */
public final class IngestService {
  /**
   * The answer to one export request: for an accepted one, the points refused and the reasons (the
   * receiver reports them as OTLP {@code partial_success} when either is there).
   */
  public record Outcome(IngestStatus status, long rejectedPoints, String message, Duration retryAfter) {
    public static Outcome ok(long rejected, String message) {
      return new Outcome(IngestStatus.OK, rejected, message, Duration.ZERO);
    }
  }

  private final AtomicReference<MetricStage> pipeline;
  private final SeriesStore store;
  private final Optional<ForwardTarget> forward;
  private final SelfMetrics metrics;
  private final Duration retryAfter;
  private volatile boolean accepting = true;
  private volatile LabelLimits labelLimits = LabelLimits.NONE;

  public IngestService(
      MetricStage pipeline, SeriesStore store, Optional<ForwardTarget> forward, SelfMetrics metrics,
      Duration retryAfter) {
    this.pipeline = new AtomicReference<>(Objects.requireNonNull(pipeline, "pipeline"));
    this.store = Objects.requireNonNull(store, "store");
    this.forward = Objects.requireNonNull(forward, "forward");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** Replaces the stages atomically; requests in flight finish with the old ones. */
  public void swapPipeline(MetricStage next) {
    pipeline.set(Objects.requireNonNull(next, "next"));
  }

  /** Puts label limits in force for the requests that start from now on. */
  public void setLabelLimits(LabelLimits limits) {
    labelLimits = Objects.requireNonNull(limits, "limits");
  }

  /** After this, every request is answered OVERLOADED (used while stopping). */
  public void stopAccepting() {
    accepting = false;
  }

  /**
   * Ingests a batch already decoded by a receiver.
   *
   * @param preRejected points the decoder refused
   * @param preMessage the decoder's reasons ("" when none)
   * @param original an opaque handle on the wire request, when it holds exactly the batch (handed to
   *     the forward target if no stage changes the batch, see {@link ForwardTarget#offer}), else null
   */
  public Outcome ingest(MetricBatch decoded, int preRejected, String preMessage,
      Object original, String transport) {
    return ingest(decoded, preRejected, preMessage, original, transport, null);
  }

  /**
   * Ingests the batch of a replacing source (a scrape target): in the store it replaces the
   * source's previous batch, so series the source no longer writes are removed, and the source's
   * identity is part of its points' ({@link SeriesStore#prepare(MetricBatch, ReplacingSource)}).
   *
   * @param source the replacing source, or null for an ordinary batch
   */
  public Outcome ingest(MetricBatch decoded, int preRejected, String preMessage,
      Object original, String transport, ReplacingSource source) {
    metrics.refused(transport, "invalid", preRejected);
    if (!accepting) {
      int n = decoded.pointCount();
      metrics.refused(transport, "stopping", n);
      metrics.request(transport, IngestStatus.OVERLOADED.outcome);
      return new Outcome(IngestStatus.OVERLOADED, n, "the service is stopping", retryAfter);
    }
    LabelLimits.Result limited = labelLimits.apply(decoded);
    if (limited.refused() > 0) {
      limited.refusedByReason().forEach((reason, n) -> metrics.refused(transport, reason, n));
      decoded = limited.batch();
      original = null;
      preRejected += (int) limited.refused();
      preMessage = preMessage.isEmpty() ? limited.message() : preMessage + "; " + limited.message();
    }
    StageRefusals stageRefusals = new StageRefusals();
    MetricBatch batch = pipeline.get().process(decoded, stageRefusals);
    SeriesStore.ApplyResult applied;
    try (SeriesStore.Ingest prepared = store.prepare(batch, source)) {
      MetricBatch out = prepared.forwardBatch();
      int points = out.pointCount();
      if (forward.isPresent() && points > 0) {
        if (!forward.get().offer(out, out == decoded ? original : null, points)) {
          metrics.refused(transport, "forward_queue_full", decoded.pointCount());
          metrics.request(transport, IngestStatus.OVERLOADED.outcome);
          return new Outcome(IngestStatus.OVERLOADED, decoded.pointCount() + preRejected,
              "the forward queue is full; retry later", retryAfter);
        }
      }
      applied = store.commit(prepared);
    }
    stageRefusals.byReason().forEach((reason, n) -> metrics.refused(transport, reason, n));
    applied.refusedByReason().forEach((reason, n) -> metrics.refused(transport, reason, n));
    long rejected = preRejected + stageRefusals.total() + applied.refused();
    metrics.accepted(transport, decoded.pointCount() - stageRefusals.total() - applied.refused());
    String message = join(preMessage, stageRefusals.message());
    if (applied.refused() > 0) {
      message = join(message, applied.message());
    }
    metrics.request(transport, rejected > 0 ? "partial" : IngestStatus.OK.outcome);
    return Outcome.ok(rejected, message);
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
  }

  /**
   * Whether a request may wait for something other than the CPU on its way: a stage that says so,
   * or a forward target that writes to disk. When neither may, a small request is handled on the
   * event loop that read it.
   */
  public boolean mayWait() {
    return pipeline.get().mayWait() || forward.isPresent() && forward.get().mayWait();
  }

  /** The stages in force (the status page finds the views there). */
  public MetricStage pipeline() {
    return pipeline.get();
  }

  /** Removes what a replacing source wrote (a scrape target that is gone); returns the series removed. */
  public int forgetSource(ReplacingSource source) {
    return store.forgetSource(source);
  }

  /** Counts a request refused before it reached the pipeline (bad media type, too large, ...). */
  public void refusedRequest(String transport, IngestStatus status) {
    metrics.request(transport, status.outcome);
  }
}
