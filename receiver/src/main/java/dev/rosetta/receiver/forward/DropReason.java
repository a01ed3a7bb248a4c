package dev.rosetta.receiver.forward;

/**
 * Why accepted data points were not delivered. Each reason is the {@code reason} label value of
 * {@code rosetta_exporter_dropped_points_total}; every accepted point ends up counted once, as sent
 * or under one of these.
 */
public enum DropReason {
  /** The downstream refused the request with a status the OTLP specification says not to retry. */
  NON_RETRYABLE("non_retryable"),
  /**
   * The downstream answered {@code RESOURCE_EXHAUSTED} without {@code google.rpc.RetryInfo}: by the
   * OTLP specification it will not recover by itself, so the request is not retried.
   */
  RESOURCE_EXHAUSTED("resource_exhausted"),
  /**
   * Retryable failures lasted longer than {@code retry_on_failure.max_elapsed_time} (or retries
   * are disabled), and no attempt can have reached the downstream.
   */
  RETRIES_EXHAUSTED("retries_exhausted"),
  /**
   * Given up (retries exhausted, a final refusal, or shutdown) after at least one attempt whose
   * outcome is unknown: the request was sent but no answer came (deadline exceeded, connection lost
   * after sending). The downstream may hold these points or not; its count lies between {@code
   * sent} and {@code sent + unacknowledged} (plus {@code resent}, see the exporter metrics).
   */
  UNACKNOWLEDGED("unacknowledged"),
  /** Still queued or in flight in a memory queue when the shutdown deadline passed. */
  SHUTDOWN("shutdown"),
  /** The downstream accepted the request but reported these points in {@code partial_success}. */
  REJECTED_BY_DOWNSTREAM("rejected_by_downstream"),
  /**
   * A record of the file queue failed its checksum when read back (its point count was intact):
   * the storage changed it after it was written.
   */
  CORRUPTED("corrupted"),
  /** A record of the file queue could not be read back (an I/O error of the storage). */
  STORAGE_ERROR("storage_error");

  private final String label;

  DropReason(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }
}
