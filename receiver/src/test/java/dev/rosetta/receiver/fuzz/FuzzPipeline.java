package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import java.util.Map;

/**
 * What a decoded request meets in the service: one service per fuzzing JVM, never started (no
 * port is bound), whose ingest path runs the label limits, input relabeling, the built-in views,
 * output relabeling and the series store on every batch a fuzz target decodes. The store is
 * bounded, so that millions of executions stay within memory.
 */
final class FuzzPipeline {
  private static final String CONFIG = """
      receivers:
        otlp:
          protocols:
            grpc: {endpoint: "127.0.0.1:0"}
            http: {endpoint: "127.0.0.1:0"}
      exporters:
        prometheus: {endpoint: "127.0.0.1:0", resource_to_telemetry_conversion: {enabled: true}}
      limits: {max_series: 20000, max_series_per_family: 2000, label_limit: 64, label_name_length_limit: 128,
               label_value_length_limit: 1024}
      views:
        builtin: [go-semconv, go, jvm]
      relabel:
        input:
          - source_labels: [__name__]
            regex: "/godebug/.*"
            action: drop
          - action: labelmap
            regex: "k8s\\\\.(.+)"
            replacement: "kube_$1"
        output:
          - source_labels: [__name__, job]
            separator: ";"
            regex: "(.*);(.+)"
            target_label: origin
            replacement: "$2/$1"
          - action: labeldrop
            regex: "tmp_.*"
      """;

  private static final IngestService INGEST;

  static {
    try {
      RosettaService svc = Rosetta.create(ConfigLoader.parse(CONFIG, "fuzz", Map.of()));
      INGEST = svc.components().ingest();
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private FuzzPipeline() {}

  /** Checks what every batch promises, then ingests it: never anything but an answer. */
  static void ingest(MetricBatch batch, int rejected, String message) {
    check(batch);
    IngestService.Outcome o = INGEST.ingest(batch, rejected, message, null, "fuzz");
    assertThat(o.status()).isEqualTo(IngestStatus.OK);
    assertThat(o.rejectedPoints()).isBetween((long) rejected, (long) rejected + batch.pointCount());
  }

  /** The invariants of a decoded batch: labels sorted and unique, histograms that add up. */
  static void check(MetricBatch batch) {
    for (ResourceMetrics rm : batch.resources()) {
      sorted(rm.resource());
      for (ScopeMetrics sm : rm.scopes()) {
        sorted(sm.scope().attributes());
        for (Metric m : sm.metrics()) {
          for (Point p : m.points()) {
            sorted(p.labels());
            if (p instanceof HistogramPoint h) {
              long total = 0;
              for (long c : h.counts()) {
                assertThat(c).isNotNegative();
                total += c;
              }
              assertThat(total).isEqualTo(h.count());
              for (int i = 0; i < h.bounds().length; i++) {
                assertThat(Double.isFinite(h.bounds()[i])).isTrue();
                assertThat(i == 0 || h.bounds()[i] > h.bounds()[i - 1]).isTrue();
              }
            }
          }
        }
      }
    }
  }

  private static void sorted(Labels l) {
    for (int i = 1; i < l.size(); i++) {
      assertThat(l.name(i - 1).compareTo(l.name(i))).isNegative();
    }
  }
}
