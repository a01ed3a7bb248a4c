package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code service} section: {@code telemetry.logs} ({@link LogsConfig}) and {@code
 * shutdown_timeout}, the time allowed on stop for draining the export queue before remaining data
 * is dropped.
 */
public record ServiceConfig(LogsConfig logs, Duration shutdownTimeout) {
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  public ServiceConfig {
    Objects.requireNonNull(logs, "logs");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
      throw new IllegalArgumentException("shutdownTimeout must be positive: " + shutdownTimeout);
    }
  }

  /** The default log settings at {@code logLevel}. */
  public ServiceConfig(LogLevel logLevel, Duration shutdownTimeout) {
    this(LogsConfig.ofLevel(logLevel), shutdownTimeout);
  }

  /** {@code service.telemetry.logs.level}. */
  public LogLevel logLevel() {
    return logs.level();
  }

  public static ServiceConfig defaults() {
    return new ServiceConfig(LogsConfig.defaults(), DEFAULT_SHUTDOWN_TIMEOUT);
  }
}
