package dev.rosetta.receiver.forward;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One accepted request in an {@link ExportQueue}, from {@code reserve} until {@code done}. The
 * batcher may send it in several pieces; the entry is done when the last piece is.
 *
 * <p>Thread-safe: created on an ingest thread, taken by the batcher, finished by senders.
 */
abstract class QueueEntry {
  private final int points;
  private final long units;
  private final AtomicInteger openParts = new AtomicInteger(1);

  /**
   * @param points the request's data points
   * @param units its size in the queue's sizer unit
   */
  QueueEntry(int points, long units) {
    this.points = points;
    this.units = units;
  }

  int points() {
    return points;
  }

  long units() {
    return units;
  }

  /** The batcher sends the entry as {@code parts} pieces (before any piece leaves). */
  void splitInto(int parts) {
    openParts.set(parts);
  }

  /** One piece is finished (sent or dropped); true when it was the last. */
  boolean partFinished() {
    return openParts.decrementAndGet() == 0;
  }
}
