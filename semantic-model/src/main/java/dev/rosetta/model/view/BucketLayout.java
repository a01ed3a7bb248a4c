package dev.rosetta.model.view;

import dev.rosetta.model.HistogramPoint;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a view re-buckets histograms, exactly: the output buckets are unions of adjacent input
 * buckets, so every count and the sum stay exact.
 *
 * <ul>
 *   <li>{@link #explicit(double...)}: each wanted bound (in the output unit, after the view's scale)
 *       snaps up to the smallest input bound at or above it; wanted bounds above every input bound
 *       fall into {@code +Inf}; duplicates collapse.
 *   <li>{@link #maxBuckets(int)}: adjacent input buckets merge into at most {@code max} buckets
 *       (counting {@code +Inf}), in groups of nearly equal numbers of input buckets, so
 *       logarithmic layouts stay logarithmic. A histogram with no more buckets is left as it is.
 * </ul>
 *
 * The output depends on the input bounds only, never on counts, so every point of a series gets the
 * same layout. Immutable and thread-safe.
 */
public final class BucketLayout {
  /** Relative tolerance when comparing a scaled input bound with a wanted bound. */
  private static final double TOLERANCE = 1e-9;

  private final double[] bounds; // null for maxBuckets
  private final int max;

  private BucketLayout(double[] bounds, int max) {
    this.bounds = bounds;
    this.max = max;
  }

  /**
   * Explicit bounds, finite and strictly increasing, at least one.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static BucketLayout explicit(double... bounds) {
    if (bounds.length == 0) {
      throw new IllegalArgumentException("at least one bound is needed");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (!Double.isFinite(bounds[i])) {
        throw new IllegalArgumentException("bound " + bounds[i] + " is not a finite number");
      }
      if (i > 0 && !(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException(
            "bounds must increase strictly: " + bounds[i] + " follows " + bounds[i - 1]);
      }
    }
    return new BucketLayout(bounds.clone(), 0);
  }

  /**
   * At most {@code max} buckets, {@code +Inf} included.
   *
   * @throws IllegalArgumentException when {@code max < 1}
   */
  public static BucketLayout maxBuckets(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    return new BucketLayout(null, max);
  }

  public boolean isExplicit() {
    return bounds != null;
  }

  /** The wanted bounds of an explicit layout (a copy); empty for a {@code max} layout. */
  public double[] bounds() {
    return bounds == null ? new double[0] : bounds.clone();
  }

  /** The bucket limit of a {@code max} layout; 0 for an explicit one. */
  public int maxBuckets() {
    return max;
  }

  /**
   * The indices of the input bounds that survive, increasing.
   *
   * @param inputBounds the input histogram's finite bounds, in the input unit
   * @param scale the view's scale, input unit to output unit
   */
  int[] keptBounds(double[] inputBounds, double scale) {
    int n = inputBounds.length;
    if (bounds == null) {
      int buckets = n + 1;
      if (buckets <= max) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
          all[i] = i;
        }
        return all;
      }
      int[] kept = new int[max - 1];
      for (int k = 1; k < max; k++) {
        // the k-th output bucket ends after input bucket end-1
        int end = (int) Math.round((double) k * buckets / max);
        kept[k - 1] = end - 1;
      }
      return kept;
    }
    int[] kept = new int[Math.min(bounds.length, n)];
    int size = 0;
    int i = 0;
    for (double wanted : bounds) {
      double slack = Math.abs(wanted) * TOLERANCE;
      while (i < n && inputBounds[i] * scale < wanted - slack) {
        i++;
      }
      if (i == n) {
        break;
      }
      if (size == 0 || kept[size - 1] != i) {
        kept[size++] = i;
      }
    }
    return Arrays.copyOf(kept, size);
  }

  /**
   * The point re-bucketed and scaled: bounds, sum, min and max multiplied by {@code scale}, counts
   * merged.
   *
   * @throws IllegalArgumentException when scaling breaks the strict order of the bounds
   */
  public HistogramPoint apply(HistogramPoint in, double scale) {
    double[] inBounds = in.bounds();
    long[] inCounts = in.counts();
    int[] kept = keptBounds(inBounds, scale);
    double[] outBounds = new double[kept.length];
    long[] outCounts = new long[kept.length + 1];
    int bucket = 0;
    for (int j = 0; j <= kept.length; j++) {
      int last = j < kept.length ? kept[j] : inBounds.length;
      long sum = 0;
      while (bucket <= last) {
        sum += inCounts[bucket++];
      }
      outCounts[j] = sum;
      if (j < kept.length) {
        outBounds[j] = inBounds[kept[j]] * scale;
      }
    }
    return new HistogramPoint(
        in.labels(),
        in.startEpochNanos(),
        in.epochNanos(),
        outBounds,
        outCounts,
        in.count(),
        in.sum() * scale,
        in.min() * scale,
        in.max() * scale,
        in.receivedLabels());
  }

  /** {@code bounds [0.001, 0.01]} or {@code max 20}. */
  @Override
  public String toString() {
    return bounds != null ? "bounds " + Arrays.toString(bounds) : "max " + max;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BucketLayout b && max == b.max && Arrays.equals(bounds, b.bounds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(max, Arrays.hashCode(bounds));
  }
}
