package dev.rosetta.receiver.config;

import java.util.Objects;

/**
 * The {@code debug} exporter ({@code debug}, {@code debug/<name>}): what the pipeline forwards,
 * written to Rosetta's log. {@code verbosity} {@code basic} writes one line per request (metrics and
 * data points), {@code normal} adds one line per metric, {@code detailed} one line per data point.
 * Of the requests of each second, the first {@code sampling_initial} are written and after them
 * every {@code sampling_thereafter}-th, as the Collector samples.
 */
public record DebugExporterConfig(ComponentId id, Verbosity verbosity, int samplingInitial, int samplingThereafter) {
  public static final String TYPE = "debug";
  public static final int DEFAULT_SAMPLING_INITIAL = 2;
  public static final int DEFAULT_SAMPLING_THEREAFTER = 1;

  /** How much a request writes to the log. */
  public enum Verbosity {
    BASIC,
    NORMAL,
    DETAILED
  }

  public DebugExporterConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(verbosity, "verbosity");
    if (samplingInitial < 0 || samplingThereafter < 1) {
      throw new IllegalArgumentException("sampling_initial >= 0 and sampling_thereafter >= 1");
    }
  }

  public static DebugExporterConfig defaults(ComponentId id) {
    return new DebugExporterConfig(id, Verbosity.BASIC, DEFAULT_SAMPLING_INITIAL, DEFAULT_SAMPLING_THEREAFTER);
  }
}
