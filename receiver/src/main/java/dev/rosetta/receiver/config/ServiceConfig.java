package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code service} section: {@code telemetry.logs.level} and {@code shutdown_timeout}, the time
 * allowed on stop for draining the export queue before remaining data is dropped.
 */
public record ServiceConfig(LogLevel logLevel, Duration shutdownTimeout) {
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  public ServiceConfig {
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
      throw new IllegalArgumentException("shutdownTimeout must be positive: " + shutdownTimeout);
    }
  }

  public static ServiceConfig defaults() {
    return new ServiceConfig(LogLevel.INFO, DEFAULT_SHUTDOWN_TIMEOUT);
  }
}
