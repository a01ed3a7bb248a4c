package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.QueueConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/**
 * A sending queue in memory, lost when the process stops. See {@link ExportQueue} for the contract.
 *
 * <p>Requests are held serialized: they are serialized once in any case (to be sent), and a queue of
 * byte arrays is a fraction of the heap the message objects would take, and nothing the garbage
 * collector has to trace, which matters most when the queue is long because the downstream is slow
 * or away.
 *
 * <p>Thread-safe; {@link #reserve} (a capacity check and the serialization, on the caller's thread)
 * never blocks, {@link #commit} takes a lock held only to add to a deque.
 */
final class MemoryQueue extends WaitingLine {
  private static final class Entry extends QueueEntry {
    final byte[] request;

    Entry(byte[] request, int points, long units) {
      super(points, units);
      this.request = request;
    }
  }

  MemoryQueue(QueueConfig.Sizer sizer, long capacity) {
    super(new Capacity(sizer, capacity));
  }

  @Override
  public QueueEntry reserve(ExportMetricsServiceRequest request, int points) throws QueueRefusal {
    long units = capacity.units(request, points, -1);
    if (!capacity.tryTake(units)) {
      throw new QueueRefusal(RefusalReason.QUEUE_FULL, "the sending queue is full");
    }
    return new Entry(request.toByteArray(), points, units);
  }

  @Override
  public void abort(QueueEntry entry) {
    capacity.release(entry.units());
  }

  @Override
  public Payload load(QueueEntry entry) {
    return new Payload.Bytes(((Entry) entry).request);
  }

  @Override
  public void done(QueueEntry entry) {
    // nothing to forget: the entry is garbage once its batch is
  }

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public long storageBytes() {
    return 0;
  }

  @Override
  public void close() {}
}
