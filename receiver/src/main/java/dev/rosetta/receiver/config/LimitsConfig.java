package dev.rosetta.receiver.config;

/**
 * The {@code limits} section: the cardinality guard of the series store. A point that would create
 * a series beyond {@code maxSeries} in total or {@code maxSeriesPerFamily} in its family is refused
 * and counted ({@code rosetta_store_refused_points_total}), with one log line per family; existing
 * series keep updating.
 *
 * @param maxSeries the total series budget; {@link #DERIVED} (0, the default) derives it from the
 *     heap ({@code dev.rosetta.receiver.store.SeriesBudget})
 * @param maxSeriesPerFamily the budget of one family
 */
public record LimitsConfig(int maxSeries, int maxSeriesPerFamily) {
  /** {@code max_series} not given: the budget is derived from the heap at start. */
  public static final int DERIVED = 0;
  public static final int DEFAULT_MAX_SERIES = DERIVED;
  public static final int DEFAULT_MAX_SERIES_PER_FAMILY = 100_000;

  public LimitsConfig {
    if (maxSeries < 0 || maxSeriesPerFamily < 1) {
      throw new IllegalArgumentException("limits must be positive (max_series 0: derived from the heap)");
    }
  }

  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_MAX_SERIES, DEFAULT_MAX_SERIES_PER_FAMILY);
  }
}
