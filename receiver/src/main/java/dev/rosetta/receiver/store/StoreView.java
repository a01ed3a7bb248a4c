package dev.rosetta.receiver.store;

import dev.rosetta.model.Labels;
import dev.rosetta.model.MetricType;
import java.util.List;
import java.util.Map;

/**
 * What a reader of a {@link SeriesStore} sees, for exposition: the current list of families and,
 * family by family when asked, a copy of their series taken under each series' lock. A reader never
 * holds a lock of the store nor sees its maps, and a family's series are copied only when it is
 * reached, so rendering a large store holds one family at a time. Thread-safe.
 */
public interface StoreView {

  /** The families in the store now; each copies its series when {@link StoreFamily#series()} is called. */
  List<StoreFamily> families();

  /**
   * A copy of the targets' resource attributes for {@code target_info}: for each target's identifying
   * labels ({@code job}, {@code instance}), its other attributes.
   */
  Map<Labels, Labels> targets();

  /** One family: its metadata and, on request, a snapshot of its series. */
  interface StoreFamily {
    /** The Prometheus family name, without any exposition namespace. */
    String name();

    MetricType type();

    /** The unit word of the name, or empty. */
    String unit();

    /** The help text, or empty. */
    String help();

    /** A snapshot of the family's series that hold a value, each read under its own lock. */
    List<SeriesSnapshot> series();
  }

  /**
   * One series as it stood when read. For a histogram, {@code bounds} and {@code counts} (per bucket,
   * not cumulative), {@code count} and {@code sum}; for a summary, {@code quantiles}, {@code
   * quantileValues}, {@code count} and {@code sum}; otherwise {@code value}. Arrays that do not apply
   * are empty. The arrays are the snapshot's own or shared immutable ones: readers must not modify
   * them.
   *
   * @param timeMillis the time of the latest point, or when it came without one the time it was
   *     received, in milliseconds since the epoch
   */
  record SeriesSnapshot(
      Labels labels,
      double value,
      double[] bounds,
      long[] counts,
      long count,
      double sum,
      double[] quantiles,
      double[] quantileValues,
      long timeMillis) {}
}
