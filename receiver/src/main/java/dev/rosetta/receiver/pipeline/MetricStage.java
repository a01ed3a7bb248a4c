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
 * waiting for them), and is called concurrently from many threads. A stage that drops data counts
 * what it dropped itself.
 */
@FunctionalInterface
public interface MetricStage {
  MetricBatch process(MetricBatch batch);

  /** The stage that changes nothing. */
  static MetricStage identity() {
    return b -> b;
  }
}
