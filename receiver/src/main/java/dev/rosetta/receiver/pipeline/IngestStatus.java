package dev.rosetta.receiver.pipeline;

import io.grpc.Status;

/**
 * The one status table for both OTLP transports (OTLP specification, "Failures"): each failure
 * class with its HTTP status, its gRPC code and the {@code outcome} label of
 * {@code rosetta_receiver_requests_total}.
 */
public enum IngestStatus {
  /** Everything accepted, or some points refused: answered with {@code partial_success}. */
  OK(200, Status.Code.OK, "ok"),
  /** A missing or invalid credential (the receiver has {@code auth}); the body was not read. */
  UNAUTHENTICATED(401, Status.Code.UNAUTHENTICATED, "unauthenticated"),
  /** The body is not a valid OTLP message in its encoding. */
  MALFORMED(400, Status.Code.INVALID_ARGUMENT, "malformed"),
  /** No route for the path (HTTP only). */
  NOT_FOUND(404, Status.Code.UNIMPLEMENTED, "not_found"),
  /** A method other than POST (HTTP only). */
  METHOD_NOT_ALLOWED(405, Status.Code.UNIMPLEMENTED, "method_not_allowed"),
  /** The body, after decompression, exceeds the configured limit. */
  TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED, "too_large"),
  /** A Content-Type or Content-Encoding the receiver does not read. */
  UNSUPPORTED_MEDIA_TYPE(415, Status.Code.INVALID_ARGUMENT, "unsupported_media_type"),
  /** The forward queue is full or the service is stopping: retry later, nothing was applied. */
  OVERLOADED(503, Status.Code.UNAVAILABLE, "overloaded"),
  /** A fault of the service itself. */
  INTERNAL(500, Status.Code.INTERNAL, "internal");

  public final int httpStatus;
  public final Status.Code grpcCode;
  public final String outcome;

  IngestStatus(int httpStatus, Status.Code grpcCode, String outcome) {
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
    this.outcome = outcome;
  }

  /** Whether the sender should retry (the response carries Retry-After / RetryInfo). */
  public boolean retryable() {
    return this == OVERLOADED;
  }
}
