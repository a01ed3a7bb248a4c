package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.name.GoPath;
import dev.rosetta.model.name.ParseResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalizes metrics named by Go runtime paths, whichever way they arrived: the unit is the one the
 * path states (in UCUM), and a histogram point without a sum — Go's histograms have none — gets one,
 * from the best source there is, in this order:
 *
 * <ol>
 *   <li>the sum the sender gave (an OTLP histogram's {@code sum}, the native form's {@code sum}):
 *       kept as it is;
 *   <li><b>exact</b>: for {@code /gc/heap/allocs-by-size:bytes} and {@code
 *       /gc/heap/frees-by-size:bytes}, the value of {@code /gc/heap/allocs:bytes} and {@code
 *       /gc/heap/frees:bytes} from the same resource in the same batch, with the same point labels.
 *       Go defines those counters as the totals that the two histograms distribute (every object
 *       counted at its size class's size, tiny blocks included), and one {@code metrics.Read} fills
 *       them from the same statistics;
 *   <li><b>estimate</b>: each bucket's count times its midpoint, the finite edge for the first and
 *       the last bucket.
 * </ol>
 *
 * Counts are never changed. Stateless.
 */
public final class GoHistograms {
  /** Each size histogram and the Go counter that is its exact sum. */
  public static final Map<String, String> EXACT_SUMS = Map.of(
      "/gc/heap/allocs-by-size:bytes", "/gc/heap/allocs:bytes",
      "/gc/heap/frees-by-size:bytes", "/gc/heap/frees:bytes");

  private GoHistograms() {}

  /**
   * The totals that are exact histogram sums in one resource's metrics, across its scopes: counter
   * path -> point labels -> value. Empty (and cheap) when the resource has none.
   */
  public static Map<String, Map<Labels, Double>> exactSums(ResourceMetrics rm) {
    Map<String, Map<Labels, Double>> totals = null;
    for (ScopeMetrics sm : rm.scopes()) {
      for (Metric m : sm.metrics()) {
        String name = m.name();
        if (!name.startsWith("/gc/heap/") || !EXACT_SUMS.containsValue(name)) {
          continue;
        }
        for (Point p : m.points()) {
          if (p instanceof NumberPoint np && Double.isFinite(np.value())) {
            if (totals == null) {
              totals = new HashMap<>(4);
            }
            totals.computeIfAbsent(name, k -> new HashMap<>(2)).putIfAbsent(p.labels(), np.value());
          }
        }
      }
    }
    return totals == null ? Map.of() : totals;
  }

  /** The metric normalized without exact sums (estimates only where the sender gave no sum). */
  public static Metric normalize(Metric m) {
    return normalize(m, Map.of());
  }

  /**
   * The metric normalized, or the same instance when it is not a Go path or needs nothing.
   *
   * @param exactSums from {@link #exactSums(ResourceMetrics)} of the metric's resource
   */
  public static Metric normalize(Metric m, Map<String, Map<Labels, Double>> exactSums) {
    String name = m.name();
    if (name.isEmpty() || name.charAt(0) != '/' || name.indexOf(':') < 0) {
      return m;
    }
    ParseResult<GoPath> parsed = GoPath.parse(name);
    if (!parsed.isOk()) {
      return m;
    }
    String unit = parsed.value().ucumUnit();
    List<Point> points = m.points();
    if (m.type() == MetricType.HISTOGRAM) {
      String totalName = EXACT_SUMS.get(name);
      Map<Labels, Double> totals = totalName == null ? Map.of() : exactSums.getOrDefault(totalName, Map.of());
      List<Point> out = null;
      for (int i = 0; i < points.size(); i++) {
        HistogramPoint h = (HistogramPoint) points.get(i);
        if (Double.isNaN(h.sum())) {
          if (out == null) {
            out = new ArrayList<>(points);
          }
          Double exact = totals.get(h.labels());
          double sum = exact != null ? exact : estimatedSum(h.bounds(), h.counts());
          out.set(i, new HistogramPoint(h.labels(), h.startEpochNanos(), h.epochNanos(), h.bounds(), h.counts(),
              h.count(), sum, h.min(), h.max()));
        }
      }
      if (out != null) {
        points = out;
      }
    }
    if (unit.equals(m.unit()) && points == m.points()) {
      return m;
    }
    return new Metric(name, m.description(), unit, m.type(), m.temporality(), points);
  }

  /** Σ count × midpoint; the first bucket (-Inf, b0] counts at b0, the last (bN, +Inf) at bN. */
  static double estimatedSum(double[] bounds, long[] counts) {
    double sum = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        continue;
      }
      double at;
      if (bounds.length == 0) {
        at = 0;
      } else if (i == 0) {
        at = bounds[0];
      } else if (i == bounds.length) {
        at = bounds[bounds.length - 1];
      } else {
        at = (bounds[i - 1] + bounds[i]) / 2;
      }
      sum += counts[i] * at;
    }
    return sum;
  }
}
