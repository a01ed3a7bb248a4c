package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The OTLP receiver ({@code receivers.otlp.protocols}): each protocol is on when its key is present
 * (an empty value means defaults) and off when absent. At least one is on.
 */
public record OtlpReceiverConfig(
    Optional<GrpcReceiverConfig> grpc, Optional<HttpReceiverConfig> http) {
  public OtlpReceiverConfig {
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(http, "http");
    if (grpc.isEmpty() && http.isEmpty()) {
      throw new IllegalArgumentException("at least one of grpc and http must be enabled");
    }
  }

  /** Both protocols on their defaults. */
  public static OtlpReceiverConfig defaults() {
    return new OtlpReceiverConfig(
        Optional.of(GrpcReceiverConfig.defaults()), Optional.of(HttpReceiverConfig.defaults()));
  }
}
