package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.BatchConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes requests from the queue and merges them into exports, as the Collector's batch processor:
 * an export is ready when it holds {@code batch.send_batch_size} points or {@code batch.timeout} has
 * passed since its first request was taken. With {@code send_batch_max_size > 0} no export exceeds
 * it: a request that does not fit starts the next export, and only a request larger than the
 * maximum is split, at metric boundaries where possible.
 *
 * <p>The batcher builds an export only when a sender is free ({@link Dispatcher#awaitSender}), so
 * that under back-pressure requests wait in the queue, where they are counted and bounded, and
 * merge into larger exports.
 *
 * <p>Runs on one thread of its own ({@code rosetta-exporter-<id>-batcher}); the state here is that
 * thread's only. It blocks in {@link ExportQueue#poll} (at most 100 ms at a time), in {@link
 * ExportQueue#load} (a positional read of the file queue) and waiting for a free sender.
 */
final class Batcher implements Runnable {
  private static final Logger LOG = Logger.getLogger(Batcher.class.getName());
  private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Hands batches to the senders. */
  interface Dispatcher {
    /** Waits for a free sender; false when aborted. */
    boolean awaitSender() throws InterruptedException;

    /** Gives back a sender taken by {@link #awaitSender} without a batch. */
    void releaseSender();

    /** Sends {@code batch} on the sender taken; false when the senders are gone. */
    boolean dispatch(ExportBatch batch);

    /** A batch that could not be dispatched, or parts left when the batcher ends. */
    void abandon(List<ExportBatch.Part> parts);
  }

  private final ExportQueue queue;
  private final BatchConfig config;
  private final ExportAccounting books;
  private final ExporterLifecycle lifecycle;
  private final Dispatcher dispatcher;
  private final RateLimitedLog problemLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  /** Parts taken from the queue but not yet in an export. */
  private final ArrayDeque<ExportBatch.Part> carry = new ArrayDeque<>();

  Batcher(ExportQueue queue, BatchConfig config, ExportAccounting books, ExporterLifecycle lifecycle,
      Dispatcher dispatcher) {
    this.queue = queue;
    this.config = config;
    this.books = books;
    this.lifecycle = lifecycle;
    this.dispatcher = dispatcher;
  }

  @Override
  public void run() {
    try {
      while (!lifecycle.aborted) {
        if (!dispatcher.awaitSender()) {
          break;
        }
        ExportBatch batch;
        try {
          batch = nextBatch();
        } catch (RuntimeException | Error | InterruptedException e) {
          dispatcher.releaseSender();
          throw e;
        }
        if (batch == null) {
          dispatcher.releaseSender();
          break;
        }
        if (!dispatcher.dispatch(batch)) {
          dispatcher.abandon(batch.parts());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // taken from the queue, never exported: only aborts and failures leave anything here
      if (!carry.isEmpty()) {
        dispatcher.abandon(new ArrayList<>(carry));
        carry.clear();
      }
    }
  }

  /**
   * The next export, or null when draining found nothing left or the exporter was aborted (what
   * was collected is then left in {@link #carry}).
   */
  private ExportBatch nextBatch() throws InterruptedException {
    int max = config.sendBatchMaxSize();
    long flushTimeoutNanos = ExponentialBackoff.saturatedNanos(config.timeout());
    List<ExportBatch.Part> parts = new ArrayList<>();
    int points = 0;
    long flushAt = 0;
    while (!lifecycle.aborted) {
      ExportBatch.Part item = carry.pollFirst();
      if (item == null) {
        long wait;
        if (lifecycle.draining) {
          wait = 0;
        } else if (parts.isEmpty()) {
          wait = POLL_SLICE_NANOS;
        } else {
          wait = Math.max(0, Math.min(flushAt - System.nanoTime(), POLL_SLICE_NANOS));
        }
        QueueEntry entry = queue.poll(wait);
        if (entry == null) {
          if (lifecycle.draining || (!parts.isEmpty() && flushAt - System.nanoTime() <= 0)) {
            return parts.isEmpty() ? null : new ExportBatch(parts, points);
          }
          continue;
        }
        books.dequeued(entry.points());
        item = load(entry);
        if (item == null) {
          continue;
        }
      }
      if (parts.isEmpty()) {
        flushAt = saturatedAdd(System.nanoTime(), flushTimeoutNanos);
      }
      if (max > 0 && item.points() > max && item.whole()) {
        if (!parts.isEmpty()) {
          carry.addFirst(item);
          return new ExportBatch(parts, points);
        }
        List<ExportBatch.Part> pieces = split(item, max);
        for (int i = pieces.size() - 1; i >= 1; i--) {
          carry.addFirst(pieces.get(i));
        }
        item = pieces.get(0);
      }
      if (max > 0 && !parts.isEmpty() && points + item.points() > max) {
        // it fits into an export of its own: never split what is not too large
        carry.addFirst(item);
        return new ExportBatch(parts, points);
      }
      parts.add(item);
      points += item.points();
      if (points >= config.sendBatchSize()) {
        return new ExportBatch(parts, points);
      }
    }
    carry.addAll(parts);
    return null;
  }

  /** The entry's request, or null when it cannot be read back (then dropped and done). */
  private ExportBatch.Part load(QueueEntry entry) {
    try {
      return new ExportBatch.Part(entry, queue.load(entry), entry.points(), true);
    } catch (UnreadableEntry e) {
      books.dropped(e.reason(), entry.points());
      queue.done(entry);
      problemLog.log(Level.WARNING, () -> "exporter " + books.exporter() + ": a queued request of "
          + entry.points() + " points is dropped (" + e.reason().label() + "): " + e.getMessage());
      return null;
    }
  }

  /**
   * Splits an oversized request. Should its points disagree with the content (a caller that
   * offered a wrong count), the pieces are charged so that they still add up to the offered count.
   */
  private List<ExportBatch.Part> split(ExportBatch.Part item, int max) {
    ExportMetricsServiceRequest request;
    try {
      request = item.payload().request();
    } catch (IOException e) {
      // the bytes passed their checksum but do not parse: send them whole, the downstream decides
      return List.of(item);
    }
    List<QueuedRequest> pieces = RequestSplitter.split(request, max);
    int actual = pieces.stream().mapToInt(QueuedRequest::points).sum();
    if (actual != item.points()) {
      problemLog.log(Level.WARNING, () -> "exporter " + books.exporter() + ": a request was offered as "
          + item.points() + " points but holds " + actual + "; counts follow the offered figure");
      pieces = RequestSplitter.charge(pieces, new QueuedRequest(request, item.points()));
    }
    item.entry().splitInto(pieces.size());
    List<ExportBatch.Part> out = new ArrayList<>(pieces.size());
    for (QueuedRequest p : pieces) {
      out.add(new ExportBatch.Part(item.entry(), new Payload.Message(p.request()), p.points(), false));
    }
    return out;
  }

  /** {@code nanoTime + nanos} for {@code nanos >= 0}; far-future values stay comparable. */
  static long saturatedAdd(long nanoTime, long nanos) {
    return nanoTime + Math.min(nanos, Long.MAX_VALUE / 4);
  }
}
