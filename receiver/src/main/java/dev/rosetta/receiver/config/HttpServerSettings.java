package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Connection settings of an HTTP listener, under the receiver's {@code http} protocol and under
 * {@code exporters.prometheus}, with the keys of the Collector's {@code confighttp} where it has
 * them:
 *
 * <ul>
 *   <li>{@code max_connections} (Rosetta's): connections served at once; beyond it new connections
 *       wait in the listen backlog until one closes.
 *   <li>{@code read_header_timeout}: from the first byte of a request (or from accepting the
 *       connection) to the end of its header. Not restarted by bytes trickling in.
 *   <li>{@code read_timeout}: from the first byte of a request to the end of its body.
 *   <li>{@code write_timeout}: how long a response may wait for the client to take it.
 *   <li>{@code idle_timeout}: how long a keep-alive connection may wait, between complete
 *       exchanges, for its next request. A request being handled is never idle.
 * </ul>
 *
 * A request cut off by a read timeout is answered 408 and its connection closed.
 */
public record HttpServerSettings(
    int maxConnections,
    Duration readHeaderTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    Duration idleTimeout) {
  public static final int DEFAULT_MAX_CONNECTIONS = 4096;
  public static final Duration DEFAULT_READ_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(1);
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(1);

  public HttpServerSettings {
    Objects.requireNonNull(readHeaderTimeout, "readHeaderTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(writeTimeout, "writeTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
    }
    for (Duration d : new Duration[] {readHeaderTimeout, readTimeout, writeTimeout, idleTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive: " + d);
      }
    }
  }

  /** 4096 connections; 10 s for a header, 1 min for a whole request, 30 s for a write, 1 min idle. */
  public static HttpServerSettings defaults() {
    return new HttpServerSettings(DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_HEADER_TIMEOUT, DEFAULT_READ_TIMEOUT,
        DEFAULT_WRITE_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
  }
}
