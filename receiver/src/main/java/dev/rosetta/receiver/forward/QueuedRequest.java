package dev.rosetta.receiver.forward;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.Objects;

/** A request with its data point count, as it sits in the queue or travels as (part of) a batch. */
record QueuedRequest(ExportMetricsServiceRequest request, int points) {
  QueuedRequest {
    Objects.requireNonNull(request, "request");
    if (points < 0) {
      throw new IllegalArgumentException("points must be >= 0, got " + points);
    }
  }

  static QueuedRequest counted(ExportMetricsServiceRequest request) {
    return new QueuedRequest(request, OtlpDataPoints.count(request));
  }
}
