package dev.rosetta.receiver.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code exporters} section: the Prometheus endpoint always runs; OTLP forwarding is optional,
 * to one or several downstreams ({@code otlp}, {@code otlp/a}, {@code otlphttp/b}), each exporter
 * with its own queue; {@code debug} exporters write what is forwarded to the log. Only the exporters
 * of the pipeline are here (one declared but in no pipeline is not started).
 *
 * @param otlpExporters the OTLP exporters in file order, ids distinct
 */
public record ExportersConfig(PrometheusExporterConfig prometheus, List<OtlpExporterConfig> otlpExporters,
    List<DebugExporterConfig> debug) {
  public ExportersConfig {
    Objects.requireNonNull(prometheus, "prometheus");
    otlpExporters = List.copyOf(Objects.requireNonNull(otlpExporters, "otlpExporters"));
    debug = List.copyOf(Objects.requireNonNull(debug, "debug"));
    Set<ComponentId> ids = new HashSet<>();
    for (OtlpExporterConfig o : otlpExporters) {
      if (!ids.add(o.id())) {
        throw new IllegalArgumentException("exporter " + o.id() + " is declared twice");
      }
    }
    for (DebugExporterConfig d : debug) {
      if (!ids.add(d.id())) {
        throw new IllegalArgumentException("exporter " + d.id() + " is declared twice");
      }
    }
  }

  /** The Prometheus endpoint and OTLP exporters, no debug exporter. */
  public ExportersConfig(PrometheusExporterConfig prometheus, List<OtlpExporterConfig> otlpExporters) {
    this(prometheus, otlpExporters, List.of());
  }

  public static ExportersConfig defaults() {
    return new ExportersConfig(PrometheusExporterConfig.defaults(), List.of());
  }

  /** The exporter declared as plain {@code otlp} (not {@code otlp/name}), if any. */
  public Optional<OtlpExporterConfig> otlp() {
    return otlpExporters.stream().filter(o -> o.id().equals(ComponentId.of(OtlpExporterConfig.TYPE))).findFirst();
  }
}
