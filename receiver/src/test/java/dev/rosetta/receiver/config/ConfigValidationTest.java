package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each class of error names the key path and the value, and says what is expected. */
class ConfigValidationTest {
  /** Files whose name starts with "missing" do not exist; every other file does. */
  private static final FileCheck FAKE_FILES =
      p ->
          p.getFileName().toString().startsWith("missing")
              ? Optional.of("file does not exist")
              : Optional.empty();

  static List<ConfigError> errors(String yaml) {
    return errors(yaml, Map.of());
  }

  static List<ConfigError> errors(String yaml, Map<String, String> env) {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.parse(yaml, "config.yaml", env, FAKE_FILES));
    assertThat(e).as("expected the configuration to be rejected").isNotNull();
    return e.errors();
  }

  private static final String OTLP = "exporters:\n  otlp:\n    endpoint: c:4317\n";

  static Stream<Arguments> singleErrors() {
    return Stream.of(
        // unknown keys, at several depths, with suggestions
        c(
            "unknown top-level key",
            "exporter: {}",
            "exporter",
            "{}",
            "unknown key \"exporter\" (did you mean \"exporters\"?)"),
        c(
            "unknown top-level key, no suggestion",
            "pipelines: {metrics: {}}",
            "pipelines",
            "{metrics: {}}",
            "unknown key \"pipelines\"; valid keys here: extensions, service, receivers, processors, exporters"),
        c(
            "unknown key in a protocol",
            "receivers: {otlp: {protocols: {grpc: {endpont: ':1'}}}}",
            "receivers.otlp.protocols.grpc.endpont",
            ":1",
            "did you mean \"endpoint\"?"),
        c(
            "unknown protocol",
            "receivers: {otlp: {protocols: {grpc: {}, thrift: {}}}}",
            "receivers.otlp.protocols.thrift",
            "{}",
            "unknown key \"thrift\""),
        c(
            "unknown key deep in the exporter",
            OTLP + "    retry_on_failure: {max_intervall: 1m}",
            "exporters.otlp.retry_on_failure.max_intervall",
            "1m",
            "did you mean \"max_interval\"?"),
        c(
            "unknown key under resource_to_telemetry_conversion",
            "exporters: {prometheus: {resource_to_telemetry_conversion: {enable: true}}}",
            "exporters.prometheus.resource_to_telemetry_conversion.enable",
            "true",
            "did you mean \"enabled\"?"),
        c(
            "unknown key under service.telemetry",
            "service: {telemetry: {traces: {level: basic}}}",
            "service.telemetry.traces",
            "{level: \"basic\"}",
            "unknown key \"traces\"; valid keys here: logs, metrics"),
        c(
            "unknown key under service.telemetry.metrics",
            "service: {telemetry: {metrics: {own_jvm: false, level: basic}}}",
            "service.telemetry.metrics.level",
            "basic",
            "unknown key \"level\"; valid keys here: own_jvm"),

        // wrong types
        c(
            "list where a map is expected",
            "receivers: [otlp]",
            "receivers",
            "[\"otlp\"]",
            "expected a map of settings, found a list [\"otlp\"]"),
        c(
            "string where a map is expected",
            "exporters: {prometheus: on}",
            "exporters.prometheus",
            "on",
            "expected a map of settings, found a string \"on\""),
        c(
            "string where a number is expected",
            "receivers: {otlp: {protocols: {grpc: {max_recv_msg_size_mib: lots}}}}",
            "receivers.otlp.protocols.grpc.max_recv_msg_size_mib",
            "lots",
            "expected an integer, found a string \"lots\""),
        c(
            "fraction where an integer is expected",
            OTLP + "    sending_queue: {queue_size: 2.5}",
            "exporters.otlp.sending_queue.queue_size",
            "2.5",
            "expected an integer, found a number 2.5"),
        c(
            "map where a string is expected",
            OTLP + "    tls: {server_name_override: {a: b}}",
            "exporters.otlp.tls.server_name_override",
            "{a: \"b\"}",
            "expected a string, found a map"),
        c(
            "YAML 1.1 boolean word",
            "exporters: {prometheus: {add_metric_suffixes: yes}}",
            "exporters.prometheus.add_metric_suffixes",
            "yes",
            "expected true or false, found a string \"yes\""),
        c(
            "top level is not a map",
            "- receivers",
            "",
            "[\"receivers\"]",
            "expected a map of sections at the top level"),
        c(
            "headers is a list",
            OTLP + "    headers: [a, b]",
            "exporters.otlp.headers",
            "[\"a\", \"b\"]",
            "expected a map, found a list"),

        // endpoints and ports
        c(
            "endpoint without port",
            "exporters: {prometheus: {endpoint: localhost}}",
            "exporters.prometheus.endpoint",
            "localhost",
            "invalid endpoint \"localhost\": missing port; expected host:port"),
        c(
            "port out of range",
            "receivers: {otlp: {protocols: {http: {endpoint: '0.0.0.0:70000'}}}}",
            "receivers.otlp.protocols.http.endpoint",
            "0.0.0.0:70000",
            "port \"70000\" is not a number between 0 and 65535"),
        c(
            "port not a number",
            "receivers: {otlp: {protocols: {http: {endpoint: 'localhost:http'}}}}",
            "receivers.otlp.protocols.http.endpoint",
            "localhost:http",
            "port \"http\""),
        c(
            "IPv6 without brackets",
            "exporters: {prometheus: {endpoint: '::1:9464'}}",
            "exporters.prometheus.endpoint",
            "::1:9464",
            "must be written in brackets"),
        c(
            "endpoint as a bare port number",
            "exporters: {prometheus: {endpoint: 9464}}",
            "exporters.prometheus.endpoint",
            "9464",
            "a port alone is written :9464"),
        c(
            "exporter endpoint missing",
            "exporters: {otlp: {timeout: 1s}}",
            "exporters.otlp.endpoint",
            "",
            "required key \"endpoint\" is missing"),
        c(
            "exporter endpoint with unknown scheme",
            "exporters: {otlp: {endpoint: 'grpc://c:4317'}}",
            "exporters.otlp.endpoint",
            "grpc://c:4317",
            "unsupported scheme \"grpc\""),
        c(
            "exporter endpoint with a path",
            "exporters: {otlp: {endpoint: 'https://c:4317/v1/metrics'}}",
            "exporters.otlp.endpoint",
            "https://c:4317/v1/metrics",
            "a path is not allowed"),
        c(
            "exporter endpoint port 0",
            "exporters: {otlp: {endpoint: 'c:0'}}",
            "exporters.otlp.endpoint",
            "c:0",
            "port 0 cannot be connected to"),
        c(
            "https with insecure",
            "exporters: {otlp: {endpoint: 'https://c:4317', tls: {insecure: true}}}",
            "exporters.otlp.endpoint",
            "https://c:4317",
            "needs TLS but tls.insecure is true"),

        // durations
        c(
            "duration in words",
            OTLP + "    timeout: 5 minutes",
            "exporters.otlp.timeout",
            "5 minutes",
            "invalid duration \"5 minutes\": expected a duration such as 500ms, 5s, 1m"),
        c(
            "duration without unit",
            OTLP + "    timeout: 30",
            "exporters.otlp.timeout",
            "30",
            "a number without a unit is not a duration (only 0 is)"),
        c(
            "zero where positive is needed",
            "exporters: {prometheus: {metric_expiration: 0s}}",
            "exporters.prometheus.metric_expiration",
            "0s",
            "invalid value \"0s\": must be greater than 0"),
        c(
            "negative duration",
            "service: {shutdown_timeout: -5s}",
            "service.shutdown_timeout",
            "-5s",
            "must not be negative"),
        c(
            "duration as a list",
            OTLP + "    batch: {timeout: [1s]}",
            "exporters.otlp.batch.timeout",
            "[\"1s\"]",
            "expected a duration such as 500ms, 5s, 1m, found a list"),

        // numeric ranges and cross-field rules
        c(
            "num_consumers above 64",
            OTLP + "    sending_queue: {num_consumers: 65}",
            "exporters.otlp.sending_queue.num_consumers",
            "65",
            "invalid integer 65: must be between 1 and 64"),
        c(
            "queue_size zero",
            OTLP + "    sending_queue: {queue_size: 0}",
            "exporters.otlp.sending_queue.queue_size",
            "0",
            "must be at least 1"),
        c(
            "max_recv_msg_size_mib zero",
            "receivers: {otlp: {protocols: {grpc: {max_recv_msg_size_mib: 0}}}}",
            "receivers.otlp.protocols.grpc.max_recv_msg_size_mib",
            "0",
            "must be between 1 and 2047"),
        c(
            "max_request_body_size negative",
            "receivers: {otlp: {protocols: {http: {max_request_body_size: -1}}}}",
            "receivers.otlp.protocols.http.max_request_body_size",
            "-1",
            "invalid integer -1: must be at least 1"),
        c(
            "max_request_body_size above 2 GiB",
            "receivers: {otlp: {protocols: {http: {max_request_body_size: 4294967296}}}}",
            "receivers.otlp.protocols.http.max_request_body_size",
            "4294967296",
            "must be between 1 and 2147483647"),
        c(
            "randomization_factor above 1",
            OTLP + "    retry_on_failure: {randomization_factor: 1.5}",
            "exporters.otlp.retry_on_failure.randomization_factor",
            "1.5",
            "must be between 0 and 1"),
        c(
            "multiplier below 1",
            OTLP + "    retry_on_failure: {multiplier: 0.5}",
            "exporters.otlp.retry_on_failure.multiplier",
            "0.5",
            "must be at least 1"),
        c(
            "max_interval below initial_interval",
            OTLP + "    retry_on_failure: {max_interval: 1s}",
            "exporters.otlp.retry_on_failure.max_interval",
            "1s",
            "max_interval (1s) must not be shorter than initial_interval (5s)"),
        c(
            "send_batch_max_size below send_batch_size",
            OTLP + "    batch: {send_batch_size: 100, send_batch_max_size: 50}",
            "exporters.otlp.batch.send_batch_max_size",
            "50",
            "must be 0 (no cap) or at least send_batch_size (100)"),
        c(
            "no protocol enabled",
            "receivers: {otlp: {protocols: {}}}",
            "receivers.otlp.protocols",
            "{}",
            "no OTLP protocol is enabled"),
        c(
            "otlp receiver without protocols",
            "receivers: {otlp: }",
            "receivers.otlp.protocols",
            "{}",
            "no OTLP protocol is enabled"),

        // enums
        c(
            "bad compression",
            OTLP + "    compression: zstd",
            "exporters.otlp.compression",
            "zstd",
            "invalid value \"zstd\": expected one of none, gzip"),
        c(
            "bad log level",
            "service: {telemetry: {logs: {level: verbose}}}",
            "service.telemetry.logs.level",
            "verbose",
            "expected one of debug, info, warn, error"),

        // TLS
        c(
            "client cert without key",
            OTLP + "    tls: {cert_file: client.crt}",
            "exporters.otlp.tls.key_file",
            "",
            "key_file is missing: cert_file is set"),
        c(
            "client key without cert",
            OTLP + "    tls: {key_file: client.key}",
            "exporters.otlp.tls.cert_file",
            "",
            "cert_file is missing: key_file is set"),
        c(
            "server cert without key",
            "receivers: {otlp: {protocols: {grpc: {tls: {cert_file: s.crt}}}}}",
            "receivers.otlp.protocols.grpc.tls.key_file",
            "",
            "required key \"key_file\" is missing"),
        c(
            "unreadable CA file",
            OTLP + "    tls: {ca_file: /etc/missing-ca.crt}",
            "exporters.otlp.tls.ca_file",
            "/etc/missing-ca.crt",
            "unusable file \"/etc/missing-ca.crt\": file does not exist"),

        // headers
        c(
            "bad header name",
            OTLP + "    headers: {'x tenant': a}",
            "exporters.otlp.headers.x tenant",
            "x tenant",
            "invalid header name \"x tenant\""),
        c(
            "header value with a newline is not echoed",
            OTLP + "    headers: {authorization: \"Bearer a\\nb\"}",
            "exporters.otlp.headers.authorization",
            "<hidden>",
            "only printable ASCII characters are allowed"));
  }

  private static Arguments c(String name, String yaml, String path, String value, String message) {
    return arguments(named(name, yaml), path, value, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("singleErrors")
  void reportsPathValueAndExpectation(String yaml, String path, String value, String message) {
    assertThat(errors(yaml))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("config.yaml");
              assertThat(e.path()).isEqualTo(path);
              assertThat(e.value()).isEqualTo(value);
              assertThat(e.message()).contains(message);
              assertThat(e.toString())
                  .startsWith(path.isEmpty() ? "config.yaml: " : "config.yaml: " + path + ": ");
            });
  }

  @Test
  void toStringMatchesTheDocumentedForm() {
    assertThat(errors(OTLP + "    timeout: 5 minutes"))
        .singleElement()
        .hasToString(
            "config.yaml: exporters.otlp.timeout: invalid duration \"5 minutes\": expected a"
                + " duration such as 500ms, 5s, 1m");
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    String yaml =
        """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "localhost", max_recv_msg_size_mib: big}
              htp: {}
        exporters:
          prometheus: {metric_expiration: 5}
          otlp:
            endpoint: collector:4317
            compression: brotli
            tls: {cert_file: c.crt}
            retry_on_failure: {multiplier: 0}
        service:
          telemetry: {logs: {level: loud}}
          shutdown_timeout: soon
        extensions: []
        """;
    assertThat(errors(yaml))
        .extracting(ConfigError::path)
        .containsExactlyInAnyOrder(
            "receivers.otlp.protocols.grpc.endpoint",
            "receivers.otlp.protocols.grpc.max_recv_msg_size_mib",
            "receivers.otlp.protocols.htp",
            "exporters.prometheus.metric_expiration",
            "exporters.otlp.compression",
            "exporters.otlp.tls.key_file",
            "exporters.otlp.retry_on_failure.multiplier",
            "service.telemetry.logs.level",
            "service.shutdown_timeout",
            "extensions");
  }

  @Test
  void undefinedEnvironmentVariableIsNamedOnceWithoutFollowOnErrors() {
    List<ConfigError> errors =
        errors(
            "exporters: {otlp: {endpoint: '${env:OTLP_HOST}:4317', timeout: '${TIMEOUT}'}}",
            Map.of());
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).path()).isEqualTo("exporters.otlp.endpoint");
    assertThat(errors.get(0).value()).isEqualTo("${env:OTLP_HOST}:4317");
    assertThat(errors.get(0).message())
        .contains("environment variable \"OTLP_HOST\" is not defined");
    assertThat(errors.get(1).path()).isEqualTo("exporters.otlp.timeout");
    assertThat(errors.get(1).message()).contains("\"TIMEOUT\" is not defined");
  }

  @Test
  void expandedValuesAreValidatedLikeWrittenOnes() {
    assertThat(errors(OTLP + "    timeout: ${env:T}", Map.of("T", "5 minutes")))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path()).isEqualTo("exporters.otlp.timeout");
              assertThat(e.value()).isEqualTo("5 minutes");
            });
  }

  @Test
  void malformedYamlGivesLineAndColumn() {
    String yaml = "receivers:\n  otlp:\n    protocols: {grpc: {}\nexporters: {}\n";
    assertThat(errors(yaml))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path()).isEmpty();
              assertThat(e.message()).startsWith("malformed YAML at line 4, column ");
              assertThat(e.toString()).doesNotContain("Exception").doesNotContain("\tat ");
            });
    assertThat(errors("receivers:\n  otlp: x\n   bad: y\n"))
        .singleElement()
        .extracting(ConfigError::message)
        .asString()
        .startsWith("malformed YAML at line 3, column 7");
  }

  @Test
  void duplicateKeysAreErrors() {
    assertThat(errors("service: {shutdown_timeout: 1s}\nservice: {shutdown_timeout: 2s}\n"))
        .singleElement()
        .extracting(ConfigError::message)
        .asString()
        .contains("duplicate key service")
        .startsWith("malformed YAML at line 2");
  }

  @Test
  void unsafeTagsAreRefused() {
    assertThat(errors("service: !!javax.script.ScriptEngineManager [x]\n"))
        .singleElement()
        .extracting(ConfigError::message)
        .asString()
        .startsWith("malformed YAML at line 1");
  }

  @Test
  void aliasBombIsRefused() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x]\n");
    for (int i = 1; i < 30; i++) {
      yaml.append("a")
          .append(i)
          .append(": &a")
          .append(i)
          .append(" [*a")
          .append(i - 1)
          .append(", *a")
          .append(i - 1)
          .append("]\n");
    }
    assertThat(errors(yaml.toString()))
        .singleElement()
        .extracting(ConfigError::message)
        .asString()
        .contains("aliases");
  }

  @Test
  void errorsNeverEchoCredentialsFromTheEnvironmentForHeaders() {
    List<ConfigError> errors =
        errors(
            OTLP + "    headers: {authorization: \"${env:TOKEN}\"}", Map.of("TOKEN", "abc\u0001"));
    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(e.toString()).doesNotContain("abc"));
  }

  @Test
  void recordsRejectInvalidStateDirectly() {
    // the records guard themselves too, for code that builds them without the loader
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> QueueConfig.memory(0, 10));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new TlsClientConfig(
                    false,
                    Optional.empty(),
                    Optional.of(Path.of("c")),
                    Optional.empty(),
                    false,
                    Optional.empty()));
    // both protocols off is a pull-only configuration (only scrape receivers listed)
    org.assertj.core.api.Assertions.assertThat(OtlpReceiverConfig.none().grpc()).isEmpty();
  }
}
