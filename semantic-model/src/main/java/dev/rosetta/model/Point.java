package dev.rosetta.model;

/**
 * One data point of a metric: its own labels (point attributes), the start of its accumulation
 * window and its timestamp, both in Unix epoch nanoseconds ({@code 0} when unknown).
 *
 * <p>{@link #receivedLabels()} are the attributes the point was received with, before any stage
 * changed them: the same instance as {@link #labels()} until then. They identify the point's
 * source and take no part in equality.
 */
public sealed interface Point permits NumberPoint, HistogramPoint, SummaryPoint {
  Labels labels();

  long startEpochNanos();

  long epochNanos();

  /** The attributes as received; the same instance as {@link #labels()} while no stage changed them. */
  Labels receivedLabels();

  /** The same point with other labels; the received labels stay. */
  Point withLabels(Labels labels);
}
