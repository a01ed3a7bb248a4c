package dev.rosetta.receiver.forward;

/**
 * Why an exporter did not take a request. Refused points were never accepted, so they are not part
 * of the enqueued/sent/dropped balance: the caller still owns them and answers its own sender with
 * a retryable status. Each reason is the {@code reason} label value of {@code
 * rosetta_exporter_refused_points_total}.
 */
public enum RefusalReason {
  /** The sending queue was at {@code queue_size}. */
  QUEUE_FULL("queue_full"),
  /** The exporter was shutting down or shut down. */
  STOPPED("stopped"),
  /** The file queue's file system is full. */
  STORAGE_FULL("storage_full"),
  /**
   * The file queue could not write the request within {@code file_storage.timeout}, or the write
   * failed with another I/O error.
   */
  STORAGE_ERROR("storage_error"),
  /**
   * This exporter could have taken the request but another exporter refused it: a request goes to
   * every exporter or to none.
   */
  OTHER_EXPORTER("other_exporter");

  private final String label;

  RefusalReason(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }
}
