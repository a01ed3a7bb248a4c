package dev.rosetta.receiver.config;

import java.util.Objects;

/** The {@code receivers} section; absent or empty means OTLP on both protocols with defaults. */
public record ReceiversConfig(OtlpReceiverConfig otlp) {
  public ReceiversConfig {
    Objects.requireNonNull(otlp, "otlp");
  }

  public static ReceiversConfig defaults() {
    return new ReceiversConfig(OtlpReceiverConfig.defaults());
  }
}
