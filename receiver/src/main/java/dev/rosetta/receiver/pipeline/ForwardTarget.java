package dev.rosetta.receiver.pipeline;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** Where batches leave the service over OTLP (the exporters' sending queues). */
@FunctionalInterface
public interface ForwardTarget {
  /**
   * Offers a request to every exporter, all or none. Called on ingest threads, never on an event
   * loop: it may block briefly (a file queue writes the request, and with {@code fsync} waits for
   * the group commit, before it returns true), at most {@code file_storage.timeout}. Returns false
   * when it cannot be taken (a queue or disk full, shutting down): the caller then refuses its own
   * sender with a retryable status and applies nothing.
   */
  boolean offer(ExportMetricsServiceRequest request, int points);
}
