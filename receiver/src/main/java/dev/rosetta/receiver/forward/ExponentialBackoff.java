package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.RetryConfig;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, as {@code cenkalti/backoff} used by the Collector: the n-th call
 * of {@link #next()} returns a value drawn uniformly from {@code interval * (1 ± randomizationFactor)}
 * where {@code interval = min(initialInterval * multiplier^n, maxInterval)}. The cap applies before
 * the jitter so that clients at the cap still spread out.
 *
 * <p>One instance per retry sequence; not thread-safe.
 */
final class ExponentialBackoff {
  private final double randomizationFactor;
  private final double multiplier;
  private final double maxIntervalNanos;
  private final DoubleSupplier random;
  private double intervalNanos;

  /**
   * @param random uniform values in {@code [0, 1)}
   */
  ExponentialBackoff(RetryConfig retry, DoubleSupplier random) {
    this.randomizationFactor = retry.randomizationFactor();
    this.multiplier = retry.multiplier();
    this.maxIntervalNanos = saturatedNanos(retry.maxInterval());
    this.intervalNanos = saturatedNanos(retry.initialInterval());
    this.random = random;
  }

  Duration next() {
    double delta = randomizationFactor * intervalNanos;
    double low = intervalNanos - delta;
    double value = low + random.getAsDouble() * (2 * delta);
    intervalNanos = Math.min(intervalNanos * multiplier, maxIntervalNanos);
    return Duration.ofNanos((long) Math.max(0, value));
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
