package dev.rosetta.receiver.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code receivers} section; absent or empty means OTLP on both protocols with defaults.
 * {@code scrape} holds the pull receivers ({@code prometheus}, {@code jolokia}, and their
 * {@code type/name} variants) in file order; when only those are listed, OTLP is off.
 */
public record ReceiversConfig(OtlpReceiverConfig otlp, List<ScrapeReceiverConfig> scrape) {
  public ReceiversConfig {
    Objects.requireNonNull(otlp, "otlp");
    scrape = List.copyOf(scrape);
  }

  /** OTLP only. */
  public ReceiversConfig(OtlpReceiverConfig otlp) {
    this(otlp, List.of());
  }

  public static ReceiversConfig defaults() {
    return new ReceiversConfig(OtlpReceiverConfig.defaults());
  }
}
