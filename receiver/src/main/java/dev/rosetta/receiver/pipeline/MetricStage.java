package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.MetricBatch;

/**
 * One step of the pipeline between decoding and the sinks (input relabel, semantic views, output
 * relabel).
 *
 * <p>Contract: {@link #process} receives an immutable batch that the caller keeps owning, and returns
 * the batch for the next stage: the same instance when it changes nothing (callers may rely on
 * identity to skip work), otherwise a new one. A stage never mutates its input, does no I/O and
 * holds no lock across calls (it runs on the ingest threads, several at once, with other requests
 * waiting for them, and for a small request on the event loop that read it, see {@link #mayWait}),
 * and is called concurrently from many threads. A stage that drops data counts
 * what it dropped itself; a stage that refuses points for a data reason (they are the sender's
 * problem: a view's output does not fit the input) records them in the request's {@link
 * StageRefusals}, which the sender sees in {@code partial_success}.
 */
@FunctionalInterface
public interface MetricStage {
  MetricBatch process(MetricBatch batch);

  /** {@link #process(MetricBatch)}, recording refused points in {@code refusals}. */
  default MetricBatch process(MetricBatch batch, StageRefusals refusals) {
    return process(batch);
  }

  /**
   * Whether {@link #process} may wait for something other than the CPU. Rosetta's stages never do;
   * a stage that may must say so, and then no request runs on an event loop.
   */
  default boolean mayWait() {
    return false;
  }

  /** The stage that changes nothing. */
  static MetricStage identity() {
    return b -> b;
  }
}
