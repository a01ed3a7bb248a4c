package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code keepalive} of the gRPC protocol, in the Collector's {@code configgrpc} shape.
 *
 * <p>{@code server_parameters}: {@code max_connection_idle} (close a connection without calls for
 * this long), {@code max_connection_age} (close any connection this old, with a GOAWAY, so clients
 * rebalance), {@code max_connection_age_grace} (time then given to calls in flight), {@code time}
 * (ping a quiet client after this long), {@code timeout} (and close if the ping is not answered
 * within this). Zero for the first three means never.
 *
 * <p>{@code enforcement_policy}: {@code min_time} (a client pinging more often is told
 * {@code too_many_pings} and disconnected) and {@code permit_without_stream} (whether pings are
 * allowed on a connection without calls).
 */
public record GrpcKeepaliveConfig(
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace,
    Duration time,
    Duration timeout,
    Duration minTime,
    boolean permitWithoutStream) {
  public static final Duration DEFAULT_TIME = Duration.ofHours(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
  /**
   * Collector exporters ping every 10 s by default; a stricter policy would disconnect them.
   */
  public static final Duration DEFAULT_MIN_TIME = Duration.ofSeconds(10);

  public GrpcKeepaliveConfig {
    Objects.requireNonNull(maxConnectionIdle, "maxConnectionIdle");
    Objects.requireNonNull(maxConnectionAge, "maxConnectionAge");
    Objects.requireNonNull(maxConnectionAgeGrace, "maxConnectionAgeGrace");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(minTime, "minTime");
    for (Duration d : new Duration[] {maxConnectionIdle, maxConnectionAge, maxConnectionAgeGrace, minTime}) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("durations must not be negative: " + d);
      }
    }
    if (time.isNegative() || time.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("time and timeout must be positive");
    }
  }

  /** No idle or age limit; ping after 2 h, 20 s to answer; clients may ping every 10 s, also without calls. */
  public static GrpcKeepaliveConfig defaults() {
    return new GrpcKeepaliveConfig(Duration.ZERO, Duration.ZERO, Duration.ZERO, DEFAULT_TIME, DEFAULT_TIMEOUT,
        DEFAULT_MIN_TIME, true);
  }
}
