package dev.rosetta.receiver.pipeline;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** Where batches leave the service over OTLP (the forwarder's queue). */
@FunctionalInterface
public interface ForwardTarget {
  /**
   * Offers a request without blocking. Returns false when it cannot be taken (queue full or shutting
   * down): the caller then refuses its own sender with a retryable status and applies nothing.
   */
  boolean offer(ExportMetricsServiceRequest request, int points);
}
