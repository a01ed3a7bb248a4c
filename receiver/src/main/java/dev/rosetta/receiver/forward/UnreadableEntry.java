package dev.rosetta.receiver.forward;

import java.util.Objects;

/** A queued request could not be read back from its storage; {@link #reason()} says how it is counted. */
final class UnreadableEntry extends Exception {
  private static final long serialVersionUID = 1L;
  private final DropReason reason;

  UnreadableEntry(DropReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  DropReason reason() {
    return reason;
  }
}
