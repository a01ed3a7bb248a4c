package dev.rosetta.receiver.forward;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.Closeable;
import java.util.List;

/**
 * The sending queue of one exporter, in memory ({@link MemoryQueue}) or on disk ({@link FileQueue}),
 * as the Collector's {@code exporterhelper} separates its queue from the batching and retrying
 * senders.
 *
 * <h2>Contract</h2>
 *
 * <p>Taking a request is two-phase, so that several exporters can take it all or none: {@link
 * #reserve} takes room (and, for a file queue, writes the request durably) and returns an entry that
 * no consumer sees yet; {@link #commit} makes it visible, {@link #abort} gives the room back (and
 * marks a written record as done, so that it is never delivered). Exactly one of the two follows
 * every successful reserve, on any thread.
 *
 * <p>The batcher thread {@link #poll polls} committed entries in order and {@link #load loads} their
 * payload; senders report each finished entry ({@link #done}), delivered or dropped, after which the
 * queue forgets it (a file queue marks its record done and frees its segment once every record in
 * it is done). Entries never finished stay: a memory queue loses them when the process stops, a file
 * queue delivers them after the next start.
 *
 * <h2>Capacity</h2>
 *
 * <p>Reserved and waiting entries count against the capacity ({@code sending_queue.queue_size} in
 * the unit of its {@code sizer}); an entry leaves the count when the batcher takes it. A request is
 * refused when it would exceed the capacity, unless the queue is empty (so that a request larger
 * than the capacity is not refused for ever).
 *
 * <p>Thread-safe: {@code reserve}, {@code commit} and {@code abort} run on ingest threads (a file
 * queue's reserve may block for up to {@code file_storage.timeout} on its write and sync), {@code
 * poll} and {@code load} on the batcher, {@code done} on senders.
 */
interface ExportQueue extends Closeable {
  /**
   * Takes room for {@code request}.
   *
   * @throws QueueRefusal when the queue is full, stopped, or its storage failed
   */
  QueueEntry reserve(ExportMetricsServiceRequest request, int points) throws QueueRefusal;

  /** Makes a reserved entry visible to {@link #poll}. */
  void commit(QueueEntry entry);

  /** Gives a reserved entry's room back; it is never delivered. */
  void abort(QueueEntry entry);

  /**
   * The oldest committed entry, waiting up to {@code nanos}; null when none came or {@link
   * #wakeUp()} was called. The entry no longer counts against the capacity.
   */
  QueueEntry poll(long nanos) throws InterruptedException;

  /** Ends a {@link #poll} in progress at once. */
  void wakeUp();

  /** The entry's request. */
  Payload load(QueueEntry entry) throws UnreadableEntry;

  /** The entry's outcome is final (delivered or dropped): the queue forgets it. */
  void done(QueueEntry entry);

  /** Whether entries that are not done survive a restart. */
  boolean durable();

  /** Removes and returns the committed entries nobody polled (at shutdown). */
  List<QueueEntry> drainWaiting();

  /** The capacity in use, in the sizer's unit. */
  long size();

  /** {@code queue_size}. */
  long capacity();

  /** Bytes on disk (0 for memory). */
  long storageBytes();
}
