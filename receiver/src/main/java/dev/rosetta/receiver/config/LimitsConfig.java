package dev.rosetta.receiver.config;

/**
 * The {@code limits} section.
 *
 * <p>The cardinality guard of the series store: a point that would create a series beyond {@code
 * maxSeries} in total or {@code maxSeriesPerFamily} in its family is refused and counted ({@code
 * rosetta_store_refused_points_total}), with one log line per family; existing series keep updating.
 * {@code maxSeries} {@link #DERIVED} (0, the default) derives the total budget from the heap ({@code
 * dev.rosetta.receiver.store.SeriesBudget}).
 *
 * <p>The label limits, with Prometheus's names and meaning ({@code label_limit}, {@code
 * label_name_length_limit}, {@code label_value_length_limit}; 0 = no limit), checked on every
 * request before the pipeline: the most attributes one resource, scope or point may carry, and the
 * longest attribute key and value (metric and scope names count as values). The defaults are far
 * above what real senders send, so that they only stop requests built to hurt:
 *
 * <ul>
 *   <li>{@code label_limit} 1000: the OpenTelemetry SDKs cap an attribute set at 128 by default,
 *       Mimir and VictoriaMetrics refuse series with more than 30 or 40 labels, and a pod's resource
 *       with every Kubernetes label and annotation copied has well under 200;
 *   <li>{@code label_name_length_limit} 1024: semantic-convention keys are under 70 characters, a
 *       Kubernetes annotation key at most 317 (and Mimir's default is 1024);
 *   <li>{@code label_value_length_limit} 65536: 32 times what Mimir accepts (2048), enough for a
 *       whole process command line with a long class path, or a {@code last-applied-configuration}
 *       annotation.
 * </ul>
 */
public record LimitsConfig(int maxSeries, int maxSeriesPerFamily, int labelLimit, int labelNameLengthLimit,
    int labelValueLengthLimit) {
  /** {@code max_series} not given: the budget is derived from the heap at start. */
  public static final int DERIVED = 0;
  public static final int DEFAULT_MAX_SERIES = DERIVED;
  public static final int DEFAULT_MAX_SERIES_PER_FAMILY = 100_000;
  public static final int DEFAULT_LABEL_LIMIT = 1000;
  public static final int DEFAULT_LABEL_NAME_LENGTH_LIMIT = 1024;
  public static final int DEFAULT_LABEL_VALUE_LENGTH_LIMIT = 65_536;

  public LimitsConfig {
    if (maxSeries < 0 || maxSeriesPerFamily < 1) {
      throw new IllegalArgumentException("limits must be positive (max_series 0: derived from the heap)");
    }
    if (labelLimit < 0 || labelNameLengthLimit < 0 || labelValueLengthLimit < 0) {
      throw new IllegalArgumentException("label limits must be 0 (no limit) or positive");
    }
  }

  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_MAX_SERIES, DEFAULT_MAX_SERIES_PER_FAMILY, DEFAULT_LABEL_LIMIT,
        DEFAULT_LABEL_NAME_LENGTH_LIMIT, DEFAULT_LABEL_VALUE_LENGTH_LIMIT);
  }
}
