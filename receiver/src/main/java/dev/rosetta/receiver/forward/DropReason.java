package dev.rosetta.receiver.forward;

/**
 * Why accepted data points were not delivered. Each reason is the {@code reason} label value of
 * {@code rosetta_exporter_dropped_points_total}.
 */
public enum DropReason {
  /** The downstream answered a status the OTLP specification says not to retry. */
  NON_RETRYABLE("non_retryable"),
  /**
   * Retryable failures lasted longer than {@code retry.maxElapsedTime}, or retries are disabled.
   */
  RETRIES_EXHAUSTED("retries_exhausted"),
  /** Still queued or in flight when the shutdown deadline passed. */
  SHUTDOWN("shutdown"),
  /** The downstream accepted the request but reported these points in {@code partial_success}. */
  REJECTED_BY_DOWNSTREAM("rejected_by_downstream");

  private final String label;

  DropReason(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }
}
