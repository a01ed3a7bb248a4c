package dev.rosetta.receiver.otlp;

import com.google.protobuf.ByteString;
import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Converts an OTLP {@link ExportMetricsServiceRequest} into the protocol-free {@link MetricBatch}.
 *
 * <p>Failures are isolated per point: an invalid point (no value, histogram counts that do not add
 * up, decreasing bounds, ...) is left out and counted in {@link Result#rejectedPoints()} with the
 * first reasons in {@link Result#errorMessage()}; the rest of the request goes on. Exponential
 * histograms become explicit-bucket histograms with the same count, sum and bucket contents.
 * Points flagged {@code NO_RECORDED_VALUE} carry no data and are skipped without counting as errors.
 *
 * <p>Stateless and thread-safe.
 */
public final class OtlpDecoder {

  /** What a request decoded to. */
  public record Result(MetricBatch batch, int acceptedPoints, int rejectedPoints, String errorMessage) {}

  private static final int MAX_REASONS = 3;

  private OtlpDecoder() {}

  public static Result decode(ExportMetricsServiceRequest request) {
    Errors errors = new Errors();
    int accepted = 0;
    List<ResourceMetrics> resources = new ArrayList<>(request.getResourceMetricsCount());
    for (io.opentelemetry.proto.metrics.v1.ResourceMetrics rm : request.getResourceMetricsList()) {
      Labels resource = attributes(rm.getResource().getAttributesList());
      List<ScopeMetrics> scopes = new ArrayList<>(rm.getScopeMetricsCount());
      for (io.opentelemetry.proto.metrics.v1.ScopeMetrics sm : rm.getScopeMetricsList()) {
        InstrumentationScope scope =
            sm.hasScope()
                ? new InstrumentationScope(
                    sm.getScope().getName(), sm.getScope().getVersion(), attributes(sm.getScope().getAttributesList()))
                : InstrumentationScope.empty();
        List<Metric> metrics = new ArrayList<>(sm.getMetricsCount());
        for (io.opentelemetry.proto.metrics.v1.Metric m : sm.getMetricsList()) {
          Metric converted;
          try {
            converted = metric(m, errors);
          } catch (IllegalArgumentException e) {
            // the model refused what the checks above let through: this metric only
            errors.reject(Math.max(0, pointCount(m)), "metric " + shown(m.getName()) + ": " + e.getMessage());
            continue;
          }
          if (converted != null && !converted.points().isEmpty()) {
            metrics.add(converted);
            accepted += converted.points().size();
          }
        }
        if (!metrics.isEmpty()) {
          scopes.add(new ScopeMetrics(scope, metrics));
        }
      }
      if (!scopes.isEmpty()) {
        resources.add(new ResourceMetrics(resource, scopes));
      }
    }
    return new Result(new MetricBatch(resources), accepted, errors.count, errors.message());
  }

  private static int pointCount(io.opentelemetry.proto.metrics.v1.Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsCount();
      case SUM -> m.getSum().getDataPointsCount();
      case HISTOGRAM -> m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> m.getSummary().getDataPointsCount();
      default -> -1;
    };
  }

  private static Metric metric(io.opentelemetry.proto.metrics.v1.Metric m, Errors errors) {
    String name = m.getName();
    String shown = shown(name);
    int points = pointCount(m);
    if (points < 0) {
      // A metric without data carries no points: nothing to reject, but tell the sender.
      errors.note("metric " + (name.isEmpty() ? "(unnamed)" : shown) + " has no data");
      return null;
    }
    if (name.isEmpty()) {
      errors.reject(points, "metric name is empty");
      return null;
    }
    Temporality t = switch (m.getDataCase()) {
      case SUM -> temporality(m.getSum().getAggregationTemporality());
      case HISTOGRAM -> temporality(m.getHistogram().getAggregationTemporality());
      case EXPONENTIAL_HISTOGRAM -> temporality(m.getExponentialHistogram().getAggregationTemporality());
      default -> Temporality.CUMULATIVE;
    };
    if (t == null) {
      errors.reject(points, "metric " + shown + ": aggregation temporality is unspecified");
      return null;
    }
    String desc = m.getDescription();
    String unit = m.getUnit();
    switch (m.getDataCase()) {
      case GAUGE -> {
        return new Metric(name, desc, unit, MetricType.GAUGE, t, numberPoints(shown, m.getGauge().getDataPointsList(),
            errors));
      }
      case SUM -> {
        MetricType type = m.getSum().getIsMonotonic() ? MetricType.COUNTER : MetricType.UP_DOWN_COUNTER;
        return new Metric(name, desc, unit, type, t, numberPoints(shown, m.getSum().getDataPointsList(), errors));
      }
      case HISTOGRAM -> {
        List<Point> pts = new ArrayList<>(points);
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          addUnlessNull(pts, noRecordedValue(p.getFlags()) ? null : histogramPoint(shown, p, errors));
        }
        return new Metric(name, desc, unit, MetricType.HISTOGRAM, t, pts);
      }
      case EXPONENTIAL_HISTOGRAM -> {
        List<Point> pts = new ArrayList<>(points);
        for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
          addUnlessNull(pts, noRecordedValue(p.getFlags()) ? null : exponentialPoint(shown, p, errors));
        }
        return new Metric(name, desc, unit, MetricType.HISTOGRAM, t, pts);
      }
      default -> {
        List<Point> pts = new ArrayList<>(points);
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          addUnlessNull(pts, noRecordedValue(p.getFlags()) ? null : summaryPoint(shown, p, errors));
        }
        return new Metric(name, desc, unit, MetricType.SUMMARY, t, pts);
      }
    }
  }

  /** A metric name as error messages show it: at most 128 characters, so a reason costs O(1) per point. */
  static String shown(String name) {
    return name.length() <= 128 ? name : name.substring(0, 120) + "...(" + name.length() + " chars)";
  }

  private static void addUnlessNull(List<Point> out, Point p) {
    if (p != null) {
      out.add(p);
    }
  }

  static boolean noRecordedValue(int flags) {
    return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
  }

  private static Temporality temporality(AggregationTemporality t) {
    return t == AggregationTemporality.UNRECOGNIZED ? null : temporality(t.getNumber());
  }

  /** The temporality of an {@code AggregationTemporality} number; null for unspecified or unknown. */
  static Temporality temporality(int number) {
    return switch (number) {
      case AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE_VALUE -> Temporality.CUMULATIVE;
      case AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA_VALUE -> Temporality.DELTA;
      default -> null;
    };
  }

  private static List<Point> numberPoints(String name, List<NumberDataPoint> in, Errors errors) {
    List<Point> out = new ArrayList<>(in.size());
    for (NumberDataPoint p : in) {
      if (noRecordedValue(p.getFlags())) {
        continue;
      }
      double v;
      switch (p.getValueCase()) {
        case AS_DOUBLE -> v = p.getAsDouble();
        case AS_INT -> v = p.getAsInt();
        default -> {
          errors.reject(1, "metric " + name + ": data point has no value");
          continue;
        }
      }
      out.add(new NumberPoint(attributes(p.getAttributesList()), p.getStartTimeUnixNano(), p.getTimeUnixNano(), v));
    }
    return out;
  }

  private static Point histogramPoint(String name, HistogramDataPoint p, Errors errors) {
    int nb = p.getExplicitBoundsCount();
    double[] bounds = new double[nb];
    for (int i = 0; i < nb; i++) {
      bounds[i] = p.getExplicitBounds(i);
    }
    int nc = p.getBucketCountsCount();
    long[] counts = new long[nc];
    for (int i = 0; i < nc; i++) {
      counts[i] = p.getBucketCounts(i);
    }
    return histogramPoint(name, attributes(p.getAttributesList()), p.getStartTimeUnixNano(), p.getTimeUnixNano(),
        p.getCount(), bounds, counts, p.hasSum() ? p.getSum() : Double.NaN, p.hasMin() ? p.getMin() : Double.NaN,
        p.hasMax() ? p.getMax() : Double.NaN, errors);
  }

  /**
   * A histogram point from its fields as received ({@code NaN} for an absent sum, min or max), or
   * null with the reason in {@code errors}. Takes {@code bounds} and {@code counts} over.
   */
  static Point histogramPoint(String name, Labels attributes, long start, long time, long count, double[] bounds,
      long[] counts, double sum, double min, double max, Errors errors) {
    if (count < 0) {
      errors.reject(1, "metric " + name + ": histogram count exceeds 2^63-1");
      return null;
    }
    int nb = bounds.length;
    int nc = counts.length;
    if (nc == 0) {
      // No buckets at all: only count and sum are known.
      bounds = new double[0];
      counts = new long[] {count};
    } else {
      if (nc != nb + 1) {
        errors.reject(1, "metric " + name + ": histogram has " + nc + " bucket counts for " + nb
            + " explicit bounds (want bounds + 1)");
        return null;
      }
      long total = 0;
      for (int i = 0; i < nb; i++) {
        double b = bounds[i];
        if (Double.isNaN(b) || Double.isInfinite(b) || (i > 0 && b <= bounds[i - 1])) {
          errors.reject(1, "metric " + name + ": histogram explicit bounds must be finite and strictly increasing");
          return null;
        }
        bounds[i] = b == 0 ? 0.0 : b; // -0 is 0
      }
      for (int i = 0; i < nc; i++) {
        long c = counts[i];
        if (c < 0) {
          errors.reject(1, "metric " + name + ": histogram bucket count exceeds 2^63-1");
          return null;
        }
        total += c;
        if (total < 0) {
          errors.reject(1, "metric " + name + ": histogram bucket counts add up to more than 2^63-1");
          return null;
        }
      }
      if (total != count) {
        errors.reject(1, "metric " + name + ": histogram count " + count
            + " differs from the sum of its bucket counts " + total);
        return null;
      }
    }
    return new HistogramPoint(attributes, start, time, bounds, counts, count, sum, min, max);
  }

  private static Point exponentialPoint(String name, ExponentialHistogramDataPoint p, Errors errors) {
    ExplicitBuckets b;
    try {
      b = explicitBuckets(p);
    } catch (IllegalArgumentException e) {
      errors.reject(1, "metric " + name + ": exponential histogram " + e.getMessage());
      return null;
    }
    return new HistogramPoint(
        attributes(p.getAttributesList()),
        p.getStartTimeUnixNano(),
        p.getTimeUnixNano(),
        b.bounds(),
        b.counts(),
        p.getCount(),
        p.hasSum() ? p.getSum() : Double.NaN,
        p.hasMin() ? p.getMin() : Double.NaN,
        p.hasMax() ? p.getMax() : Double.NaN);
  }

  /** Explicit buckets: finite bounds, strictly increasing; one count more than bounds (the last: +Inf). */
  record ExplicitBuckets(double[] bounds, long[] counts) {}

  /**
   * The explicit buckets of an exponential histogram point, with the same count and the same bucket
   * contents, at every legal scale (-10 to 20) and offset. Negative bucket {@code i} holds
   * {@code [-base^(i+1), -base^i)} and becomes the bucket with upper bound {@code -base^i}; the zero
   * bucket becomes the one with upper bound {@code zero_threshold}; positive bucket {@code i} holds
   * {@code (base^i, base^(i+1)]} and becomes the bucket with upper bound {@code base^(i+1)}, where
   * {@code base = 2^(2^-scale)}. Where boundaries do not fit a double, counts move to the nearest
   * representable bucket that holds their values: a boundary beyond the largest double puts the
   * bucket's count into {@code +Inf} (or, on the negative side, into the lowest finite bucket);
   * boundaries that round to the previous one (or below the zero threshold) are merged into it.
   * Linear in the number of buckets.
   *
   * @throws IllegalArgumentException with the reason, for a scale outside [-10, 20], a zero threshold
   *     that is not a finite non-negative number, counts beyond 2^63-1, or a count that differs from
   *     the sum of the bucket counts
   */
  static ExplicitBuckets explicitBuckets(ExponentialHistogramDataPoint p) {
    int scale = p.getScale();
    if (scale < -10 || scale > 20) {
      throw new IllegalArgumentException("scale " + scale + " outside [-10, 20]");
    }
    double zt = p.getZeroThreshold();
    if (!(zt >= 0) || Double.isInfinite(zt)) {
      throw new IllegalArgumentException("zero threshold " + zt + " is not a finite non-negative number");
    }
    if (p.getCount() < 0) {
      throw new IllegalArgumentException("count exceeds 2^63-1");
    }
    var neg = p.getNegative();
    var pos = p.getPositive();
    int nn = neg.getBucketCountsCount();
    int np = pos.getBucketCountsCount();
    BucketSink sink = new BucketSink(nn + 1 + np);
    // most negative first: index nn-1 down to 0
    for (int j = nn - 1; j >= 0; j--) {
      sink.add(-lowerBoundary((long) neg.getOffset() + j, scale), neg.getBucketCounts(j));
    }
    sink.add(zt, p.getZeroCount());
    for (int j = 0; j < np; j++) {
      sink.add(lowerBoundary((long) pos.getOffset() + j + 1, scale), pos.getBucketCounts(j));
    }
    if (sink.total != p.getCount()) {
      throw new IllegalArgumentException("count " + p.getCount() + " differs from the sum of its bucket counts "
          + sink.total);
    }
    return sink.result();
  }

  /** Collects buckets by increasing upper bound, merging what a double cannot tell apart. */
  private static final class BucketSink {
    final double[] bounds;
    final long[] counts;
    int k;
    long total;
    /** Counts of buckets whose bound is below the lowest double: they go to the first finite bucket. */
    long pending;
    /** Counts of buckets whose bound is above the largest double: the +Inf bucket. */
    long overflow;

    BucketSink(int capacity) {
      bounds = new double[capacity];
      counts = new long[capacity + 1];
    }

    void add(double bound, long count) {
      if (count < 0) {
        throw new IllegalArgumentException("bucket count exceeds 2^63-1");
      }
      total += count;
      if (total < 0) {
        throw new IllegalArgumentException("bucket counts add up to more than 2^63-1");
      }
      if (bound == Double.NEGATIVE_INFINITY) {
        pending += count;
      } else if (bound == Double.POSITIVE_INFINITY) {
        overflow += count;
      } else if (k > 0 && bound <= bounds[k - 1]) {
        counts[k - 1] += count + pending;
        pending = 0;
      } else {
        bounds[k] = bound == 0 ? 0.0 : bound; // -0 is 0
        counts[k] = count + pending;
        pending = 0;
        k++;
      }
    }

    ExplicitBuckets result() {
      // the zero bucket's bound is finite, so nothing is pending any more
      long[] c = java.util.Arrays.copyOf(counts, k + 1);
      c[k] += overflow + pending;
      return new ExplicitBuckets(java.util.Arrays.copyOf(bounds, k), c);
    }
  }

  /** base^index with base = 2^(2^-scale); 0 below the smallest double, +Inf above the largest. */
  static double lowerBoundary(long index, int scale) {
    if (scale <= 0) {
      long exp = index << -scale;
      if (exp > Double.MAX_EXPONENT) {
        return Double.POSITIVE_INFINITY;
      }
      if (exp < Double.MIN_EXPONENT - 52) {
        return 0;
      }
      return Math.scalb(1.0, (int) exp);
    }
    return Math.pow(2, index / (double) (1L << scale));
  }

  private static SummaryPoint summaryPoint(String name, SummaryDataPoint p, Errors errors) {
    int n = p.getQuantileValuesCount();
    double[] q = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      var qv = p.getQuantileValues(i);
      if (!(qv.getQuantile() >= 0 && qv.getQuantile() <= 1)) {
        errors.reject(1, "metric " + name + ": summary quantile " + qv.getQuantile() + " outside [0, 1]");
        return null;
      }
      q[i] = qv.getQuantile();
      v[i] = qv.getValue();
    }
    if (p.getCount() < 0) {
      errors.reject(1, "metric " + name + ": summary count exceeds 2^63-1");
      return null;
    }
    return new SummaryPoint(
        attributes(p.getAttributesList()), p.getStartTimeUnixNano(), p.getTimeUnixNano(), p.getCount(), p.getSum(), q, v);
  }

  /** OTLP attributes as labels; non-string values become their string form, duplicates keep the last. */
  public static Labels attributes(List<KeyValue> kvs) {
    if (kvs.isEmpty()) {
      return Labels.empty();
    }
    Labels.Builder b = Labels.builder();
    for (KeyValue kv : kvs) {
      b.put(kv.getKey(), asString(kv.getValue()));
    }
    return b.build();
  }

  /** The string form of an attribute value: JSON for arrays and maps, base64 for bytes. */
  public static String asString(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> formatDouble(v.getDoubleValue());
      case BYTES_VALUE -> base64(v.getBytesValue());
      case ARRAY_VALUE, KVLIST_VALUE -> {
        StringBuilder sb = new StringBuilder();
        appendJson(sb, v);
        yield sb.toString();
      }
      default -> "";
    };
  }

  private static String base64(ByteString b) {
    return Base64.getEncoder().encodeToString(b.toByteArray());
  }

  static String formatDouble(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  private static void appendJson(StringBuilder sb, AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE -> quote(sb, v.getStringValue());
      case BOOL_VALUE -> sb.append(v.getBoolValue());
      case INT_VALUE -> sb.append(v.getIntValue());
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          quote(sb, Double.toString(d));
        } else {
          sb.append(formatDouble(d));
        }
      }
      case BYTES_VALUE -> quote(sb, base64(v.getBytesValue()));
      case ARRAY_VALUE -> {
        sb.append('[');
        var values = v.getArrayValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          appendJson(sb, values.get(i));
        }
        sb.append(']');
      }
      case KVLIST_VALUE -> {
        sb.append('{');
        var values = v.getKvlistValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          quote(sb, values.get(i).getKey());
          sb.append(':');
          appendJson(sb, values.get(i).getValue());
        }
        sb.append('}');
      }
      default -> sb.append("null");
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Counts rejected points and keeps the first few distinct reasons. */
  static final class Errors {
    int count;
    final List<String> reasons = new ArrayList<>(MAX_REASONS);
    int moreReasons;

    void reject(int points, String reason) {
      count += points;
      note(reason);
    }

    void note(String reason) {
      if (reasons.contains(reason)) {
        return;
      }
      if (reasons.size() < MAX_REASONS) {
        reasons.add(reason);
      } else {
        moreReasons++;
      }
    }

    String message() {
      if (reasons.isEmpty()) {
        return "";
      }
      String m = String.join("; ", reasons);
      return moreReasons > 0 ? m + " (and " + moreReasons + " more)" : m;
    }
  }
}
