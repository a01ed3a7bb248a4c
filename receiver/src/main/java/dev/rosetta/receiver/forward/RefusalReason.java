package dev.rosetta.receiver.forward;

/**
 * Why {@link OtlpForwarder#offer} returned false. Refused points were never accepted, so they are
 * not part of the enqueued/sent/dropped balance: the caller still owns them and reports the refusal
 * to its own sender. Each reason is the {@code reason} label value of {@code
 * rosetta_exporter_refused_points_total}.
 */
public enum RefusalReason {
  /** The sending queue held {@code queueSize} requests. */
  QUEUE_FULL("queue_full"),
  /** The forwarder was shutting down or shut down. */
  STOPPED("stopped");

  private final String label;

  RefusalReason(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }
}
