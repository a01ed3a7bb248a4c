package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String COLLECTOR_EXAMPLE =
      """
      receivers:
        otlp:
          protocols:
            grpc: {endpoint: 0.0.0.0:4317}
            http: {endpoint: 0.0.0.0:4318}
      exporters:
        prometheus: {endpoint: 0.0.0.0:9464}
        otlp:
          endpoint: collector.observability:4317
          tls: {insecure: true}
      """;

  static RosettaConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "config.yaml", Map.of(), FileCheck.none());
  }

  @Test
  void collectorShapedExample() throws ConfigException {
    RosettaConfig c = parse(COLLECTOR_EXAMPLE);

    assertThat(c.source()).isEqualTo("config.yaml");
    OtlpReceiverConfig otlp = c.receivers().otlp();
    assertThat(otlp.grpc())
        .get()
        .extracting(GrpcReceiverConfig::endpoint)
        .isEqualTo(new Endpoint("0.0.0.0", 4317));
    assertThat(otlp.http())
        .get()
        .extracting(HttpReceiverConfig::endpoint)
        .isEqualTo(new Endpoint("0.0.0.0", 4318));
    assertThat(c.exporters().prometheus().endpoint()).isEqualTo(new Endpoint("0.0.0.0", 9464));

    OtlpExporterConfig exporter = c.exporters().otlp().orElseThrow();
    assertThat(exporter.endpoint()).isEqualTo(new Endpoint("collector.observability", 4317));
    assertThat(exporter.tls()).isEqualTo(TlsClientConfig.plaintext());
    // everything not written is on its default
    assertThat(exporter)
        .isEqualTo(
            new OtlpExporterConfig(
                ComponentId.of("otlp"),
                new Endpoint("collector.observability", 4317),
                TlsClientConfig.plaintext(),
                Map.of(),
                Compression.GZIP,
                Duration.ofSeconds(5),
                QueueConfig.defaults(),
                RetryConfig.defaults(),
                BatchConfig.defaults()));
    assertThat(c.service()).isEqualTo(ServiceConfig.defaults());
  }

  @Test
  void emptyDocumentIsAllDefaults() throws ConfigException {
    RosettaConfig expected =
        new RosettaConfig(
            "config.yaml",
            ReceiversConfig.defaults(),
            ExportersConfig.defaults(),
            ServiceConfig.defaults(),
            RelabelSettings.none(),
            LimitsConfig.defaults(),
            ViewsConfig.defaults(),
            ExtensionsConfig.none(),
            ProcessorsConfig.none());
    assertThat(parse("")).isEqualTo(expected);
    assertThat(parse("# only a comment\n")).isEqualTo(expected);
    assertThat(parse("---\n")).isEqualTo(expected);
    assertThat(parse("receivers:\nexporters:\nservice:\n")).isEqualTo(expected);
    assertThat(parse("receivers: {}\nexporters: {}\nservice: {}\n")).isEqualTo(expected);
  }

  @Test
  void defaultValues() throws ConfigException {
    RosettaConfig c = parse("exporters: {otlp: {endpoint: 'c:4317'}}");

    GrpcReceiverConfig grpc = c.receivers().otlp().grpc().orElseThrow();
    assertThat(grpc.endpoint()).hasToString("127.0.0.1:4317");
    assertThat(grpc.maxRecvMsgSizeMib()).isEqualTo(20);
    assertThat(grpc.maxRecvMsgSizeBytes()).isEqualTo(20 * 1024 * 1024);
    assertThat(grpc.tls()).isEmpty();
    HttpReceiverConfig http = c.receivers().otlp().http().orElseThrow();
    assertThat(http.endpoint()).hasToString("127.0.0.1:4318");
    assertThat(http.maxRequestBodySize()).isEqualTo(20_971_520L);
    assertThat(http.tls()).isEmpty();

    PrometheusExporterConfig prometheus = c.exporters().prometheus();
    assertThat(prometheus.endpoint()).hasToString("127.0.0.1:9464");
    assertThat(prometheus.metricExpiration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(prometheus.addMetricSuffixes()).isTrue();
    assertThat(prometheus.resourceToTelemetryConversion()).isFalse();

    OtlpExporterConfig otlp = c.exporters().otlp().orElseThrow();
    assertThat(otlp.tls())
        .isEqualTo(
            new TlsClientConfig(
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                false,
                Optional.empty()));
    assertThat(otlp.headers()).isEmpty();
    assertThat(otlp.compression()).isEqualTo(Compression.GZIP);
    assertThat(otlp.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(otlp.sendingQueue()).isEqualTo(QueueConfig.memory(2, 1000));
    assertThat(otlp.retryOnFailure())
        .isEqualTo(
            new RetryConfig(
                true,
                Duration.ofSeconds(5),
                0.5,
                1.5,
                Duration.ofSeconds(30),
                Duration.ofSeconds(300)));
    assertThat(otlp.batch()).isEqualTo(new BatchConfig(8192, 0, Duration.ofMillis(200)));

    assertThat(c.service().logLevel()).isEqualTo(LogLevel.INFO);
    assertThat(c.service().shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void protocolKeyWithoutValueMeansOnWithDefaults() throws ConfigException {
    RosettaConfig nullValue = parse("receivers: {otlp: {protocols: {grpc: }}}");
    assertThat(nullValue.receivers().otlp().grpc()).contains(GrpcReceiverConfig.defaults());
    assertThat(nullValue.receivers().otlp().http()).isEmpty();

    RosettaConfig emptyMap = parse("receivers:\n  otlp:\n    protocols:\n      http: {}\n");
    assertThat(emptyMap.receivers().otlp().grpc()).isEmpty();
    assertThat(emptyMap.receivers().otlp().http()).contains(HttpReceiverConfig.defaults());
  }

  @Test
  void everyKeySet() throws ConfigException {
    String yaml =
        """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: "[::1]:14317"
                max_recv_msg_size_mib: 64
                tls: {cert_file: s.crt, key_file: s.key, client_ca_file: ca.crt}
              http:
                endpoint: :0
                max_request_body_size: 1048576
                tls: {cert_file: s.crt, key_file: s.key}
        exporters:
          prometheus:
            endpoint: localhost:19464
            metric_expiration: 1m30s
            add_metric_suffixes: false
            resource_to_telemetry_conversion: {enabled: true}
          otlp:
            endpoint: https://otlp.example.com:443/
            tls:
              ca_file: ca.crt
              cert_file: c.crt
              key_file: c.key
              server_name_override: otlp.internal
            headers:
              authorization: Bearer abc
              x-tenant: 42
            compression: none
            timeout: 2.5s
            sending_queue: {enabled: false, num_consumers: 8, queue_size: 50}
            retry_on_failure:
              enabled: false
              initial_interval: 100ms
              randomization_factor: 0
              multiplier: 2
              max_interval: 1h
              max_elapsed_time: 0
            batch: {send_batch_size: 100, send_batch_max_size: 200, timeout: 0}
        service:
          telemetry: {logs: {level: DEBUG}}
          shutdown_timeout: 1m
        """;
    RosettaConfig c = parse(yaml);

    GrpcReceiverConfig grpc = c.receivers().otlp().grpc().orElseThrow();
    assertThat(grpc.endpoint()).isEqualTo(new Endpoint("::1", 14317));
    assertThat(grpc.maxRecvMsgSizeMib()).isEqualTo(64);
    assertThat(grpc.tls())
        .contains(
            new TlsServerConfig(
                Path.of("s.crt"), Path.of("s.key"), Optional.of(Path.of("ca.crt"))));
    HttpReceiverConfig http = c.receivers().otlp().http().orElseThrow();
    assertThat(http.endpoint()).isEqualTo(new Endpoint("0.0.0.0", 0));
    assertThat(http.maxRequestBodySize()).isEqualTo(1_048_576L);
    assertThat(http.tls())
        .contains(new TlsServerConfig(Path.of("s.crt"), Path.of("s.key"), Optional.empty()));

    assertThat(c.exporters().prometheus())
        .isEqualTo(
            new PrometheusExporterConfig(
                new Endpoint("localhost", 19464), Duration.ofSeconds(90), false, true, Optional.empty(),
                Optional.empty()));

    OtlpExporterConfig otlp = c.exporters().otlp().orElseThrow();
    assertThat(otlp.endpoint()).isEqualTo(new Endpoint("otlp.example.com", 443));
    assertThat(otlp.tls())
        .isEqualTo(
            new TlsClientConfig(
                false,
                Optional.of(Path.of("ca.crt")),
                Optional.of(Path.of("c.crt")),
                Optional.of(Path.of("c.key")),
                false,
                Optional.of("otlp.internal")));
    assertThat(otlp.headers())
        .containsExactly(Map.entry("authorization", "Bearer abc"), Map.entry("x-tenant", "42"));
    assertThat(otlp.compression()).isEqualTo(Compression.NONE);
    assertThat(otlp.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(otlp.sendingQueue())
        .isEqualTo(new QueueConfig(false, 8, 50, QueueConfig.Sizer.REQUESTS, Optional.empty()));
    assertThat(otlp.retryOnFailure())
        .isEqualTo(
            new RetryConfig(
                false, Duration.ofMillis(100), 0.0, 2.0, Duration.ofHours(1), Duration.ZERO));
    assertThat(otlp.batch()).isEqualTo(new BatchConfig(100, 200, Duration.ZERO));

    assertThat(c.service()).isEqualTo(new ServiceConfig(LogLevel.DEBUG, Duration.ofMinutes(1)));
  }

  @Test
  void endpointSchemesSetTheTransportSecurity() throws ConfigException {
    assertThat(exporterTls("endpoint: http://c:4317")).isEqualTo(TlsClientConfig.plaintext());
    assertThat(exporterTls("endpoint: https://c:4317")).isEqualTo(TlsClientConfig.secure());
    assertThat(exporterTls("endpoint: c:4317")).isEqualTo(TlsClientConfig.secure());
    // tls given explicitly wins over the http:// default
    assertThat(exporterTls("endpoint: http://c:4317\ntls: {insecure: false}"))
        .isEqualTo(TlsClientConfig.secure());
    assertThat(
            parse("exporters: {otlp: {endpoint: 'HTTP://c:4317'}}")
                .exporters()
                .otlp()
                .orElseThrow()
                .endpoint())
        .isEqualTo(new Endpoint("c", 4317));
  }

  private static TlsClientConfig exporterTls(String otlpBody) throws ConfigException {
    String indented = "    " + otlpBody.replace("\n", "\n    ");
    return parse("exporters:\n  otlp:\n" + indented + "\n").exporters().otlp().orElseThrow().tls();
  }

  @Test
  void yaml11WordsAreNotBooleans() throws ConfigException {
    // YAML 1.1 would read "no" as false; the header value must stay the text the user wrote
    RosettaConfig c =
        parse("exporters: {otlp: {endpoint: 'c:1', headers: {x-flag: no, x-time: 1:30}}}");
    assertThat(c.exporters().otlp().orElseThrow().headers())
        .containsEntry("x-flag", "no")
        .containsEntry("x-time", "1:30");
  }

  @Test
  void numbersAndBooleansMayBeQuoted() throws ConfigException {
    RosettaConfig c =
        parse(
            "receivers: {otlp: {protocols: {grpc: {max_recv_msg_size_mib: '8'}}}}\n"
                + "exporters: {prometheus: {add_metric_suffixes: 'false'}}");
    assertThat(c.receivers().otlp().grpc().orElseThrow().maxRecvMsgSizeMib()).isEqualTo(8);
    assertThat(c.exporters().prometheus().addMetricSuffixes()).isFalse();
  }

  @Test
  void aliasesAndMergeKeysWork() throws ConfigException {
    String yaml =
        """
        receivers:
          otlp:
            protocols:
              grpc: &common {endpoint: "0.0.0.0:4317", tls: {cert_file: a.crt, key_file: a.key}}
              http:
                <<: *common
                endpoint: 0.0.0.0:4318
        """;
    RosettaConfig c = parse(yaml);
    assertThat(c.receivers().otlp().http().orElseThrow().tls()).isPresent();
    assertThat(c.receivers().otlp().http().orElseThrow().endpoint().port()).isEqualTo(4318);
  }

  @Test
  void environmentIsExpanded() throws ConfigException {
    String yaml =
        """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "${env:HOST}:${GRPC_PORT}", max_recv_msg_size_mib: "${env:MIB}"}
        exporters:
          otlp:
            endpoint: ${env:OTLP_ENDPOINT}
            headers:
              authorization: "Bearer ${env:TOKEN}"
              x-price: "$$5 ${env:MISSING:-fallback}"
        """;
    Map<String, String> env =
        Map.of(
            "HOST",
            "0.0.0.0",
            "GRPC_PORT",
            "5317",
            "MIB",
            "32",
            "OTLP_ENDPOINT",
            "https://c:4317",
            "TOKEN",
            "s3cret");
    RosettaConfig c = ConfigLoader.parse(yaml, "config.yaml", env, FileCheck.none());

    GrpcReceiverConfig grpc = c.receivers().otlp().grpc().orElseThrow();
    assertThat(grpc.endpoint()).isEqualTo(new Endpoint("0.0.0.0", 5317));
    assertThat(grpc.maxRecvMsgSizeMib()).isEqualTo(32);
    OtlpExporterConfig otlp = c.exporters().otlp().orElseThrow();
    assertThat(otlp.endpoint()).isEqualTo(new Endpoint("c", 4317));
    assertThat(otlp.headers())
        .containsExactly(
            Map.entry("authorization", "Bearer s3cret"), Map.entry("x-price", "$5 fallback"));
  }

  @Test
  void embeddedDefaultRunsOnLoopbackWithoutForwarding() {
    RosettaConfig c = ConfigLoader.embeddedDefault();
    assertThat(c.source()).isEqualTo("embedded default");
    assertThat(c.receivers()).isEqualTo(ReceiversConfig.defaults());
    assertThat(c.exporters()).isEqualTo(ExportersConfig.defaults());
    assertThat(c.service()).isEqualTo(ServiceConfig.defaults());
    assertThat(c.receivers().otlp().grpc().orElseThrow().endpoint().host()).isEqualTo("127.0.0.1");
    assertThat(c.exporters().otlp()).isEmpty();
  }

  @Test
  void embeddedDefaultCommentedOtlpExporterIsValidWhenUncommented() throws ConfigException {
    // users uncomment the example blocks (the exporter, the file_storage extension and its line in
    // service.extensions): they must parse (with a token in the environment)
    String text = ConfigLoader.embeddedDefaultText();
    StringBuilder uncommented = new StringBuilder();
    String block = null; // the comment prefix of the block being uncommented
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("  # otlp:")) {
        block = "  #";
      } else if (line.startsWith("# extensions:")) {
        block = "#";
      } else if (block != null && !line.startsWith(block + " ")) {
        block = null;
      }
      if (block != null) {
        int cut = block.length() + 1;
        uncommented.append(line, 0, block.length() - 1).append(line.substring(cut));
      } else if (line.equals("  # extensions: [file_storage]") || line.startsWith("  extensions: [] ")) {
        uncommented.append("  extensions: [file_storage]");
      } else {
        uncommented.append(line);
      }
      uncommented.append('\n');
    }
    RosettaConfig c =
        ConfigLoader.parse(
            uncommented.toString(), "uncommented", Map.of("OTLP_TOKEN", "t", "ROSETTA_TOKEN", "r"),
            FileCheck.none());
    OtlpExporterConfig otlp = c.exporters().otlp().orElseThrow();
    assertThat(otlp.endpoint()).isEqualTo(new Endpoint("collector.observability", 4317));
    assertThat(otlp.headers()).containsEntry("authorization", "Bearer t");
    assertThat(otlp.retryOnFailure()).isEqualTo(RetryConfig.defaults());
    assertThat(otlp.batch()).isEqualTo(BatchConfig.defaults());
    FileStorageConfig storage = otlp.sendingQueue().storage().orElseThrow();
    assertThat(storage.directory()).isEqualTo(Path.of("/var/lib/rosetta"));
    assertThat(storage).isEqualTo(FileStorageConfig.of(ComponentId.of("file_storage"), Path.of("/var/lib/rosetta")));
  }

  @Test
  void loadsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rosetta.yaml");
    Files.writeString(file, COLLECTOR_EXAMPLE);
    RosettaConfig c = ConfigLoader.load(file, Map.of());
    assertThat(c.source()).isEqualTo(file.toString());
    assertThat(c.exporters().otlp()).isPresent();
  }

  @Test
  void tlsFilesAreCheckedOnDisk(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("server.crt"), "cert");
    Path key = dir.resolve("server.key"); // never created
    String yaml =
        "receivers: {otlp: {protocols: {grpc: {tls: {cert_file: '"
            + cert
            + "', key_file: '"
            + key
            + "'}}}}}";
    Path file = Files.writeString(dir.resolve("rosetta.yaml"), yaml);

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .singleElement()
                    .satisfies(
                        err -> {
                          assertThat(err.path())
                              .isEqualTo("receivers.otlp.protocols.grpc.tls.key_file");
                          assertThat(err.value()).isEqualTo(key.toString());
                          assertThat(err.message()).contains("file does not exist");
                        }));
    Files.writeString(key, "key");
    assertThat(ConfigLoader.load(file, Map.of()).receivers().otlp().grpc().orElseThrow().tls())
        .isPresent();
  }

  @Test
  void missingFileNamesTheFile(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .singleElement()
                    .satisfies(
                        err -> {
                          assertThat(err.source()).isEqualTo(file.toString());
                          assertThat(err.toString())
                              .isEqualTo(file + ": configuration file not found");
                        }));
  }

  @Test
  void directoryAndNonUtf8AreReported(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is a directory");
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(
        latin1,
        "service: {shutdown_timeout: 5s} # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> ConfigLoader.load(latin1, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void byteOrderMarkIsIgnored() throws ConfigException {
    assertThat(parse("\uFEFFservice: {shutdown_timeout: 3s}").service().shutdownTimeout())
        .isEqualTo(Duration.ofSeconds(3));
  }
}
