package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code service.pipelines} in the Collector's shape, the processors (batch, Rosetta's stages) and the
 * otlphttp, debug and health_check components: what a pipeline selects and orders, and every refusal
 * with its path and reason.
 */
class PipelinesConfigTest {
  private static RosettaConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "/etc/rosetta/c.yaml", Map.of(), FileCheck.none());
  }

  private static List<String> errors(String yaml) {
    try {
      parse(yaml);
      return List.of();
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }

  private static List<String> stageLabels(RosettaConfig c) {
    return c.pipeline().stages().stream().map(PipelineConfig.Stage::label).toList();
  }

  @Test
  void withoutPipelinesEveryDeclaredComponentRunsInTodaysOrder() throws ConfigException {
    RosettaConfig c = parse("""
        exporters:
          otlp/a: {endpoint: "http://a:4317"}
          debug: {}
        relabel:
          input: [{action: labeldrop, regex: tmp}]
          output: [{action: labeldrop, regex: tmp2}]
        aggregate: [{family: x_total, without: [pod], op: sum}]
        """);
    assertThat(c.pipeline().id()).isEmpty();
    assertThat(stageLabels(c)).containsExactly("relabel_input", "views", "relabel_output", "aggregate");
    assertThat(c.exporters().otlpExporters()).hasSize(1);
    assertThat(c.exporters().debug()).hasSize(1);
    assertThat(c.receivers().otlp().grpc()).isPresent();
  }

  @Test
  void aPipelineStartsOnlyWhatItLists() throws ConfigException {
    RosettaConfig c = parse("""
        receivers:
          otlp: {protocols: {grpc: {}, http: {}}}
          prometheus/unused: {config: {scrape_configs: [{job_name: a, static_configs: [{targets: ["h:1"]}]}]}}
        processors:
          memory_limiter: {check_interval: 1s, limit_mib: 4000, spike_limit_mib: 800}
          memory_limiter/unused: {check_interval: 1s, limit_mib: 10}
          batch: {send_batch_size: 100, timeout: 1s}
        exporters:
          otlp/a: {endpoint: "http://a:4317"}
          otlphttp/b: {endpoint: "http://b:4318"}
          otlp/unused: {endpoint: "http://c:4317"}
        service:
          pipelines:
            metrics:
              receivers: [otlp]
              processors: [memory_limiter, batch]
              exporters: [otlp/a, otlphttp/b, prometheus]
        """);
    assertThat(c.pipeline().id()).contains("metrics");
    assertThat(c.receivers().scrape()).isEmpty();
    assertThat(c.exporters().otlpExporters()).extracting(o -> o.id().toString()).containsExactly("otlp/a", "otlphttp/b");
    assertThat(c.processors().memoryLimiter().limitMib()).isEqualTo(4000);
    assertThat(c.pipeline().unused()).containsExactly("receivers.prometheus/unused",
        "processors.memory_limiter/unused", "exporters.otlp/unused");
    // the batch processor became the batching of both exporters
    BatchConfig b = new BatchConfig(100, 0, Duration.ofSeconds(1));
    assertThat(c.exporters().otlpExporters()).allSatisfy(o -> assertThat(o.batch()).isEqualTo(b));
    // no Rosetta stage listed: the default order from the top-level sections
    assertThat(stageLabels(c)).containsExactly("views");
  }

  @Test
  void aPipelineOrdersRosettasStages() throws ConfigException {
    RosettaConfig c = parse("""
        processors:
          relabel/early: {metric_relabel_configs: [{action: labeldrop, regex: a}]}
          relabel/late: {metric_relabel_configs: [{action: labeldrop, regex: b}]}
          semantic_views: {builtin: [go]}
          aggregate: {rules: [{family: x_total, without: [pod], op: sum}]}
        views: {unmatched: drop}
        service:
          pipelines:
            metrics/main:
              receivers: [otlp]
              processors: [relabel/late, relabel/early, semantic_views, aggregate]
              exporters: [prometheus]
        """);
    assertThat(stageLabels(c)).containsExactly("relabel/late", "relabel/early", "semantic_views", "aggregate");
    assertThat(c.pipeline().stages()).filteredOn(PipelineConfig.Relabel.class::isInstance)
        .allSatisfy(s -> assertThat(((PipelineConfig.Relabel) s).beforeViews()).isTrue());
    // semantic_views takes the keys it leaves out from the top-level views section
    assertThat(c.views().builtin()).containsExactly("go");
    assertThat(c.views().unmatched()).isEqualTo(ViewsConfig.Unmatched.DROP);
    assertThat(c.aggregate()).hasSize(1);
  }

  @Test
  void relabelAfterTheViewsSeesTheSemanticSeries() throws ConfigException {
    RosettaConfig c = parse("""
        processors:
          relabel/output: {metric_relabel_configs: [{action: labeldrop, regex: a}]}
          semantic_views: {}
        service: {pipelines: {metrics: {receivers: [otlp], processors: [semantic_views, relabel/output], exporters: [prometheus]}}}
        """);
    assertThat(stageLabels(c)).containsExactly("semantic_views", "relabel/output");
    assertThat(((PipelineConfig.Relabel) c.pipeline().stages().get(1)).beforeViews()).isFalse();
  }

  @Test
  void otlphttpTakesTheCollectorsEndpoints() throws ConfigException {
    RosettaConfig c = parse("""
        exporters:
          otlphttp: {endpoint: "https://collector.example:4318/"}
          otlphttp/direct: {metrics_endpoint: "http://b:9090/api/v1/otlp/v1/metrics", compression: none}
        """);
    OtlpExporterConfig a = c.exporters().otlpExporters().get(0);
    assertThat(a.metricsUrl()).contains(URI.create("https://collector.example:4318/v1/metrics"));
    assertThat(a.tls().insecure()).isFalse();
    assertThat(a.timeout()).isEqualTo(OtlpExporterConfig.DEFAULT_HTTP_TIMEOUT);
    OtlpExporterConfig b = c.exporters().otlpExporters().get(1);
    assertThat(b.metricsUrl()).contains(URI.create("http://b:9090/api/v1/otlp/v1/metrics"));
    assertThat(b.tls().insecure()).isTrue();
    assertThat(b.compression()).isEqualTo(Compression.NONE);
    assertThat(b.endpoint()).isEqualTo(new Endpoint("b", 9090));
  }

  @Test
  void debugAndHealthCheckSettings() throws ConfigException {
    RosettaConfig c = parse("""
        extensions:
          health_check: {}
          health_check/2: {endpoint: "0.0.0.0:13134", path: /health/status}
        exporters:
          debug: {verbosity: detailed, sampling_initial: 5, sampling_thereafter: 200}
        service: {extensions: [health_check, health_check/2]}
        """);
    assertThat(c.exporters().debug()).containsExactly(new DebugExporterConfig(ComponentId.of("debug"),
        DebugExporterConfig.Verbosity.DETAILED, 5, 200));
    assertThat(c.extensions().enabled(HealthCheckConfig.class)).containsExactly(
        new HealthCheckConfig(ComponentId.of("health_check"), new Endpoint("127.0.0.1", 13133), "/"),
        new HealthCheckConfig(ComponentId.parse("health_check/2"), new Endpoint("0.0.0.0", 13134), "/health/status"));
  }

  @Test
  void anExportersOwnEqualBatchAgreesWithTheProcessor() throws ConfigException {
    RosettaConfig c = parse("""
        processors: {batch: {send_batch_size: 50}}
        exporters: {otlp: {endpoint: "http://a:4317", batch: {send_batch_size: 50}}}
        """);
    assertThat(c.exporters().otlpExporters().get(0).batch().sendBatchSize()).isEqualTo(50);
    assertThat(c.pipeline().stages()).hasSize(1);
    assertThat(c.processors().all(BatchProcessorConfig.class)).hasSize(1);
    assertThat(c.pipeline().exporters()).isEmpty();
    assertThat(c.pipeline().id()).isEqualTo(Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      traces pipeline            | service: {pipelines: {metrics: {receivers: [otlp], exporters: [prometheus]}, traces: {receivers: [otlp], exporters: [otlp]}}}          | service.pipelines.traces                | Rosetta handles metrics only
      named logs pipeline        | service: {pipelines: {logs/x: {receivers: [otlp], exporters: [prometheus]}}}                                                            | service.pipelines.logs/x                | Rosetta handles metrics only
      unknown pipeline type      | service: {pipelines: {profiles: {receivers: [otlp], exporters: [prometheus]}}}                                                          | service.pipelines.profiles              | unknown pipeline type
      two metrics pipelines      | service: {pipelines: {metrics: {receivers: [otlp], exporters: [prometheus]}, metrics/b: {receivers: [otlp], exporters: [prometheus]}}} | service.pipelines.metrics/b             | Rosetta runs one metrics pipeline, not 2
      no pipeline                | 'service: {pipelines: {}}'                                                                                                             | service.pipelines                       | declares no pipeline
      undeclared receiver        | service: {pipelines: {metrics: {receivers: [otlp, kafka], exporters: [prometheus]}}}                                                    | service.pipelines.metrics.receivers[1]  | receiver "kafka" is not declared under "receivers"; declared: otlp
      undeclared exporter        | {exporters: {otlp/a: {endpoint: 'a:1'}}, service: {pipelines: {metrics: {receivers: [otlp], exporters: [otlp/b]}}}}                    | service.pipelines.metrics.exporters[0]  | exporter "otlp/b" is not declared under "exporters"; declared: prometheus, otlp/a
      undeclared processor       | service: {pipelines: {metrics: {receivers: [otlp], processors: [batch], exporters: [prometheus]}}}                                     | service.pipelines.metrics.processors[0] | processor "batch" is not declared under "processors"; declared: (none)
      listed twice               | {processors: {batch: {}}, service: {pipelines: {metrics: {receivers: [otlp], processors: [batch, batch], exporters: [prometheus]}}}}   | service.pipelines.metrics.processors[1] | listed twice
      no exporters               | service: {pipelines: {metrics: {receivers: [otlp]}}}                                                                                   | service.pipelines.metrics               | has no exporters
      no receivers               | service: {pipelines: {metrics: {exporters: [prometheus]}}}                                                                             | service.pipelines.metrics               | has no receivers
      unknown processor type     | processors: {transform: {}}                                                                                                           | processors.transform                    | supported: memory_limiter, batch, relabel, semantic_views, aggregate
      unknown receiver type      | receivers: {kafka: {}}                                                                                                                | receivers.kafka                         | supported: otlp, prometheus, jolokia
      unknown extension type     | extensions: {pprof: {}}                                                                                                               | extensions.pprof                        | supported: basicauth, bearertokenauth, file_storage, health_check
      named otlp receiver        | receivers: {otlp/2: {protocols: {grpc: {}}}}                                                                                          | receivers.otlp/2                        | one OTLP receiver
      batch metadata_keys        | processors: {batch: {metadata_keys: [tenant]}}                                                                                        | processors.batch.metadata_keys          | not per client metadata
      two batch processors       | {processors: {batch: {}, batch/2: {}}, service: {pipelines: {metrics: {receivers: [otlp], processors: [batch, batch/2], exporters: [prometheus]}}}} | service.pipelines.metrics | declare one batch, not 2
      exporter batch differs     | {processors: {batch: {send_batch_size: 10}}, exporters: {otlp: {endpoint: 'a:1', batch: {send_batch_size: 20}}}}                   | exporters.otlp.batch                    | differs from processor "batch"
      stage without pipelines    | processors: {relabel/x: {metric_relabel_configs: [{action: labeldrop, regex: a}]}}                                                   | processors.relabel/x                    | runs where a pipeline places it
      relabel without rules      | {processors: {relabel/x: {}}}                                                                                                        | processors.relabel/x.metric_relabel_configs | required key
      stage after aggregate      | {processors: {aggregate: {rules: []}, semantic_views: {}}, service: {pipelines: {metrics: {receivers: [otlp], processors: [aggregate, semantic_views], exporters: [prometheus]}}}} | service.pipelines.metrics.processors | comes after "aggregate"
      stages without views       | {processors: {relabel/x: {metric_relabel_configs: [{action: labeldrop, regex: a}]}}, service: {pipelines: {metrics: {receivers: [otlp], processors: [relabel/x], exporters: [prometheus]}}}} | service.pipelines.metrics.processors | not semantic_views
      two semantic_views         | {processors: {semantic_views: {}, semantic_views/b: {}}, service: {pipelines: {metrics: {receivers: [otlp], processors: [semantic_views, semantic_views/b], exporters: [prometheus]}}}} | service.pipelines.metrics.processors | once
      top-level relabel unused   | {relabel: {input: [{action: labeldrop, regex: a}]}, processors: {semantic_views: {}}, service: {pipelines: {metrics: {receivers: [otlp], processors: [semantic_views], exporters: [prometheus]}}}} | relabel | move them into relabel processors
      top-level aggregate unused | {aggregate: [{family: x_total, without: [pod], op: sum}], processors: {semantic_views: {}}, service: {pipelines: {metrics: {receivers: [otlp], processors: [semantic_views], exporters: [prometheus]}}}} | aggregate | declare an aggregate processor
      otlphttp without endpoint  | exporters: {otlphttp: {compression: gzip}}                                                                                           | exporters.otlphttp.endpoint              | required key "endpoint"
      otlphttp bad scheme        | exporters: {otlphttp: {endpoint: 'grpc://a:4317'}}                                                                                   | exporters.otlphttp.endpoint              | expected http://host:port
      otlphttp traces endpoint   | exporters: {otlphttp: {endpoint: 'http://a:4318', traces_endpoint: 'http://a:4318/v1/traces'}}                              | exporters.otlphttp.traces_endpoint       | Rosetta handles metrics only
      otlphttp host header       | exporters: {otlphttp: {endpoint: 'http://a:4318', headers: {Host: b}}}                                                           | exporters.otlphttp.headers.Host          | set by the HTTP transport
      otlphttp json              | exporters: {otlphttp: {endpoint: 'http://a:4318', encoding: json}}                                                                   | exporters.otlphttp.encoding              | as protobuf
      debug verbosity            | exporters: {debug: {verbosity: loud}}                                                                                                | exporters.debug.verbosity                | basic, normal, detailed
      health_check path          | {extensions: {health_check: {path: health}}, service: {extensions: [health_check]}}                                                  | extensions.health_check.path             | starts with /
      connectors                 | connectors: {count: {}}                                                                                                              | connectors                               | Rosetta has no connectors
      """)
  void refusedWithPathAndReason(String name, String yaml, String path, String message) {
    assertThat(errors(yaml)).as(name).anySatisfy(e -> assertThat(e).contains(": " + path + ": ").contains(message));
  }
}
