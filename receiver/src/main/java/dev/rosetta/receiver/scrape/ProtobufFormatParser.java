package dev.rosetta.receiver.scrape;

import dev.rosetta.model.Labels;
import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * Reads the Prometheus protobuf exposition format ({@code application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily;encoding=delimited}): length-delimited {@code
 * MetricFamily} messages, decoded with the generated classes of client_java's
 * {@code prometheus-metrics-exposition-formats}.
 *
 * <p>Each family is handed to the sink as the samples the text format would carry, as Prometheus's
 * own protobuf parser does for classic metrics: a summary gives {@code name{quantile=...}}, {@code
 * name_sum} and {@code name_count}; a histogram gives cumulative {@code name_bucket{le=...}} (with
 * the {@code +Inf} bucket from the sample count when the target leaves it out, as native-only
 * histograms do), {@code name_sum} and {@code name_count}. Bounds and quantiles are written the way
 * OpenMetrics writes floats ({@code 1.0}, {@code 0.25}, {@code +Inf}), which is what
 * {@code metric_relabel_configs} then see. Native histogram buckets are not read.
 */
public final class ProtobufFormatParser {
  private ProtobufFormatParser() {}

  /** Parses a body; an undecodable message fails the whole body. */
  static void parse(byte[] body, ExpositionSink sink) throws ExpositionException {
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    int index = 0;
    while (true) {
      Metrics.MetricFamily mf;
      try {
        mf = Metrics.MetricFamily.parseDelimitedFrom(in);
      } catch (IOException e) {
        throw new ExpositionException("protobuf message " + index + " is not a MetricFamily: " + e.getMessage());
      }
      if (mf == null) {
        return;
      }
      family(mf, index, sink);
      index++;
    }
  }

  private static void family(Metrics.MetricFamily mf, int index, ExpositionSink sink) throws ExpositionException {
    String name = mf.getName();
    if (name.isEmpty()) {
      throw new ExpositionException("protobuf message " + index + ": a MetricFamily without a name");
    }
    if (!mf.getHelp().isEmpty()) {
      sink.help(name, mf.getHelp());
    }
    if (!mf.getUnit().isEmpty()) {
      sink.unit(name, mf.getUnit());
    }
    for (Metrics.Metric m : mf.getMetricList()) {
      Labels labels = labels(m.getLabelList(), name);
      long ts = m.hasTimestampMs() ? m.getTimestampMs() : ExpositionSink.NO_TIMESTAMP;
      switch (mf.getType()) {
        case COUNTER -> sink.sample(name, labels, m.getCounter().getValue(), ts, name, FamilyType.COUNTER,
            FamilyType.SampleRole.VALUE);
        case GAUGE -> sink.sample(name, labels, m.getGauge().getValue(), ts, name, FamilyType.GAUGE,
            FamilyType.SampleRole.VALUE);
        case UNTYPED -> sink.sample(name, labels, m.getUntyped().getValue(), ts, name, FamilyType.UNKNOWN,
            FamilyType.SampleRole.VALUE);
        case SUMMARY -> summary(name, labels, m.getSummary(), ts, sink);
        case HISTOGRAM, GAUGE_HISTOGRAM -> histogram(name, labels, m.getHistogram(), ts, sink,
            mf.getType() == Metrics.MetricType.HISTOGRAM ? FamilyType.HISTOGRAM : FamilyType.GAUGE_HISTOGRAM);
        default -> throw new ExpositionException("protobuf family " + TextFormatParser.shorten(name)
            + ": unknown metric type " + mf.getType());
      }
    }
  }

  private static void summary(String name, Labels labels, Metrics.Summary s, long ts, ExpositionSink sink)
      throws ExpositionException {
    for (Metrics.Quantile q : s.getQuantileList()) {
      sink.sample(name, with(labels, "quantile", formatFloat(q.getQuantile()), name), q.getValue(), ts, name,
          FamilyType.SUMMARY, FamilyType.SampleRole.QUANTILE);
    }
    sink.sample(name + "_sum", labels, s.getSampleSum(), ts, name, FamilyType.SUMMARY, FamilyType.SampleRole.SUM);
    sink.sample(name + "_count", labels, (double) s.getSampleCount(), ts, name, FamilyType.SUMMARY,
        FamilyType.SampleRole.COUNT);
  }

  private static void histogram(String name, Labels labels, Metrics.Histogram h, long ts, ExpositionSink sink,
      FamilyType type) throws ExpositionException {
    boolean floats = h.hasSampleCountFloat() && !h.hasSampleCount();
    double count = floats ? h.getSampleCountFloat() : (double) h.getSampleCount();
    boolean inf = false;
    for (Metrics.Bucket b : h.getBucketList()) {
      double c = b.hasCumulativeCountFloat() && !b.hasCumulativeCount()
          ? b.getCumulativeCountFloat() : (double) b.getCumulativeCount();
      inf |= b.getUpperBound() == Double.POSITIVE_INFINITY;
      sink.sample(name + "_bucket", with(labels, "le", formatFloat(b.getUpperBound()), name), c, ts, name, type,
          FamilyType.SampleRole.BUCKET);
    }
    if (!inf) {
      sink.sample(name + "_bucket", with(labels, "le", "+Inf", name), count, ts, name, type,
          FamilyType.SampleRole.BUCKET);
    }
    sink.sample(name + "_sum", labels, h.getSampleSum(), ts, name, type, FamilyType.SampleRole.SUM);
    sink.sample(name + "_count", labels, count, ts, name, type, FamilyType.SampleRole.COUNT);
  }

  private static Labels labels(List<Metrics.LabelPair> pairs, String family) throws ExpositionException {
    if (pairs.isEmpty()) {
      return Labels.empty();
    }
    Labels.Builder b = Labels.builder();
    for (Metrics.LabelPair p : pairs) {
      if (p.getName().isEmpty()) {
        throw new ExpositionException("protobuf family " + TextFormatParser.shorten(family) + ": an empty label name");
      }
      b.add(p.getName(), p.getValue());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ExpositionException("protobuf family " + TextFormatParser.shorten(family) + ": " + e.getMessage());
    }
  }

  private static Labels with(Labels labels, String name, String value, String family) throws ExpositionException {
    if (labels.contains(name)) {
      throw new ExpositionException("protobuf family " + TextFormatParser.shorten(family) + ": a metric carries the"
          + " reserved label " + name);
    }
    return labels.with(name, value);
  }

  /** A float as OpenMetrics (and Prometheus) writes a bound or quantile: 1.0, 0.005, 1e-05, +Inf. */
  static String formatFloat(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return (long) v + ".0";
    }
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    int exponent = d.precision() - d.scale() - 1;
    if (exponent < -4 || exponent >= 21) {
      String mantissa = d.movePointLeft(exponent).toPlainString();
      return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    return d.toPlainString();
  }
}
