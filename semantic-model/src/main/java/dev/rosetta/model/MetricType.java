package dev.rosetta.model;

/** The instrument kind of a metric, as the semantic model and both renderings understand it. */
public enum MetricType {
  /** A value that goes up and down, sampled; OTLP Gauge, Prometheus gauge. */
  GAUGE,
  /** A monotonic sum; OTLP monotonic Sum, Prometheus counter ({@code _total}). */
  COUNTER,
  /** A non-monotonic sum; OTLP non-monotonic Sum, Prometheus gauge. */
  UP_DOWN_COUNTER,
  /** Explicit-bucket histogram; OTLP Histogram (exponential ones are converted), Prometheus histogram. */
  HISTOGRAM,
  /** Quantile summary; OTLP Summary, Prometheus summary. */
  SUMMARY;

  /** The lower-case word used in configuration and CLI output ({@code updowncounter} for UP_DOWN_COUNTER). */
  public String word() {
    return this == UP_DOWN_COUNTER ? "updowncounter" : name().toLowerCase(java.util.Locale.ROOT);
  }
}
