package dev.rosetta.receiver.forward;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs at most one message per interval and says how many it suppressed meanwhile. Thread-safe.
 */
final class RateLimitedLog {
  private final Logger logger;
  private final long intervalNanos;
  private final AtomicLong nextAllowedNanos;
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger logger, java.time.Duration interval) {
    this.logger = logger;
    this.intervalNanos = interval.toNanos();
    this.nextAllowedNanos = new AtomicLong(System.nanoTime());
  }

  void log(Level level, Supplier<String> message) {
    if (!logger.isLoggable(level)) {
      return;
    }
    long now = System.nanoTime();
    long next = nextAllowedNanos.get();
    if (now - next < 0 || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long n = suppressed.getAndSet(0);
    // name the logger, not this helper, as the source
    logger.logp(
        level,
        logger.getName(),
        "",
        n == 0 ? message.get() : message.get() + " (" + n + " similar messages suppressed)");
  }
}
