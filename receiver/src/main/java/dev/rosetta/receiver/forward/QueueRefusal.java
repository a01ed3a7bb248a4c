package dev.rosetta.receiver.forward;

import java.util.Objects;

/** An {@link ExportQueue} could not take a request; {@link #reason()} says why. No stack trace. */
final class QueueRefusal extends Exception {
  private static final long serialVersionUID = 1L;
  private final RefusalReason reason;

  QueueRefusal(RefusalReason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  RefusalReason reason() {
    return reason;
  }
}
