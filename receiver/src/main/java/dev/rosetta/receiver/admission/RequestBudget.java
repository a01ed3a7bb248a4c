package dev.rosetta.receiver.admission;

import java.util.Objects;
import java.util.Optional;

/**
 * The memory one request may hold, reserved as it grows: at the head (or stream start) for what
 * is known, then for each decompressed chunk and for the decoded form. Moves with the request
 * from the event loop to an ingest thread (used by one thread at a time); {@link #release()} is
 * idempotent.
 */
public final class RequestBudget implements AutoCloseable {
  private final Admission admission;
  private final MemoryLimiter.Reservation reservation;
  private final String transport;
  private final Admission.Format format;

  RequestBudget(Admission admission, String transport, Admission.Format format) {
    this.admission = Objects.requireNonNull(admission, "admission");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.format = Objects.requireNonNull(format, "format");
    this.reservation = admission.limiter().reserve();
  }

  /** A request over a body in {@code format}, nothing reserved yet. */
  public static RequestBudget open(Admission admission, String transport, Admission.Format format) {
    return new RequestBudget(admission, transport, format);
  }

  /** Thrown when the budget does not allow what a request needs; carries the answer. */
  public static final class OverBudgetException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Admission.Refusal refusal;

    public OverBudgetException(Admission.Refusal refusal) {
      super(refusal.message(), null, false, false);
      this.refusal = refusal;
    }

    public Admission.Refusal refusal() {
      return refusal;
    }
  }

  /** Reserves {@code bytes} as they are (bytes received). */
  public Optional<Admission.Refusal> growRaw(long bytes) {
    return admission.grow(reservation, bytes, transport);
  }

  /** Reserves {@code decodedBytes} of decoded body and the decoded form they will become. */
  public void growDecoded(long decodedBytes) throws OverBudgetException {
    Optional<Admission.Refusal> r = admission.grow(reservation, format.decodedCost(decodedBytes), transport);
    if (r.isPresent()) {
      throw new OverBudgetException(r.get());
    }
  }

  /** Gives back {@code bytes} that are no longer held. */
  public void shrink(long bytes) {
    reservation.shrink(bytes);
  }

  /** Everything this request holds now, in bytes. */
  public long reserved() {
    return reservation.bytes();
  }

  public String transport() {
    return transport;
  }

  public Admission.Format format() {
    return format;
  }

  public Admission admission() {
    return admission;
  }

  public void release() {
    reservation.release();
  }

  @Override
  public void close() {
    release();
  }
}
