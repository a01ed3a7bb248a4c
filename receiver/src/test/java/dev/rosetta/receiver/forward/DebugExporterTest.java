package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.config.ComponentId;
import dev.rosetta.receiver.config.DebugExporterConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The debug exporter's lines by verbosity, and its sampling. */
class DebugExporterTest {
  private static final class Capture extends Handler {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord r) {
      lines.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static Logger logger(Capture c) {
    Logger l = Logger.getAnonymousLogger();
    l.setUseParentHandlers(false);
    l.addHandler(c);
    return l;
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static final ExportMetricsServiceRequest REQUEST = ExportMetricsServiceRequest.newBuilder()
      .addResourceMetrics(ResourceMetrics.newBuilder()
          .setResource(Resource.newBuilder().addAttributes(kv("service.name", "shop")))
          .addScopeMetrics(ScopeMetrics.newBuilder()
              .addMetrics(Metric.newBuilder().setName("queue.depth").setUnit("{item}").setGauge(Gauge.newBuilder()
                  .addDataPoints(NumberDataPoint.newBuilder().setAsInt(7).addAttributes(kv("queue", "a")))
                  .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1.5).addAttributes(kv("queue", "b")))))
              .addMetrics(Metric.newBuilder().setName("up").setGauge(Gauge.newBuilder()
                  .addDataPoints(NumberDataPoint.newBuilder().setAsInt(1))))))
      .build();

  private static List<String> export(DebugExporterConfig.Verbosity v, int initial, int thereafter, int times) {
    Capture c = new Capture();
    DebugExporter d = new DebugExporter(new DebugExporterConfig(ComponentId.parse("debug/x"), v, initial, thereafter),
        logger(c));
    for (int i = 0; i < times; i++) {
      d.export(REQUEST, 3);
    }
    return c.lines;
  }

  @Test
  void basicIsOneSummaryLine() {
    assertThat(export(DebugExporterConfig.Verbosity.BASIC, 2, 1, 1))
        .containsExactly("debug/x: 2 metrics, 3 data points");
  }

  @Test
  void normalAddsALinePerMetric() {
    assertThat(export(DebugExporterConfig.Verbosity.NORMAL, 2, 1, 1)).containsExactly("""
        debug/x: 2 metrics, 3 data points
          queue.depth gauge unit={item} points=2 resource={service.name=shop}
          up gauge points=1 resource={service.name=shop}""");
  }

  @Test
  void detailedAddsALinePerDataPoint() {
    assertThat(export(DebugExporterConfig.Verbosity.DETAILED, 2, 1, 1)).containsExactly("""
        debug/x: 2 metrics, 3 data points
          queue.depth gauge {queue=a} value=7 resource={service.name=shop}
          queue.depth gauge {queue=b} value=1.5 resource={service.name=shop}
          up gauge {} value=1 resource={service.name=shop}""");
  }

  @Test
  void samplingKeepsTheFirstThenEveryNth() {
    // within one second: 2 first, then every 3rd of the next 9 (the 5th, 8th, 11th)
    assertThat(export(DebugExporterConfig.Verbosity.BASIC, 2, 3, 11)).hasSize(5);
    assertThat(export(DebugExporterConfig.Verbosity.BASIC, 0, 1, 4)).hasSize(4);
  }
}
