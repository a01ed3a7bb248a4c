package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code exporters} section: the Prometheus endpoint always runs; OTLP forwarding is optional.
 */
public record ExportersConfig(
    PrometheusExporterConfig prometheus, Optional<OtlpExporterConfig> otlp) {
  public ExportersConfig {
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(otlp, "otlp");
  }

  public static ExportersConfig defaults() {
    return new ExportersConfig(PrometheusExporterConfig.defaults(), Optional.empty());
  }
}
