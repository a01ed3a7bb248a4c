package dev.rosetta.model.prom;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts a {@link PromFamily} to a {@link Metric} the way an OpenTelemetry Collector's {@code
 * prometheus} receiver does, so that a scrape reaches the views exactly as the same data would
 * through such a Collector:
 *
 * <ul>
 *   <li>counter: a monotonic cumulative sum named by the family name ({@code _total} kept unless
 *       trimmed); gauge and untyped: a gauge;
 *   <li>histogram: one point per label set (without {@code le}) from {@code _bucket}, {@code _sum},
 *       {@code _count}, named by the family name: bounds are the finite {@code le} values, counts are
 *       de-accumulated, the count is {@code _count} (else the {@code +Inf} bucket), the sum {@code
 *       _sum} (NaN when absent);
 *   <li>summary: one point per label set (without {@code quantile}) from the quantile samples,
 *       {@code _sum} and {@code _count};
 *   <li>with {@code trimSuffixes} (the receiver's {@code trim_metric_suffixes: true}): {@code _total}
 *       removed from a counter's name, then the unit's words when the family declares a unit and the
 *       name ends with them;
 *   <li>unit and help as the family gives them; a sample's own timestamp is kept, else {@code
 *       nowNanos}; cumulative points start at {@code startNanos}.
 * </ul>
 *
 * Stateless.
 */
public final class PromFamilies {
  private PromFamilies() {}

  /**
   * The family as a metric.
   *
   * @throws IllegalArgumentException when the samples do not make a valid metric of the family's
   *     type (a bucket without {@code le}, counts that decrease, ...); the message says what
   */
  public static Metric toMetric(PromFamily f, long startNanos, long nowNanos, boolean trimSuffixes) {
    String name = trimSuffixes ? trimmedName(f) : f.name();
    return switch (f.type()) {
      case COUNTER -> numbers(f, name, MetricType.COUNTER, startNanos, nowNanos);
      case GAUGE, UNTYPED -> numbers(f, name, MetricType.GAUGE, startNanos, nowNanos);
      case HISTOGRAM -> histogram(f, name, startNanos, nowNanos);
      case SUMMARY -> summary(f, name, startNanos, nowNanos);
    };
  }

  /** The name with {@code _total} (counters) and the declared unit's words removed. */
  static String trimmedName(PromFamily f) {
    String name = f.name();
    if (f.type() == PromFamily.Type.COUNTER && name.endsWith("_total") && name.length() > "_total".length()) {
      name = name.substring(0, name.length() - "_total".length());
    }
    if (!f.unit().isEmpty()) {
      String suffix = "_" + f.unit();
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static long time(PromFamily.Sample s, long nowNanos) {
    return s.timestampMillis() == Long.MIN_VALUE ? nowNanos : s.timestampMillis() * 1_000_000L;
  }

  private static Metric numbers(PromFamily f, String name, MetricType type, long startNanos, long nowNanos) {
    List<Point> points = new ArrayList<>(f.samples().size());
    for (PromFamily.Sample s : f.samples()) {
      points.add(new NumberPoint(s.labels(), type == MetricType.COUNTER ? startNanos : 0, time(s, nowNanos), s.value()));
    }
    return new Metric(name, f.help(), f.unit(), type, Temporality.CUMULATIVE, points);
  }

  private static final class Parts {
    final TreeMap<Double, Double> buckets = new TreeMap<>();
    final TreeMap<Double, Double> quantiles = new TreeMap<>();
    double sum = Double.NaN;
    double count = Double.NaN;
    long time = Long.MIN_VALUE;
  }

  private static Map<Labels, Parts> group(PromFamily f, String key, long nowNanos) {
    Map<Labels, Parts> byLabels = new LinkedHashMap<>();
    for (PromFamily.Sample s : f.samples()) {
      String suffix = s.name().startsWith(f.name()) ? s.name().substring(f.name().length()) : null;
      if (suffix == null) {
        throw new IllegalArgumentException("sample " + s.name() + " does not belong to family " + f.name());
      }
      String keyValue = s.labels().get(key);
      Labels labels = keyValue == null ? s.labels() : s.labels().without(key);
      Parts p = byLabels.computeIfAbsent(labels, k -> new Parts());
      p.time = Math.max(p.time, time(s, nowNanos));
      switch (suffix) {
        case "_sum" -> p.sum = s.value();
        case "_count" -> p.count = s.value();
        case "_bucket", "" -> {
          if (keyValue == null) {
            throw new IllegalArgumentException("sample " + s.name() + s.labels() + " has no " + key + " label");
          }
          double at = parse(keyValue, key, s);
          (key.equals("le") ? p.buckets : p.quantiles).put(at, s.value());
        }
        default -> throw new IllegalArgumentException("sample " + s.name() + " does not belong to family " + f.name());
      }
    }
    return byLabels;
  }

  private static double parse(String v, String key, PromFamily.Sample s) {
    try {
      return switch (v) {
        case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(v);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("sample " + s.name() + " has " + key + "=\"" + v + "\", not a number");
    }
  }

  private static Metric histogram(PromFamily f, String name, long startNanos, long nowNanos) {
    List<Point> points = new ArrayList<>();
    for (Map.Entry<Labels, Parts> e : group(f, "le", nowNanos).entrySet()) {
      Parts p = e.getValue();
      List<Double> finite = new ArrayList<>();
      p.buckets.keySet().forEach(b -> {
        if (!Double.isInfinite(b)) {
          finite.add(b);
        }
      });
      double total = p.buckets.getOrDefault(Double.POSITIVE_INFINITY, p.count);
      if (Double.isNaN(total)) {
        throw new IllegalArgumentException("histogram " + f.name() + e.getKey() + " has neither a +Inf bucket nor _count");
      }
      double[] bounds = new double[finite.size()];
      long[] counts = new long[finite.size() + 1];
      double previous = 0;
      for (int i = 0; i < bounds.length; i++) {
        bounds[i] = finite.get(i);
        double cumulative = p.buckets.get(bounds[i]);
        if (cumulative < previous) {
          throw new IllegalArgumentException("histogram " + f.name() + e.getKey() + ": bucket le=" + bounds[i]
              + " counts less than the bucket below it");
        }
        counts[i] = Math.round(cumulative - previous);
        previous = cumulative;
      }
      if (total < previous) {
        throw new IllegalArgumentException("histogram " + f.name() + e.getKey() + ": the count is below the last bucket");
      }
      counts[bounds.length] = Math.round(total - previous);
      points.add(new HistogramPoint(e.getKey(), startNanos, p.time, bounds, counts, Math.round(total), p.sum,
          Double.NaN, Double.NaN));
    }
    return new Metric(name, f.help(), f.unit(), MetricType.HISTOGRAM, Temporality.CUMULATIVE, points);
  }

  private static Metric summary(PromFamily f, String name, long startNanos, long nowNanos) {
    List<Point> points = new ArrayList<>();
    for (Map.Entry<Labels, Parts> e : group(f, "quantile", nowNanos).entrySet()) {
      Parts p = e.getValue();
      double[] q = new double[p.quantiles.size()];
      double[] v = new double[q.length];
      int i = 0;
      for (Map.Entry<Double, Double> qe : p.quantiles.entrySet()) {
        q[i] = qe.getKey();
        v[i++] = qe.getValue();
      }
      long count = Double.isNaN(p.count) ? 0 : Math.round(p.count);
      points.add(new SummaryPoint(e.getKey(), startNanos, p.time, count, p.sum, q, v));
    }
    return new Metric(name, f.help(), f.unit(), MetricType.SUMMARY, Temporality.CUMULATIVE, points);
  }
}
