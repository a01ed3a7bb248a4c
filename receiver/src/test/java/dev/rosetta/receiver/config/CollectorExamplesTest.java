package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration examples of the OpenTelemetry Collector's own documentation validate as
 * written (the READMEs of receiver/otlpreceiver, processor/batchprocessor,
 * processor/memorylimiterprocessor and exporter/otlpexporter in opentelemetry-collector, and
 * exporter/prometheusexporter in opentelemetry-collector-contrib). Where an example holds something
 * outside Rosetta's scope, the test says what was trimmed and why.
 */
class CollectorExamplesTest {
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

  /** otlpreceiver README, "Getting Started": both protocols on, each on its default endpoint. */
  @Test
  void otlpReceiverGettingStarted() throws ConfigException {
    RosettaConfig c = parse("""
        receivers:
          otlp:
            protocols:
              grpc:
              http:
        """);
    assertThat(c.receivers().otlp().grpc().orElseThrow().endpoint()).isEqualTo(GrpcReceiverConfig.DEFAULT_ENDPOINT);
    assertThat(c.receivers().otlp().http().orElseThrow().endpoint()).isEqualTo(HttpReceiverConfig.DEFAULT_ENDPOINT);
  }

  /**
   * otlpreceiver README, "CORS": the example without its {@code cors} block, which only browsers
   * need (Rosetta's senders are SDKs, Collectors and agents); with it, the key is refused by name.
   */
  @Test
  void otlpReceiverHttpExampleWithoutCors() throws ConfigException {
    RosettaConfig c = parse("""
        receivers:
          otlp:
            protocols:
              http:
                endpoint: "localhost:4318"
        """);
    assertThat(c.receivers().otlp().http().orElseThrow().endpoint()).isEqualTo(new Endpoint("localhost", 4318));
    assertThat(c.receivers().otlp().grpc()).isEmpty();
    assertThat(errors("""
        receivers:
          otlp:
            protocols:
              http:
                endpoint: "localhost:4318"
                cors:
                  allowed_origins:
                    - http://test.com
                    # Origins can have wildcards with *, use * by itself to match any origin.
                    - https://*.example.com
                  allowed_headers:
                    - Example-Header
                  max_age: 7200
        """)).singleElement().asString().contains("receivers.otlp.protocols.http.cors: unknown key \"cors\"");
  }

  /**
   * batchprocessor README: {@code batch} (defaults) and {@code batch/2}. The README shows the
   * processors section alone; a complete configuration has a pipeline, which here picks {@code
   * batch/2}, so its settings become the OTLP exporter's batching and {@code batch} stays unused.
   */
  @Test
  void batchProcessorExample() throws ConfigException {
    String processors = """
        processors:
          batch:
          batch/2:
            send_batch_size: 10000
            timeout: 10s
        """;
    RosettaConfig c = parse(processors + """
        exporters:
          otlp: {endpoint: "collector:4317"}
        service:
          pipelines:
            metrics: {receivers: [otlp], processors: [batch/2], exporters: [otlp]}
        """);
    assertThat(c.exporters().otlpExporters().get(0).batch())
        .isEqualTo(new BatchConfig(10000, 0, Duration.ofSeconds(10)));
    assertThat(c.pipeline().unused()).containsExactly("processors.batch");
    // the processor with its defaults alone: the Collector's defaults are Rosetta's
    RosettaConfig d = parse("""
        processors:
          batch:
        exporters:
          otlp: {endpoint: "collector:4317"}
        """);
    assertThat(d.exporters().otlpExporters().get(0).batch()).isEqualTo(BatchConfig.defaults());
    assertThat(BatchConfig.defaults()).isEqualTo(new BatchConfig(8192, 0, Duration.ofMillis(200)));
  }

  /** memorylimiterprocessor README: the two examples, each on its own. */
  @Test
  void memoryLimiterExamples() throws ConfigException {
    MemoryLimiterConfig mib = parse("""
        processors:
          memory_limiter:
            check_interval: 1s
            limit_mib: 4000
            spike_limit_mib: 800
        """).processors().memoryLimiter();
    assertThat(mib.limitMib()).isEqualTo(4000);
    assertThat(mib.spikeLimitMib()).isEqualTo(800);
    assertThat(mib.checkInterval()).isEqualTo(Duration.ofSeconds(1));
    MemoryLimiterConfig pct = parse("""
        processors:
          memory_limiter:
            check_interval: 1s
            limit_percentage: 80
            spike_limit_percentage: 15
        """).processors().memoryLimiter();
    assertThat(pct.limitPercentage()).isEqualTo(80);
    assertThat(pct.spikeLimitPercentage()).isEqualTo(15);
  }

  /** otlpexporter README: {@code otlp} with a client certificate, {@code otlp/2} in plaintext; and {@code compression: none}. */
  @Test
  void otlpExporterExamples() throws ConfigException {
    RosettaConfig c = parse("""
        exporters:
          otlp:
            endpoint: otelcol2:4317
            tls:
              cert_file: file.cert
              key_file: file.key
          otlp/2:
            endpoint: otelcol2:4317
            tls:
              insecure: true
        """);
    List<OtlpExporterConfig> all = c.exporters().otlpExporters();
    assertThat(all).extracting(o -> o.id().toString()).containsExactly("otlp", "otlp/2");
    assertThat(all.get(0).endpoint()).isEqualTo(new Endpoint("otelcol2", 4317));
    assertThat(all.get(0).tls().certFile()).isPresent();
    assertThat(all.get(0).tls().insecure()).isFalse();
    assertThat(all.get(1).tls().insecure()).isTrue();
    assertThat(all).allSatisfy(o -> assertThat(o.compression()).isEqualTo(Compression.GZIP));
    RosettaConfig none = parse("""
        exporters:
          otlp:
            endpoint: otelcol2:4317
            compression: none
        """);
    assertThat(none.exporters().otlpExporters().get(0).compression()).isEqualTo(Compression.NONE);
  }

  /**
   * prometheusexporter README (contrib): the example without {@code translation_strategy}, which
   * Rosetta does not have ({@code add_metric_suffixes: false}, also in the example, is what
   * {@code UnderscoreEscapingWithoutSuffixes} asks for); {@code tls.ca_file} on a server verifies
   * client certificates, as {@code client_ca_file} does.
   */
  @Test
  void prometheusExporterExample() throws ConfigException {
    String example = """
        exporters:
          prometheus:
            endpoint: "1.2.3.4:1234"
            tls:
              ca_file: "/path/to/ca.pem"
              cert_file: "/path/to/cert.pem"
              key_file: "/path/to/key.pem"
            namespace: test-space
            const_labels:
              label1: value1
              "another label": spaced value
            send_timestamps: true
            metric_expiration: 180m
            enable_open_metrics: true
            # Legacy configuration - deprecated, ignored when translation_strategy is set
            add_metric_suffixes: false
            translation_strategy: "UnderscoreEscapingWithoutSuffixes"
            resource_to_telemetry_conversion:
              enabled: true
        """;
    PrometheusExporterConfig p = parse(example.replace(
        "    translation_strategy: \"UnderscoreEscapingWithoutSuffixes\"\n", "")).exporters().prometheus();
    assertThat(p.endpoint()).isEqualTo(new Endpoint("1.2.3.4", 1234));
    assertThat(p.tls().orElseThrow().clientCaFile()).isPresent();
    assertThat(p.exposition().namespace()).as("sanitized to a name prefix").isEqualTo("test_space");
    assertThat(p.exposition().constLabels()).as("label names sanitized").containsEntry("label1", "value1")
        .containsEntry("another_label",
        "spaced value");
    assertThat(p.exposition().sendTimestamps()).isTrue();
    assertThat(p.exposition().enableOpenMetrics()).isTrue();
    assertThat(p.metricExpiration()).isEqualTo(Duration.ofMinutes(180));
    assertThat(p.addMetricSuffixes()).isFalse();
    assertThat(p.resourceToTelemetryConversion()).isTrue();
    assertThat(errors(example)).singleElement().asString()
        .contains("exporters.prometheus.translation_strategy: unknown key");
  }

  /**
   * A Collector configuration for metrics as users paste it: the examples together, with the
   * pipeline that runs them. The {@code traces} pipeline such configurations often carry is refused
   * (Rosetta handles metrics only); without it the configuration validates.
   */
  @Test
  void aCollectorConfigurationForMetrics() throws ConfigException {
    String yaml = """
        receivers:
          otlp:
            protocols:
              grpc:
              http:
        processors:
          memory_limiter:
            check_interval: 1s
            limit_mib: 4000
            spike_limit_mib: 800
          batch:
        exporters:
          otlp:
            endpoint: otelcol2:4317
            tls:
              insecure: true
          otlphttp/backup:
            endpoint: http://backup:4318
          debug:
            verbosity: basic
        extensions:
          health_check:
        service:
          extensions: [health_check]
          pipelines:
            metrics:
              receivers: [otlp]
              processors: [memory_limiter, batch]
              exporters: [otlp, otlphttp/backup, debug, prometheus]
        """;
    RosettaConfig c = parse(yaml);
    assertThat(c.exporters().otlpExporters()).hasSize(2);
    assertThat(c.exporters().debug()).hasSize(1);
    assertThat(c.extensions().enabled(HealthCheckConfig.class)).hasSize(1);
    assertThat(errors(yaml.replace("    metrics:\n", """
            traces:
              receivers: [otlp]
              exporters: [otlp]
            metrics:
        """))).singleElement().asString()
        .contains("service.pipelines.traces: Rosetta handles metrics only");
  }
}
