package dev.rosetta.model;

import java.util.Objects;

/** A gauge, counter or up-down counter value. */
public record NumberPoint(Labels labels, long startEpochNanos, long epochNanos, double value)
    implements Point {
  public NumberPoint {
    Objects.requireNonNull(labels, "labels");
  }

  @Override
  public NumberPoint withLabels(Labels labels) {
    return labels.equals(this.labels) ? this : new NumberPoint(labels, startEpochNanos, epochNanos, value);
  }

  /** The same point with another value. */
  public NumberPoint withValue(double v) {
    return new NumberPoint(labels, startEpochNanos, epochNanos, v);
  }
}
