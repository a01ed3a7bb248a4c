package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.QueueConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The room of a sending queue, in the unit of its sizer. Lock-free and thread-safe.
 */
final class Capacity {
  private final QueueConfig.Sizer sizer;
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  Capacity(QueueConfig.Sizer sizer, long limit) {
    this.sizer = sizer;
    this.limit = limit;
  }

  /** The size of a request in this sizer's unit; {@code bytes} is its serialized size when known, else -1. */
  long units(ExportMetricsServiceRequest request, int points, long bytes) {
    return switch (sizer) {
      case REQUESTS -> 1;
      case ITEMS -> points;
      case BYTES -> bytes >= 0 ? bytes : request.getSerializedSize();
    };
  }

  /** Takes {@code units} unless that would pass the limit of a queue that is not empty. */
  boolean tryTake(long units) {
    while (true) {
      long u = used.get();
      if (u > 0 && u + units > limit) {
        return false;
      }
      if (used.compareAndSet(u, u + units)) {
        return true;
      }
    }
  }

  /** Takes {@code units} whatever the limit (entries recovered at start). */
  void force(long units) {
    used.addAndGet(units);
  }

  void release(long units) {
    used.addAndGet(-units);
  }

  QueueConfig.Sizer sizer() {
    return sizer;
  }

  long used() {
    return used.get();
  }

  long limit() {
    return limit;
  }
}
