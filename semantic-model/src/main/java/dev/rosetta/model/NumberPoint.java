package dev.rosetta.model;

import java.util.Objects;

/** A gauge, counter or up-down counter value. */
public record NumberPoint(Labels labels, long startEpochNanos, long epochNanos, double value, Labels receivedLabels)
    implements Point {
  public NumberPoint {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(receivedLabels, "receivedLabels");
  }

  /** A point as received: its labels are its received labels. */
  public NumberPoint(Labels labels, long startEpochNanos, long epochNanos, double value) {
    this(labels, startEpochNanos, epochNanos, value, labels);
  }

  @Override
  public NumberPoint withLabels(Labels labels) {
    return labels.equals(this.labels) ? this : new NumberPoint(labels, startEpochNanos, epochNanos, value, receivedLabels);
  }

  /** The same point with another value. */
  public NumberPoint withValue(double v) {
    return new NumberPoint(labels, startEpochNanos, epochNanos, v, receivedLabels);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NumberPoint n
        && labels.equals(n.labels)
        && startEpochNanos == n.startEpochNanos
        && epochNanos == n.epochNanos
        && Double.compare(value, n.value) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels, startEpochNanos, epochNanos, value);
  }

  @Override
  public String toString() {
    return "NumberPoint[labels=" + labels + ", startEpochNanos=" + startEpochNanos + ", epochNanos=" + epochNanos
        + ", value=" + value + "]";
  }
}
