package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** service.telemetry as a Collector configuration writes it, and the Prometheus exporter's exposition keys. */
class TelemetryConfigTest {
  private static RosettaConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "config.yaml", Map.of(), FileCheck.none());
  }

  private static List<String> messages(String yaml) {
    return ConfigValidationTest.errors(yaml).stream().map(e -> e.path() + ": " + e.message()).toList();
  }

  @Test
  void logsTakeTheCollectorKeysThatMapOntoRosetta() throws ConfigException {
    LogsConfig logs = parse("""
        service:
          telemetry:
            logs:
              level: debug
              encoding: json
              development: false
              disable_caller: false
              disable_stacktrace: true
              sampling: {enabled: false, tick: 10s, initial: 10, thereafter: 100}
              output_paths: [stdout]
              error_output_paths: [stderr]
              initial_fields: {service: rosetta-eu, zone: b}
            metrics:
              level: detailed
        """).service().logs();
    assertThat(logs).isEqualTo(new LogsConfig(LogLevel.DEBUG, LogsConfig.Encoding.JSON, true, false,
        LogsConfig.Output.STDOUT, Map.of("service", "rosetta-eu", "zone", "b")));
    assertThat(logs.initialFields().keySet()).containsExactly("service", "zone");
  }

  @Test
  void defaultsAreConsoleOnStandardErrorWithoutCaller() throws ConfigException {
    assertThat(parse("").service().logs()).isEqualTo(LogsConfig.defaults());
    assertThat(parse("service: {telemetry: {logs: {encoding: console}}}").service().logs())
        .isEqualTo(LogsConfig.defaults());
  }

  @Test
  void whatDoesNotMapIsRefusedWithTheReason() {
    assertThat(messages("""
        service:
          telemetry:
            logs:
              encoding: yaml
              development: true
              sampling: {initial: 10, thereafter: 100}
              output_paths: [stderr, stdout]
              error_output_paths: [/var/log/errors.log]
              initial_fields: {msg: x}
              processors: [{batch: {}}]
            metrics:
              level: none
              address: 0.0.0.0:8888
              readers: [{pull: {}}]
            traces: {level: basic}
        """)).containsExactlyInAnyOrder(
        "service.telemetry.logs.encoding: invalid value \"yaml\": expected one of console, json",
        "service.telemetry.logs.development: Rosetta has no development logging mode: remove \"development\" or"
            + " set it to false (level: debug gives more detail)",
        "service.telemetry.logs.sampling: Rosetta does not sample its log: a line that repeats is rate-limited"
            + " where it is logged; remove \"sampling\" or set sampling.enabled: false",
        "service.telemetry.logs.output_paths[1]: one output only: \"stderr\" or \"stdout\"",
        "service.telemetry.logs.error_output_paths[0]: Rosetta writes its log to standard error or standard"
            + " output only (\"stderr\" or \"stdout\"), not to files: collect it from there",
        "service.telemetry.logs.initial_fields.msg: \"msg\" is a field of every record already: choose another name",
        "service.telemetry.logs.processors: Rosetta does not export its own log over OTLP: it writes it to"
            + " standard error (or output_paths: [stdout]); remove service.telemetry.logs.processors",
        "service.telemetry.metrics.level: " + TelemetryBinder.OWN_METRICS + " and cannot be turned off; remove"
            + " service.telemetry.metrics.level or set it to basic, normal or detailed (all the same to Rosetta)",
        "service.telemetry.metrics.address: " + TelemetryBinder.OWN_METRICS
            + "; remove service.telemetry.metrics.address",
        "service.telemetry.metrics.readers: " + TelemetryBinder.OWN_METRICS
            + "; remove service.telemetry.metrics.readers",
        "service.telemetry.traces: Rosetta handles metrics only and has no traces of its own: remove"
            + " service.telemetry.traces");
  }

  @Test
  void prometheusExpositionKeys() throws ConfigException {
    PrometheusExporterConfig p = parse("""
        exporters:
          prometheus:
            endpoint: 1.2.3.4:1234
            namespace: test-space
            const_labels:
              label1: value1
              "another label": spaced value
            send_timestamps: true
            enable_open_metrics: true
        """).exporters().prometheus();
    assertThat(p.exposition().namespace()).isEqualTo("test_space");
    assertThat(p.exposition().constLabels())
        .containsExactly(Map.entry("label1", "value1"), Map.entry("another_label", "spaced value"));
    assertThat(p.exposition().sendTimestamps()).isTrue();
    assertThat(p.exposition().enableOpenMetrics()).isTrue();
    assertThat(parse("").exporters().prometheus().exposition())
        .isEqualTo(PrometheusExporterConfig.Exposition.defaults());
  }

  @Test
  void badExpositionKeys() {
    assertThat(messages("""
        exporters:
          prometheus:
            namespace: 9lives
            const_labels: {__name__: x, a-b: 1, a.b: 2}
            send_timestamps: sometimes
        """)).containsExactlyInAnyOrder(
        "exporters.prometheus.namespace: invalid namespace \"9lives\": a metric name cannot start with a digit",
        "exporters.prometheus.const_labels.__name__: invalid label name \"__name__\": a label name starts with"
            + " a letter or one underscore (names starting with __ are reserved)",
        "exporters.prometheus.const_labels.a.b: label \"a.b\" is \"a_b\" once made Prometheus-safe, as another"
            + " label is",
        "exporters.prometheus.send_timestamps: expected true or false, found a string \"sometimes\"");
  }
}
