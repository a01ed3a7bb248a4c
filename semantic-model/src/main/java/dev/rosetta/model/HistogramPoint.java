package dev.rosetta.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * An explicit-bucket histogram point.
 *
 * <p>{@code bounds} are the finite upper bounds, strictly increasing, without {@code +Inf};
 * {@code counts} are per-bucket (not cumulative) and have {@code bounds.length + 1} entries, the last
 * one for {@code (bounds[last], +Inf]}. Bucket {@code i} holds values {@code v} with
 * {@code bounds[i-1] < v <= bounds[i]}, as in OTLP and Prometheus. {@code count} equals the sum of
 * {@code counts}. {@code sum}, {@code min} and {@code max} are NaN when unknown. Arrays are copied
 * in and must not be modified by callers of the accessors.
 */
public record HistogramPoint(
    Labels labels,
    long startEpochNanos,
    long epochNanos,
    double[] bounds,
    long[] counts,
    long count,
    double sum,
    double min,
    double max,
    Labels receivedLabels)
    implements Point {

  public HistogramPoint {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(receivedLabels, "receivedLabels");
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(counts, "counts");
    if (counts.length != bounds.length + 1) {
      throw new IllegalArgumentException(
          "counts must have bounds.length + 1 entries, got " + counts.length + " for " + bounds.length + " bounds");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (Double.isNaN(bounds[i]) || Double.isInfinite(bounds[i])) {
        throw new IllegalArgumentException("bound " + i + " is not finite: " + bounds[i]);
      }
      if (i > 0 && bounds[i] <= bounds[i - 1]) {
        throw new IllegalArgumentException("bounds must increase strictly at index " + i);
      }
    }
    long total = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("negative bucket count " + c);
      }
      total += c;
    }
    if (total != count) {
      throw new IllegalArgumentException("count " + count + " differs from the sum of bucket counts " + total);
    }
  }

  /** A point as received: its labels are its received labels. */
  public HistogramPoint(
      Labels labels,
      long startEpochNanos,
      long epochNanos,
      double[] bounds,
      long[] counts,
      long count,
      double sum,
      double min,
      double max) {
    this(labels, startEpochNanos, epochNanos, bounds, counts, count, sum, min, max, labels);
  }

  @Override
  public HistogramPoint withLabels(Labels labels) {
    return labels.equals(this.labels)
        ? this
        : new HistogramPoint(labels, startEpochNanos, epochNanos, bounds, counts, count, sum, min, max, receivedLabels);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HistogramPoint h
        && labels.equals(h.labels)
        && startEpochNanos == h.startEpochNanos
        && epochNanos == h.epochNanos
        && Arrays.equals(bounds, h.bounds)
        && Arrays.equals(counts, h.counts)
        && count == h.count
        && Double.compare(sum, h.sum) == 0
        && Double.compare(min, h.min) == 0
        && Double.compare(max, h.max) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels, startEpochNanos, epochNanos, Arrays.hashCode(bounds), Arrays.hashCode(counts), count, sum);
  }

  @Override
  public String toString() {
    return "HistogramPoint[" + labels + ", bounds=" + Arrays.toString(bounds) + ", counts="
        + Arrays.toString(counts) + ", count=" + count + ", sum=" + sum + "]";
  }
}
