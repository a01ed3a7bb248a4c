package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Batching before export ({@code batch}), as the Collector's batch processor: a batch is sent when
 * it holds {@code send_batch_size} points or {@code timeout} after its first point (zero: at once);
 * {@code send_batch_max_size} splits larger batches (zero: no cap; otherwise at least {@code
 * send_batch_size}).
 */
public record BatchConfig(int sendBatchSize, int sendBatchMaxSize, Duration timeout) {
  public static final int DEFAULT_SEND_BATCH_SIZE = 8192;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);

  public BatchConfig {
    Objects.requireNonNull(timeout, "timeout");
    if (sendBatchSize < 1) {
      throw new IllegalArgumentException("sendBatchSize must be positive: " + sendBatchSize);
    }
    if (sendBatchMaxSize != 0 && sendBatchMaxSize < sendBatchSize) {
      throw new IllegalArgumentException("sendBatchMaxSize must be 0 or at least sendBatchSize");
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
  }

  public static BatchConfig defaults() {
    return new BatchConfig(DEFAULT_SEND_BATCH_SIZE, 0, DEFAULT_TIMEOUT);
  }
}
