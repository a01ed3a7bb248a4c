package dev.rosetta.receiver.config;

/**
 * The bounded queue in front of the OTLP exporter ({@code sending_queue}): {@code enabled}; {@code
 * num_consumers}, the number of concurrent senders (1 to 64); {@code queue_size}, in requests. When
 * the queue is full new data is refused back to the sender rather than dropped silently.
 */
public record QueueConfig(boolean enabled, int numConsumers, int queueSize) {
  public static final int DEFAULT_NUM_CONSUMERS = 2;
  public static final int MAX_NUM_CONSUMERS = 64;
  public static final int DEFAULT_QUEUE_SIZE = 1000;

  public QueueConfig {
    if (numConsumers < 1 || numConsumers > MAX_NUM_CONSUMERS) {
      throw new IllegalArgumentException("numConsumers out of range: " + numConsumers);
    }
    if (queueSize < 1) {
      throw new IllegalArgumentException("queueSize must be positive: " + queueSize);
    }
  }

  public static QueueConfig defaults() {
    return new QueueConfig(true, DEFAULT_NUM_CONSUMERS, DEFAULT_QUEUE_SIZE);
  }
}
