package dev.rosetta.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A summary point: count, sum and quantile values. {@code quantiles[i]} in [0, 1] has value
 * {@code values[i]}; both arrays have the same length.
 */
public record SummaryPoint(
    Labels labels,
    long startEpochNanos,
    long epochNanos,
    long count,
    double sum,
    double[] quantiles,
    double[] values,
    Labels receivedLabels)
    implements Point {

  public SummaryPoint {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(receivedLabels, "receivedLabels");
    Objects.requireNonNull(quantiles, "quantiles");
    Objects.requireNonNull(values, "values");
    if (quantiles.length != values.length) {
      throw new IllegalArgumentException("quantiles and values differ in length");
    }
    for (double q : quantiles) {
      if (!(q >= 0 && q <= 1)) {
        throw new IllegalArgumentException("quantile out of [0, 1]: " + q);
      }
    }
    if (count < 0) {
      throw new IllegalArgumentException("negative count " + count);
    }
  }

  /** A point as received: its labels are its received labels. */
  public SummaryPoint(
      Labels labels, long startEpochNanos, long epochNanos, long count, double sum, double[] quantiles,
      double[] values) {
    this(labels, startEpochNanos, epochNanos, count, sum, quantiles, values, labels);
  }

  @Override
  public SummaryPoint withLabels(Labels labels) {
    return labels.equals(this.labels)
        ? this
        : new SummaryPoint(labels, startEpochNanos, epochNanos, count, sum, quantiles, values, receivedLabels);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SummaryPoint s
        && labels.equals(s.labels)
        && startEpochNanos == s.startEpochNanos
        && epochNanos == s.epochNanos
        && count == s.count
        && Double.compare(sum, s.sum) == 0
        && Arrays.equals(quantiles, s.quantiles)
        && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels, epochNanos, count, sum, Arrays.hashCode(quantiles), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "SummaryPoint[" + labels + ", count=" + count + ", sum=" + sum + ", q=" + Arrays.toString(quantiles)
        + ", v=" + Arrays.toString(values) + "]";
  }
}
