package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.DebugExporterConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The {@code debug} exporter: writes what the pipeline forwards to the log (logger {@code
 * dev.rosetta.receiver.forward.DebugExporter}, level INFO), as the Collector's debug exporter does.
 *
 * <ul>
 *   <li>{@code basic}: one line per request: {@code debug: 3 metrics, 12 data points}.
 *   <li>{@code normal}: that line and one line per metric: name, type, unit and its data points.
 *   <li>{@code detailed}: that line and one line per data point: metric, attributes (resource and
 *       point) and value.
 * </ul>
 *
 * Sampling: within each second, the first {@code sampling_initial} requests are written, then every
 * {@code sampling_thereafter}-th. It never refuses a request and holds nothing. Thread-safe (runs on
 * ingest threads, after the OTLP exporters took the request).
 */
public final class DebugExporter {
  private static final Logger LOG = Logger.getLogger(DebugExporter.class.getName());
  private static final long SECOND_NANOS = 1_000_000_000L;

  private final DebugExporterConfig config;
  private final Logger log;
  private long windowStart = System.nanoTime();
  private long inWindow;

  public DebugExporter(DebugExporterConfig config) {
    this(config, LOG);
  }

  DebugExporter(DebugExporterConfig config, Logger log) {
    this.config = Objects.requireNonNull(config, "config");
    this.log = Objects.requireNonNull(log, "log");
  }

  public DebugExporterConfig config() {
    return config;
  }

  /** Writes {@code request} (of {@code points} data points) as the verbosity says, if sampled. */
  public void export(ExportMetricsServiceRequest request, int points) {
    if (!sampled()) {
      return;
    }
    int metrics = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        metrics += sm.getMetricsCount();
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(config.id()).append(": ").append(metrics).append(metrics == 1 ? " metric, " : " metrics, ")
        .append(points).append(points == 1 ? " data point" : " data points");
    if (config.verbosity() != DebugExporterConfig.Verbosity.BASIC) {
      for (ResourceMetrics rm : request.getResourceMetricsList()) {
        String resource = attributes(rm.getResource().getAttributesList());
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            if (config.verbosity() == DebugExporterConfig.Verbosity.NORMAL) {
              out.append("\n  ").append(m.getName()).append(' ').append(type(m))
                  .append(m.getUnit().isEmpty() ? "" : " unit=" + m.getUnit())
                  .append(" points=").append(pointCount(m)).append(" resource=").append(resource);
            } else {
              points(out, m, resource);
            }
          }
        }
      }
    }
    log.info(out.toString());
  }

  private synchronized boolean sampled() {
    long now = System.nanoTime();
    if (now - windowStart >= SECOND_NANOS) {
      windowStart = now;
      inWindow = 0;
    }
    inWindow++;
    if (inWindow <= config.samplingInitial()) {
      return true;
    }
    return (inWindow - config.samplingInitial()) % config.samplingThereafter() == 0;
  }

  private static String type(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> "gauge";
      case SUM -> m.getSum().getIsMonotonic() ? "counter" : "sum";
      case HISTOGRAM -> "histogram";
      case EXPONENTIAL_HISTOGRAM -> "exponential_histogram";
      case SUMMARY -> "summary";
      default -> "empty";
    };
  }

  private static int pointCount(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsCount();
      case SUM -> m.getSum().getDataPointsCount();
      case HISTOGRAM -> m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> m.getSummary().getDataPointsCount();
      default -> 0;
    };
  }

  private static void points(StringBuilder out, Metric m, String resource) {
    String head = "\n  " + m.getName() + ' ' + type(m) + ' ';
    switch (m.getDataCase()) {
      case GAUGE -> numbers(out, head, m.getGauge().getDataPointsList(), resource);
      case SUM -> numbers(out, head, m.getSum().getDataPointsList(), resource);
      case HISTOGRAM -> {
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          out.append(head).append(attributes(p.getAttributesList())).append(" count=").append(p.getCount())
              .append(" sum=").append(p.getSum()).append(" bounds=").append(p.getExplicitBoundsList())
              .append(" buckets=").append(p.getBucketCountsList()).append(" resource=").append(resource);
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
          out.append(head).append(attributes(p.getAttributesList())).append(" count=").append(p.getCount())
              .append(" sum=").append(p.getSum()).append(" scale=").append(p.getScale())
              .append(" resource=").append(resource);
        }
      }
      case SUMMARY -> {
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          out.append(head).append(attributes(p.getAttributesList())).append(" count=").append(p.getCount())
              .append(" sum=").append(p.getSum()).append(" resource=").append(resource);
        }
      }
      default -> out.append(head).append("(no data)");
    }
  }

  private static void numbers(StringBuilder out, String head, List<NumberDataPoint> points, String resource) {
    for (NumberDataPoint p : points) {
      out.append(head).append(attributes(p.getAttributesList())).append(" value=")
          .append(p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? Long.toString(p.getAsInt())
              : Double.toString(p.getAsDouble()))
          .append(" resource=").append(resource);
    }
  }

  private static String attributes(List<KeyValue> attributes) {
    StringBuilder b = new StringBuilder("{");
    for (KeyValue kv : attributes) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(kv.getKey()).append('=').append(value(kv.getValue()));
    }
    return b.append('}').toString();
  }

  private static String value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      default -> v.toString().strip();
    };
  }
}
