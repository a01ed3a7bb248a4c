package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.QueueConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/**
 * A sending queue in memory: requests are held as the messages that were offered, never serialized
 * until they are sent. Lost when the process stops. See {@link ExportQueue} for the contract.
 *
 * <p>Thread-safe; {@link #reserve} never blocks (a capacity check), {@link #commit} takes a lock
 * held only to add to a deque.
 */
final class MemoryQueue extends WaitingLine {
  private static final class Entry extends QueueEntry {
    final ExportMetricsServiceRequest request;

    Entry(ExportMetricsServiceRequest request, int points, long units) {
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
    return new Entry(request, points, units);
  }

  @Override
  public void abort(QueueEntry entry) {
    capacity.release(entry.units());
  }

  @Override
  public Payload load(QueueEntry entry) {
    return new Payload.Message(((Entry) entry).request);
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
