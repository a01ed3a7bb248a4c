package dev.rosetta.receiver.config;

/**
 * The {@code limits} section: the cardinality guard of the series store. A point that would create
 * a series beyond {@code maxSeries} in total or {@code maxSeriesPerFamily} in its family is refused
 * and counted ({@code rosetta_store_refused_points_total}), with one log line per family; existing
 * series keep updating.
 */
public record LimitsConfig(int maxSeries, int maxSeriesPerFamily) {
  public static final int DEFAULT_MAX_SERIES = 1_000_000;
  public static final int DEFAULT_MAX_SERIES_PER_FAMILY = 100_000;

  public LimitsConfig {
    if (maxSeries < 1 || maxSeriesPerFamily < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_MAX_SERIES, DEFAULT_MAX_SERIES_PER_FAMILY);
  }
}
