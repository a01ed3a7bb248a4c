package dev.rosetta.model;

/** Aggregation temporality of sums and histograms. Gauges and summaries are always CUMULATIVE here. */
public enum Temporality {
  CUMULATIVE,
  DELTA
}
