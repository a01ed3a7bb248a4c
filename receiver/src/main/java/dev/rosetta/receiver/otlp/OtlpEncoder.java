package dev.rosetta.receiver.otlp;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;

/**
 * Converts a {@link MetricBatch} to an OTLP {@link ExportMetricsServiceRequest}: names, units,
 * descriptions, types, temporality and attributes (as string values) as the batch has them.
 *
 * <p>Stateless and thread-safe.
 */
public final class OtlpEncoder {
  private OtlpEncoder() {}

  /**
   * The request to send for {@code batch}: {@code original} itself when it is the OTLP request the
   * batch was decoded from and passed through unchanged (the pipeline's opaque handle), else the
   * batch encoded.
   */
  public static ExportMetricsServiceRequest encode(MetricBatch batch, Object original) {
    if (original instanceof ExportMetricsServiceRequest r) {
      return r;
    }
    if (original instanceof ProtobufBody body) {
      try {
        return ExportMetricsServiceRequest.parseFrom(body.bytes());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        // not a body the wire decoder read: the batch is what it held
        return encode(batch);
      }
    }
    return encode(batch);
  }

  /**
   * A serialized request as received, the pipeline's opaque handle on it when it was decoded
   * without building the message: parsed only when it is forwarded.
   */
  public record ProtobufBody(byte[] bytes) {
    public ProtobufBody {
      java.util.Objects.requireNonNull(bytes, "bytes");
    }
  }

  /**
   * The answer to an accepted export: {@code partial_success} with the points rejected and the
   * reasons when either is there, else empty.
   */
  public static ExportMetricsServiceResponse response(long rejectedPoints, String message) {
    ExportMetricsServiceResponse.Builder resp = ExportMetricsServiceResponse.newBuilder();
    if (rejectedPoints > 0 || !message.isEmpty()) {
      resp.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
          .setRejectedDataPoints(rejectedPoints)
          .setErrorMessage(message));
    }
    return resp.build();
  }

  public static ExportMetricsServiceRequest encode(MetricBatch batch) {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (ResourceMetrics rm : batch.resources()) {
      var rmb = req.addResourceMetricsBuilder();
      rmb.setResource(Resource.newBuilder().addAllAttributes(keyValues(rm.resource())));
      for (ScopeMetrics sm : rm.scopes()) {
        var smb = rmb.addScopeMetricsBuilder();
        if (!sm.scope().isEmpty()) {
          smb.setScope(InstrumentationScope.newBuilder()
              .setName(sm.scope().name())
              .setVersion(sm.scope().version())
              .addAllAttributes(keyValues(sm.scope().attributes())));
        }
        for (Metric m : sm.metrics()) {
          smb.addMetrics(metric(m));
        }
      }
    }
    return req.build();
  }

  static io.opentelemetry.proto.metrics.v1.Metric metric(Metric m) {
    var mb = io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
        .setName(m.name())
        .setDescription(m.description())
        .setUnit(m.unit());
    AggregationTemporality t = m.temporality() == Temporality.DELTA
        ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
        : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    switch (m.type()) {
      case GAUGE -> {
        Gauge.Builder g = Gauge.newBuilder();
        for (Point p : m.points()) {
          g.addDataPoints(number((NumberPoint) p));
        }
        mb.setGauge(g);
      }
      case COUNTER, UP_DOWN_COUNTER -> {
        Sum.Builder s = Sum.newBuilder()
            .setIsMonotonic(m.type() == dev.rosetta.model.MetricType.COUNTER)
            .setAggregationTemporality(t);
        for (Point p : m.points()) {
          s.addDataPoints(number((NumberPoint) p));
        }
        mb.setSum(s);
      }
      case HISTOGRAM -> {
        Histogram.Builder h = Histogram.newBuilder().setAggregationTemporality(t);
        for (Point p : m.points()) {
          h.addDataPoints(histogram((HistogramPoint) p));
        }
        mb.setHistogram(h);
      }
      case SUMMARY -> {
        Summary.Builder s = Summary.newBuilder();
        for (Point p : m.points()) {
          s.addDataPoints(summary((SummaryPoint) p));
        }
        mb.setSummary(s);
      }
    }
    return mb.build();
  }

  private static NumberDataPoint number(NumberPoint p) {
    return NumberDataPoint.newBuilder()
        .addAllAttributes(keyValues(p.labels()))
        .setStartTimeUnixNano(p.startEpochNanos())
        .setTimeUnixNano(p.epochNanos())
        .setAsDouble(p.value())
        .build();
  }

  private static HistogramDataPoint histogram(HistogramPoint p) {
    HistogramDataPoint.Builder b = HistogramDataPoint.newBuilder()
        .addAllAttributes(keyValues(p.labels()))
        .setStartTimeUnixNano(p.startEpochNanos())
        .setTimeUnixNano(p.epochNanos())
        .setCount(p.count());
    for (double bound : p.bounds()) {
      b.addExplicitBounds(bound);
    }
    for (long c : p.counts()) {
      b.addBucketCounts(c);
    }
    if (!Double.isNaN(p.sum())) {
      b.setSum(p.sum());
    }
    if (!Double.isNaN(p.min())) {
      b.setMin(p.min());
    }
    if (!Double.isNaN(p.max())) {
      b.setMax(p.max());
    }
    return b.build();
  }

  private static SummaryDataPoint summary(SummaryPoint p) {
    SummaryDataPoint.Builder b = SummaryDataPoint.newBuilder()
        .addAllAttributes(keyValues(p.labels()))
        .setStartTimeUnixNano(p.startEpochNanos())
        .setTimeUnixNano(p.epochNanos())
        .setCount(p.count())
        .setSum(p.sum());
    for (int i = 0; i < p.quantiles().length; i++) {
      b.addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
          .setQuantile(p.quantiles()[i])
          .setValue(p.values()[i]));
    }
    return b.build();
  }

  static Iterable<KeyValue> keyValues(Labels labels) {
    KeyValue[] out = new KeyValue[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      out[i] = KeyValue.newBuilder()
          .setKey(labels.name(i))
          .setValue(AnyValue.newBuilder().setStringValue(labels.value(i)))
          .build();
    }
    return java.util.Arrays.asList(out);
  }
}
