package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff for failed exports ({@code retry_on_failure}), as in the Collector: the first
 * wait is {@code initial_interval}, each next one {@code multiplier} times longer, capped at {@code
 * max_interval}, each jittered by ± {@code randomization_factor}; retrying stops after {@code
 * max_elapsed_time} (zero: never).
 */
public record RetryConfig(
    boolean enabled,
    Duration initialInterval,
    double randomizationFactor,
    double multiplier,
    Duration maxInterval,
    Duration maxElapsedTime) {
  public static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(5);
  public static final double DEFAULT_RANDOMIZATION_FACTOR = 0.5;
  public static final double DEFAULT_MULTIPLIER = 1.5;
  public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_ELAPSED_TIME = Duration.ofSeconds(300);

  public RetryConfig {
    Objects.requireNonNull(initialInterval, "initialInterval");
    Objects.requireNonNull(maxInterval, "maxInterval");
    Objects.requireNonNull(maxElapsedTime, "maxElapsedTime");
    if (!(randomizationFactor >= 0 && randomizationFactor <= 1)) {
      throw new IllegalArgumentException(
          "randomizationFactor must be in [0, 1]: " + randomizationFactor);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }
    if (initialInterval.isNegative()
        || initialInterval.isZero()
        || maxInterval.compareTo(initialInterval) < 0) {
      throw new IllegalArgumentException("need 0 < initialInterval <= maxInterval");
    }
    if (maxElapsedTime.isNegative()) {
      throw new IllegalArgumentException("maxElapsedTime must not be negative");
    }
  }

  public static RetryConfig defaults() {
    return new RetryConfig(
        true,
        DEFAULT_INITIAL_INTERVAL,
        DEFAULT_RANDOMIZATION_FACTOR,
        DEFAULT_MULTIPLIER,
        DEFAULT_MAX_INTERVAL,
        DEFAULT_MAX_ELAPSED_TIME);
  }
}
