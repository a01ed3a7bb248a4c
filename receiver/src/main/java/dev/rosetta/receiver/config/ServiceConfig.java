package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code service} section: {@code telemetry.logs} ({@link LogsConfig}), {@code
 * telemetry.metrics.own_jvm} (Rosetta's own JVM and process metrics on {@code /metrics}, default
 * true) and {@code shutdown_timeout}, the time allowed on stop for draining the export queue before
 * remaining data is dropped.
 */
public record ServiceConfig(LogsConfig logs, Duration shutdownTimeout, boolean ownJvmMetrics) {
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  public ServiceConfig {
    Objects.requireNonNull(logs, "logs");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
      throw new IllegalArgumentException("shutdownTimeout must be positive: " + shutdownTimeout);
    }
  }

  /** With Rosetta's own JVM metrics on. */
  public ServiceConfig(LogsConfig logs, Duration shutdownTimeout) {
    this(logs, shutdownTimeout, true);
  }

  /** The default log settings at {@code logLevel}, Rosetta's own JVM metrics on. */
  public ServiceConfig(LogLevel logLevel, Duration shutdownTimeout) {
    this(LogsConfig.ofLevel(logLevel), shutdownTimeout, true);
  }

  /** {@code service.telemetry.logs.level}. */
  public LogLevel logLevel() {
    return logs.level();
  }

  public static ServiceConfig defaults() {
    return new ServiceConfig(LogsConfig.defaults(), DEFAULT_SHUTDOWN_TIMEOUT, true);
  }
}
