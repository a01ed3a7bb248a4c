package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code memory_limiter} processor ({@code processors: {memory_limiter: {...}}}), with the
 * OpenTelemetry Collector's keys. Rosetta applies it at admission, before a request body is read.
 *
 * <ul>
 *   <li>The <em>hard limit</em> is {@code limit_mib}, else {@code limit_percentage} of the JVM's
 *       maximum heap. The <em>spike limit</em> is {@code spike_limit_mib}, else {@code
 *       spike_limit_percentage} of the maximum heap, else 20% of the hard limit. The <em>soft
 *       limit</em> is hard minus spike.
 *   <li>Every {@code check_interval} (and after every garbage collection) the heap in use after the
 *       latest collection is compared with the soft limit: above it, new requests are refused
 *       (HTTP 503 with {@code Retry-After}, gRPC UNAVAILABLE with {@code RetryInfo}) until it is
 *       below again. The heap in use right now above the hard limit refuses too.
 *   <li>The spike limit is also the in-flight budget: the heap that requests in flight may hold
 *       (bytes received, bytes decompressed and the decoded form, estimated from the decoded size)
 *       is reserved before it is taken.
 * </ul>
 *
 * Without a declared {@code memory_limiter}, {@link #defaults()} is in force.
 */
public record MemoryLimiterConfig(
    ComponentId id,
    Duration checkInterval,
    long limitMib,
    int limitPercentage,
    long spikeLimitMib,
    int spikeLimitPercentage) implements ProcessorConfig {
  public static final String TYPE = "memory_limiter";
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
  /** The hard limit when no {@code memory_limiter} is declared: 90% of the maximum heap. */
  public static final int DEFAULT_LIMIT_PERCENTAGE = 90;
  /** The spike limit (in-flight budget) when none is declared: 30% of the maximum heap. */
  public static final int DEFAULT_SPIKE_LIMIT_PERCENTAGE = 30;

  private static final long MIB = 1024 * 1024;

  public MemoryLimiterConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(checkInterval, "checkInterval");
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("checkInterval must be positive: " + checkInterval);
    }
    if (limitMib < 0 || spikeLimitMib < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
    if (limitMib == 0 && limitPercentage == 0) {
      throw new IllegalArgumentException("limit_mib or limit_percentage must be greater than zero");
    }
    if (limitPercentage < 0 || limitPercentage > 100 || spikeLimitPercentage < 0 || spikeLimitPercentage > 100) {
      throw new IllegalArgumentException("percentages must be between 0 and 100");
    }
    if (limitMib > 0 && spikeLimitMib >= limitMib) {
      throw new IllegalArgumentException("spike_limit_mib must be smaller than limit_mib");
    }
    if (limitPercentage > 0 && spikeLimitPercentage >= limitPercentage) {
      throw new IllegalArgumentException("spike_limit_percentage must be smaller than limit_percentage");
    }
  }

  /** What is in force without a declared {@code memory_limiter}: 90% of the heap, 30% spike. */
  public static MemoryLimiterConfig defaults() {
    return new MemoryLimiterConfig(ComponentId.of(TYPE), DEFAULT_CHECK_INTERVAL, 0, DEFAULT_LIMIT_PERCENTAGE, 0,
        DEFAULT_SPIKE_LIMIT_PERCENTAGE);
  }

  /** The hard limit in bytes for a heap of {@code maxHeap} bytes (never above the heap). */
  public long hardLimitBytes(long maxHeap) {
    long hard = limitMib > 0 ? limitMib * MIB : maxHeap / 100 * limitPercentage;
    return Math.min(hard, maxHeap);
  }

  /** The spike limit (in-flight budget) in bytes for a heap of {@code maxHeap} bytes. */
  public long spikeLimitBytes(long maxHeap) {
    long hard = hardLimitBytes(maxHeap);
    long spike;
    if (spikeLimitMib > 0) {
      spike = spikeLimitMib * MIB;
    } else if (spikeLimitPercentage > 0) {
      spike = maxHeap / 100 * spikeLimitPercentage;
    } else {
      spike = hard / 5;
    }
    // a spike limit at or above the hard limit would leave no soft limit: keep a tenth of the hard limit
    return Math.min(spike, hard - hard / 10);
  }

  /** The soft limit in bytes: hard minus spike. */
  public long softLimitBytes(long maxHeap) {
    return hardLimitBytes(maxHeap) - spikeLimitBytes(maxHeap);
  }
}
