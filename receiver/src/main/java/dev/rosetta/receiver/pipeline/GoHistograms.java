package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.name.ClientGolangNames;
import dev.rosetta.model.name.GoNameRecognizer;
import dev.rosetta.model.name.GoPath;
import dev.rosetta.model.name.ParseResult;
import dev.rosetta.model.name.Recognition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>Names of other Go instrumentations recognised as these paths ({@link GoNameRecognizer}:
 * client_golang's {@code go_gc_heap_allocs_by_size_bytes} and {@code go_gc_heap_allocs_bytes_total},
 * MemStats' {@code go_memstats_alloc_bytes_total}) count as the paths: a recognised histogram gets
 * its sum the same way (the estimate on the runtime's bucket edges), and a recognised total is an
 * exact sum. Where the path and such a name both carry a total, the path's is taken, then
 * client_golang's runtime/metrics name's, then the other names' ({@link Recognition.Source#rank()}).
 * A recognised metric keeps its name and unit: the views recognise it again.
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
   * path -> point labels -> value. A total under a recognised name counts as its path's, below the
   * path's own (see the class comment). Empty (and cheap) when the resource has none.
   */
  public static Map<String, Map<Labels, Double>> exactSums(ResourceMetrics rm) {
    Map<String, Map<Labels, Double>> totals = null;
    Map<String, Map<Labels, Integer>> ranks = null;
    for (ScopeMetrics sm : rm.scopes()) {
      for (Metric m : sm.metrics()) {
        String name = m.name();
        int rank = 0;
        if (name.startsWith("/")) {
          if (!name.startsWith("/gc/heap/") || !EXACT_SUMS.containsValue(name)) {
            continue;
          }
        } else {
          if (m.type() == MetricType.HISTOGRAM || m.type() == MetricType.SUMMARY) {
            continue;
          }
          Optional<Recognition> r = GoNameRecognizer.recognize(name, m.unit(), m.type() == MetricType.COUNTER);
          if (r.isEmpty() || r.get().minus().isPresent() || !EXACT_SUMS.containsValue(r.get().path().text())) {
            continue;
          }
          name = r.get().path().text();
          rank = r.get().source().rank();
        }
        for (Point p : m.points()) {
          if (p instanceof NumberPoint np && Double.isFinite(np.value())) {
            if (totals == null) {
              totals = new HashMap<>(4);
              ranks = new HashMap<>(4);
            }
            Map<Labels, Integer> byRank = ranks.computeIfAbsent(name, k -> new HashMap<>(2));
            Integer before = byRank.get(p.labels());
            if (before == null || rank < before) {
              byRank.put(p.labels(), rank);
              totals.computeIfAbsent(name, k -> new HashMap<>(2)).put(p.labels(), np.value());
            }
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
   * The metric normalized, or the same instance when it is not a Go path (nor a histogram
   * recognised as one) or needs nothing.
   *
   * @param exactSums from {@link #exactSums(ResourceMetrics)} of the metric's resource
   */
  public static Metric normalize(Metric m, Map<String, Map<Labels, Double>> exactSums) {
    String name = m.name();
    if (name.isEmpty()) {
      return m;
    }
    if (name.charAt(0) != '/') {
      return m.type() == MetricType.HISTOGRAM ? normalizeRecognized(m, exactSums) : m;
    }
    if (name.indexOf(':') < 0) {
      return m;
    }
    String unit = ucumUnit(name);
    if (unit == null) {
      return m;
    }
    List<Point> points = m.type() == MetricType.HISTOGRAM ? withSums(m.points(), name, false, exactSums) : m.points();
    if (unit.equals(m.unit()) && points == m.points()) {
      return m;
    }
    return new Metric(name, m.description(), unit, m.type(), m.temporality(), points, m.origin());
  }

  /** The unit of each name seen: empty when the name is not a Go path; bounded. */
  private static final ConcurrentHashMap<String, Optional<String>> UNITS = new ConcurrentHashMap<>();
  private static final int UNITS_LIMIT = 10_000;

  /** The UCUM unit of a Go runtime path, or null when the name is not one; parsed once per name. */
  private static String ucumUnit(String name) {
    Optional<String> unit = UNITS.get(name);
    if (unit == null) {
      ParseResult<GoPath> parsed = GoPath.parse(name);
      unit = parsed.isOk() ? Optional.of(parsed.value().ucumUnit()) : Optional.empty();
      if (UNITS.size() < UNITS_LIMIT) {
        UNITS.put(name, unit);
      }
    }
    return unit.orElse(null);
  }

  /** A histogram recognised as a Go path, its sums filled as the path's; name and unit kept. */
  private static Metric normalizeRecognized(Metric m, Map<String, Map<Labels, Double>> exactSums) {
    Optional<Recognition> r = GoNameRecognizer.recognize(m.name(), m.unit(), false);
    if (r.isEmpty() || !r.get().boundsBelowEdges()) { // only client_golang's histogram names are histograms
      return m;
    }
    List<Point> points = withSums(m.points(), r.get().path().text(), true, exactSums);
    return points == m.points() ? m : m.withPoints(points);
  }

  /**
   * Histogram points of a path with every missing sum filled: exact when the path is a size
   * histogram and the total is there, else estimated (on the runtime's edges when the bounds are
   * client_golang's, just below them). The same list when no sum is missing.
   */
  private static List<Point> withSums(
      List<Point> points, String path, boolean boundsBelowEdges, Map<String, Map<Labels, Double>> exactSums) {
    String totalName = EXACT_SUMS.get(path);
    Map<Labels, Double> totals = totalName == null ? Map.of() : exactSums.getOrDefault(totalName, Map.of());
    List<Point> out = null;
    for (int i = 0; i < points.size(); i++) {
      if (!(points.get(i) instanceof HistogramPoint h) || !Double.isNaN(h.sum())) {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(points);
      }
      Double exact = totals.get(h.labels());
      double sum = exact != null ? exact : estimatedSum(boundsBelowEdges ? runtimeEdges(h.bounds()) : h.bounds(),
          h.counts());
      out.set(i, new HistogramPoint(h.labels(), h.startEpochNanos(), h.epochNanos(), h.bounds(), h.counts(),
          h.count(), sum, h.min(), h.max(), h.receivedLabels()));
    }
    return out == null ? points : out;
  }

  /** client_golang's bucket bounds (the float below each runtime edge) moved back to the edges. */
  private static double[] runtimeEdges(double[] bounds) {
    double[] edges = bounds.clone();
    for (int i = 0; i < edges.length; i++) {
      double edge = ClientGolangNames.runtimeEdge(edges[i]);
      edges[i] = Double.isInfinite(edge) ? edges[i] : edge;
    }
    return edges;
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
