package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The OTLP/HTTP listener ({@code receivers.otlp.protocols.http}): keys {@code endpoint}, {@code
 * max_request_body_size} (bytes, after decompression), {@code tls}, {@code auth} ({@code
 * authenticator: <extension id>}: every request, the native endpoints' included, must carry a valid
 * credential) and the connection settings of {@link HttpServerSettings} ({@code max_connections},
 * {@code read_header_timeout}, {@code read_timeout}, {@code write_timeout}, {@code idle_timeout}).
 */
public record HttpReceiverConfig(
    Endpoint endpoint,
    long maxRequestBodySize,
    Optional<TlsServerConfig> tls,
    Optional<AuthenticatorConfig> auth,
    HttpServerSettings server) {
  public static final Endpoint DEFAULT_ENDPOINT = new Endpoint("127.0.0.1", 4318);
  public static final long DEFAULT_MAX_REQUEST_BODY_SIZE = 20L * 1024 * 1024;

  /** A body is held in memory and decoded from an array indexed by {@code int}. */
  public static final long MAX_REQUEST_BODY_SIZE_LIMIT = Integer.MAX_VALUE;

  public HttpReceiverConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(server, "server");
    if (maxRequestBodySize < 1 || maxRequestBodySize > MAX_REQUEST_BODY_SIZE_LIMIT) {
      throw new IllegalArgumentException("maxRequestBodySize out of range: " + maxRequestBodySize);
    }
  }

  /** With the default connection settings. */
  public HttpReceiverConfig(Endpoint endpoint, long maxRequestBodySize, Optional<TlsServerConfig> tls,
      Optional<AuthenticatorConfig> auth) {
    this(endpoint, maxRequestBodySize, tls, auth, HttpServerSettings.defaults());
  }

  /** Loopback, 20 MiB, no TLS, no authentication, default connection settings. */
  public static HttpReceiverConfig defaults() {
    return new HttpReceiverConfig(
        DEFAULT_ENDPOINT, DEFAULT_MAX_REQUEST_BODY_SIZE, Optional.empty(), Optional.empty());
  }
}
