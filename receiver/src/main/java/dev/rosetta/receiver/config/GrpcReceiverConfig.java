package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The OTLP/gRPC listener ({@code receivers.otlp.protocols.grpc}): keys {@code endpoint}, {@code
 * max_recv_msg_size_mib} (largest accepted message in MiB), {@code tls}, {@code auth} ({@code
 * authenticator: <extension id>}: every call must carry a valid credential), {@code
 * max_concurrent_streams} (calls at once on one connection), {@code keepalive} ({@link
 * GrpcKeepaliveConfig}) and Rosetta's {@code max_connections} (connections served at once; beyond
 * it new connections wait in the listen backlog).
 */
public record GrpcReceiverConfig(
    Endpoint endpoint,
    int maxRecvMsgSizeMib,
    Optional<TlsServerConfig> tls,
    Optional<AuthenticatorConfig> auth,
    int maxConcurrentStreams,
    int maxConnections,
    GrpcKeepaliveConfig keepalive) {
  public static final Endpoint DEFAULT_ENDPOINT = new Endpoint("127.0.0.1", 4317);
  public static final int DEFAULT_MAX_RECV_MSG_SIZE_MIB = 20;
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
  public static final int DEFAULT_MAX_CONNECTIONS = 4096;

  /** gRPC takes the limit in bytes as an {@code int}. */
  public static final int MAX_RECV_MSG_SIZE_MIB_LIMIT = Integer.MAX_VALUE / (1024 * 1024);

  public GrpcReceiverConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(keepalive, "keepalive");
    if (maxRecvMsgSizeMib < 1 || maxRecvMsgSizeMib > MAX_RECV_MSG_SIZE_MIB_LIMIT) {
      throw new IllegalArgumentException("maxRecvMsgSizeMib out of range: " + maxRecvMsgSizeMib);
    }
    if (maxConcurrentStreams < 1 || maxConnections < 1) {
      throw new IllegalArgumentException("maxConcurrentStreams and maxConnections must be at least 1");
    }
  }

  /** With the default stream, connection and keepalive settings. */
  public GrpcReceiverConfig(Endpoint endpoint, int maxRecvMsgSizeMib, Optional<TlsServerConfig> tls,
      Optional<AuthenticatorConfig> auth) {
    this(endpoint, maxRecvMsgSizeMib, tls, auth, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_CONNECTIONS,
        GrpcKeepaliveConfig.defaults());
  }

  /** Loopback, 20 MiB, no TLS, no authentication. */
  public static GrpcReceiverConfig defaults() {
    return new GrpcReceiverConfig(
        DEFAULT_ENDPOINT, DEFAULT_MAX_RECV_MSG_SIZE_MIB, Optional.empty(), Optional.empty());
  }

  /** The message size limit in bytes. */
  public int maxRecvMsgSizeBytes() {
    return maxRecvMsgSizeMib * 1024 * 1024;
  }
}
