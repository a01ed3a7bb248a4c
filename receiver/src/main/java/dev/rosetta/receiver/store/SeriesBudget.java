package dev.rosetta.receiver.store;

/**
 * The default total series budget ({@code limits.max_series} when not given), derived from the
 * maximum heap so that a cardinality explosion ends in refused new series, not in an exhausted heap:
 * {@code max_series = max(MIN, heap × HEAP_SHARE / BYTES_PER_SERIES)}.
 *
 * <p>{@link #BYTES_PER_SERIES} is what one series costs in the heap, measured with {@code
 * SeriesMemoryHarness} (see README, "Limits and reload") for the costly case: one series per family
 * (a million distinct names), with its source tracking, its label set and its name. {@link
 * #HEAP_SHARE} leaves the rest of the heap to requests in flight, the forward queue and a scrape,
 * which renders the whole body in memory.
 */
public final class SeriesBudget {
  /** Heap bytes one series holds, measured (rounded up). */
  public static final int BYTES_PER_SERIES = 1000;
  /** The share of the maximum heap the series may fill. */
  public static final double HEAP_SHARE = 0.25;
  /** The budget never goes below this, however small the heap. */
  public static final int MIN = 10_000;

  private SeriesBudget() {}

  /** The budget for a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory()}). */
  public static int derived(long maxHeapBytes) {
    if (maxHeapBytes <= 0 || maxHeapBytes == Long.MAX_VALUE) {
      maxHeapBytes = 1L << 30; // no known limit: as for a 1 GiB heap
    }
    long n = (long) (maxHeapBytes * HEAP_SHARE / BYTES_PER_SERIES);
    return (int) Math.max(MIN, Math.min(Integer.MAX_VALUE, n));
  }

  /** {@code configured} when given (above 0), else {@link #derived} for this JVM's heap. */
  public static int resolve(int configured) {
    return configured > 0 ? configured : derived(Runtime.getRuntime().maxMemory());
  }
}
