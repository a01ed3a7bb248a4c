package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.MetricBatch;

/**
 * Where batches leave the service (the exporters' sending queues). The pipeline hands over model
 * batches; encoding them for the wire is the target's business.
 */
@FunctionalInterface
public interface ForwardTarget {
  /**
   * Offers a batch to every exporter, all or none. Called on ingest threads, and on an event loop
   * only while {@link #mayWait} is false: it may block briefly (a file queue writes the request, and
   * with {@code fsync} waits for the group commit, before it returns true), at most {@code
   * file_storage.timeout}. Returns false
   * when it cannot be taken (a queue or disk full, shutting down): the caller then refuses its own
   * sender with a retryable status and applies nothing.
   *
   * @param original an opaque handle on the request exactly as a receiver decoded it into {@code
   *     batch} (an OTLP receiver passes its wire request), given only while no stage changed the
   *     batch, so that the target may forward it without encoding the batch again; null otherwise
   * @param points the number of data points in {@code batch}
   */
  boolean offer(MetricBatch batch, Object original, int points);

  /**
   * Whether {@link #offer} may wait for I/O (a file queue's disk, a log); true unless the target
   * knows better (a memory queue only takes or refuses).
   */
  default boolean mayWait() {
    return true;
  }
}
