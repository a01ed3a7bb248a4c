package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.Point;
import dev.rosetta.model.name.GoPath;
import dev.rosetta.model.name.ParseResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Normalizes metrics named by Go runtime paths, whichever way they arrived: the unit is the one the
 * path states (in UCUM), and histogram points without a sum — Go's histograms have none — get an
 * estimate: each bucket's count times its midpoint, the finite edge for the first and the last
 * bucket. Counts are never changed. Stateless.
 */
public final class GoHistograms {
  private GoHistograms() {}

  /** The metric normalized, or the same instance when it is not a Go path or needs nothing. */
  public static Metric normalize(Metric m) {
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
      List<Point> out = null;
      for (int i = 0; i < points.size(); i++) {
        HistogramPoint h = (HistogramPoint) points.get(i);
        if (Double.isNaN(h.sum())) {
          if (out == null) {
            out = new ArrayList<>(points);
          }
          out.set(i, new HistogramPoint(h.labels(), h.startEpochNanos(), h.epochNanos(), h.bounds(), h.counts(),
              h.count(), estimatedSum(h.bounds(), h.counts()), h.min(), h.max(), h.receivedLabels()));
        }
      }
      if (out != null) {
        points = out;
      }
    }
    if (unit.equals(m.unit()) && points == m.points()) {
      return m;
    }
    return new Metric(name, m.description(), unit, m.type(), m.temporality(), points, m.origin());
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
