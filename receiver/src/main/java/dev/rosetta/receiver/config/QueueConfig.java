package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The queue in front of an OTLP exporter ({@code sending_queue}), as in the Collector.
 *
 * @param enabled {@code false}: no queue beyond what the senders hold in hand ({@code
 *     num_consumers} requests); senders are told to back off as soon as every sender is busy
 * @param numConsumers concurrent senders, 1 to {@value #MAX_NUM_CONSUMERS}
 * @param queueSize the queue's capacity, in units of {@code sizer}; a request that would exceed it
 *     is refused back to its sender with a retryable status, never accepted and dropped
 * @param sizer what {@code queueSize} counts: requests (as received), items (data points) or
 *     bytes (serialized)
 * @param storage where the queue lives: empty for memory (lost when the process stops), or the
 *     {@code file_storage} extension that keeps it on disk
 */
public record QueueConfig(
    boolean enabled, int numConsumers, long queueSize, Sizer sizer, Optional<FileStorageConfig> storage) {
  public static final int DEFAULT_NUM_CONSUMERS = 2;
  public static final int MAX_NUM_CONSUMERS = 64;

  /** What {@code queue_size} counts ({@code sizer}), with the default size of each. */
  public enum Sizer {
    /** Requests as they were received (the Collector's default sizer). */
    REQUESTS(1000),
    /** Data points. */
    ITEMS(1_000_000),
    /** Serialized bytes of the requests. */
    BYTES(256L << 20);

    private final long defaultQueueSize;

    Sizer(long defaultQueueSize) {
      this.defaultQueueSize = defaultQueueSize;
    }

    /** {@code queue_size} when not given. */
    public long defaultQueueSize() {
      return defaultQueueSize;
    }
  }

  public QueueConfig {
    Objects.requireNonNull(sizer, "sizer");
    Objects.requireNonNull(storage, "storage");
    if (numConsumers < 1 || numConsumers > MAX_NUM_CONSUMERS) {
      throw new IllegalArgumentException("numConsumers out of range: " + numConsumers);
    }
    if (queueSize < 1) {
      throw new IllegalArgumentException("queueSize must be positive: " + queueSize);
    }
    if (!enabled && storage.isPresent()) {
      throw new IllegalArgumentException("a storage needs the sending queue enabled");
    }
  }

  /** In memory, requests sizer, the default size. */
  public static QueueConfig defaults() {
    return new QueueConfig(true, DEFAULT_NUM_CONSUMERS, Sizer.REQUESTS.defaultQueueSize(), Sizer.REQUESTS,
        Optional.empty());
  }

  /** An enabled in-memory queue of {@code queueSize} requests. */
  public static QueueConfig memory(int numConsumers, long queueSize) {
    return new QueueConfig(true, numConsumers, queueSize, Sizer.REQUESTS, Optional.empty());
  }

  /** These settings kept on {@code storage}. */
  public QueueConfig withStorage(FileStorageConfig storage) {
    return new QueueConfig(enabled, numConsumers, queueSize, sizer, Optional.of(storage));
  }

  /** These settings with another size and sizer. */
  public QueueConfig withSize(long size, Sizer unit) {
    return new QueueConfig(enabled, numConsumers, size, unit, storage);
  }
}
