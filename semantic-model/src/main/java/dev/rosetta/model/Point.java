package dev.rosetta.model;

/**
 * One data point of a metric: its own labels (point attributes), the start of its accumulation
 * window and its timestamp, both in Unix epoch nanoseconds ({@code 0} when unknown).
 */
public sealed interface Point permits NumberPoint, HistogramPoint, SummaryPoint {
  Labels labels();

  long startEpochNanos();

  long epochNanos();

  /** The same point with other labels. */
  Point withLabels(Labels labels);
}
