package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The OTLP receiver ({@code receivers.otlp.protocols}): each protocol is on when its key is present
 * (an empty value means defaults) and off when absent. When {@code otlp} is listed at least one is
 * on; both are off ({@link #none()}) only in a pull-only configuration, whose {@code receivers} list
 * scrape receivers and no {@code otlp}.
 */
public record OtlpReceiverConfig(
    Optional<GrpcReceiverConfig> grpc, Optional<HttpReceiverConfig> http) {
  public OtlpReceiverConfig {
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(http, "http");
  }

  /** No OTLP listener: the receivers section lists only scrape receivers. */
  public static OtlpReceiverConfig none() {
    return new OtlpReceiverConfig(Optional.empty(), Optional.empty());
  }

  /** Both protocols on their defaults. */
  public static OtlpReceiverConfig defaults() {
    return new OtlpReceiverConfig(
        Optional.of(GrpcReceiverConfig.defaults()), Optional.of(HttpReceiverConfig.defaults()));
  }
}
