package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OTLP exporters by id, the {@code file_storage} extension and {@code sending_queue.storage}: one
 * record per exporter owns its settings and defaults, and each bad value is reported with its path.
 */
class ExporterConfigTest {
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

  @Test
  void severalExportersInFileOrderEachWithItsOwnSettings() throws ConfigException {
    RosettaConfig c = parse("""
        exporters:
          otlp/b: {endpoint: "http://b:4317", sending_queue: {queue_size: 7}}
          prometheus: {endpoint: "127.0.0.1:9999"}
          otlp: {endpoint: "http://main:4317"}
          otlp/a: {endpoint: "https://a:4317", timeout: 2s}
        """);
    List<OtlpExporterConfig> all = c.exporters().otlpExporters();
    assertThat(all).extracting(o -> o.id().toString()).containsExactly("otlp/b", "otlp", "otlp/a");
    assertThat(all.get(0).sendingQueue().queueSize()).isEqualTo(7);
    assertThat(all.get(1).sendingQueue()).isEqualTo(QueueConfig.defaults());
    assertThat(all.get(2).timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.exporters().otlp()).contains(all.get(1));
    assertThat(c.exporters().prometheus().endpoint().port()).isEqualTo(9999);
  }

  @Test
  void defaultsAreInTheRecord() throws ConfigException {
    OtlpExporterConfig o = parse("exporters: {otlp/x: {endpoint: 'c:4317'}}").exporters().otlpExporters().get(0);
    assertThat(o).isEqualTo(OtlpExporterConfig.defaults(new ComponentId("otlp", "x"), new Endpoint("c", 4317)));
    assertThat(o.sendingQueue()).isEqualTo(new QueueConfig(true, 2, 1000, QueueConfig.Sizer.REQUESTS, Optional.empty()));
  }

  @Test
  void fileStorageIsBoundAndReferenced() throws ConfigException {
    RosettaConfig c = parse("""
        extensions:
          file_storage: {directory: /var/lib/rosetta, fsync: true, timeout: 2s}
          file_storage/rel: {directory: queue, create_directory: true, directory_permissions: "0700"}
        exporters:
          otlp: {endpoint: "c:4317", sending_queue: {storage: file_storage, queue_size: 5000, num_consumers: 4}}
          otlp/b: {endpoint: "d:4317", sending_queue: {storage: file_storage/rel, sizer: items}}
        service:
          extensions: [file_storage, file_storage/rel]
        """);
    FileStorageConfig fs = new FileStorageConfig(ComponentId.of("file_storage"), Path.of("/var/lib/rosetta"), true,
        Duration.ofSeconds(2), false, 0750);
    OtlpExporterConfig a = c.exporters().otlpExporters().get(0);
    assertThat(a.sendingQueue()).isEqualTo(new QueueConfig(true, 4, 5000, QueueConfig.Sizer.REQUESTS, Optional.of(fs)));
    OtlpExporterConfig b = c.exporters().otlpExporters().get(1);
    FileStorageConfig rel = b.sendingQueue().storage().orElseThrow();
    assertThat(rel.directory()).isEqualTo(Path.of("/etc/rosetta/queue")); // relative to the configuration file
    assertThat(rel.fsync()).isFalse();
    assertThat(rel.timeout()).isEqualTo(FileStorageConfig.DEFAULT_TIMEOUT);
    assertThat(rel.createDirectory()).isTrue();
    assertThat(rel.directoryPermissions()).isEqualTo(0700);
    assertThat(b.sendingQueue().sizer()).isEqualTo(QueueConfig.Sizer.ITEMS);
    assertThat(b.sendingQueue().queueSize()).isEqualTo(QueueConfig.Sizer.ITEMS.defaultQueueSize());
    assertThat(c.extensions().enabled(FileStorageConfig.class)).containsExactly(fs, rel);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      storage not declared      | exporters: {otlp: {endpoint: 'c:1', sending_queue: {storage: file_storage}}}                                                     | exporters.otlp.sending_queue.storage | is not declared under "extensions"
      storage not enabled       | {extensions: {file_storage: {directory: /q}}, exporters: {otlp: {endpoint: 'c:1', sending_queue: {storage: file_storage}}}}      | exporters.otlp.sending_queue.storage | add it to service.extensions
      storage without a queue   | {extensions: {file_storage: {directory: /q}}, service: {extensions: [file_storage]}, exporters: {otlp: {endpoint: 'c:1', sending_queue: {enabled: false, storage: file_storage}}}} | exporters.otlp.sending_queue.storage | the sending queue, which is disabled
      directory missing         | {extensions: {file_storage: {fsync: true}}}                                                                                      | extensions.file_storage.directory    | where exporters keep their queues
      bad permissions           | {extensions: {file_storage: {directory: /q, directory_permissions: '0999'}}}                                                     | extensions.file_storage.directory_permissions | octal mode
      compaction                | {extensions: {file_storage: {directory: /q, compaction: {on_start: true}}}}                                                      | extensions.file_storage.compaction   | never needs compacting
      unknown file_storage key  | {extensions: {file_storage: {directory: /q, fsynk: true}}}                                                                       | extensions.file_storage.fsynk        | did you mean "fsync"
      zero timeout              | {extensions: {file_storage: {directory: /q, timeout: 0s}}}                                                                       | extensions.file_storage.timeout      | greater than 0
      unknown sizer             | exporters: {otlp: {endpoint: 'c:1', sending_queue: {sizer: megabytes}}}                                                          | exporters.otlp.sending_queue.sizer   | requests, items, bytes
      unknown exporter type     | exporters: {kafka: {brokers: [k:9092]}}                                                                                         | exporters.kafka                      | supported: prometheus, otlp, otlphttp, debug
      a named prometheus        | exporters: {prometheus/x: {}}                                                                                                   | exporters.prometheus/x               | one Prometheus endpoint
      a bad exporter id         | exporters: {otlp/: {endpoint: 'c:1'}}                                                                                           | exporters.otlp/                      | name after '/' is empty
      reserved header           | exporters: {otlp: {endpoint: 'c:1', headers: {grpc-timeout: 1S}}}                                                               | exporters.otlp.headers               | reserved for the gRPC protocol
      binary header             | exporters: {otlp: {endpoint: 'c:1', headers: {x-trace-bin: abc}}}                                                               | exporters.otlp.headers               | binary gRPC metadata
      header twice by case      | exporters: {otlp: {endpoint: 'c:1', headers: {X-Tenant: a, x-tenant: b}}}                                                       | exporters.otlp.headers.x-tenant      | names ignore case
      plaintext with a CA       | exporters: {otlp: {endpoint: 'c:1', tls: {insecure: true, ca_file: ca.pem}}}                                                    | exporters.otlp.tls.ca_file           | has no effect
      skip verify with a CA     | exporters: {otlp: {endpoint: 'c:1', tls: {insecure_skip_verify: true, ca_file: ca.pem}}}                                        | exporters.otlp.tls.insecure_skip_verify | exclude each other
      """)
  void problemsAreReportedWithTheirPath(String name, String yaml, String path, String message) {
    assertThat(errors(yaml)).as(name).anySatisfy(e -> assertThat(e).contains(path).contains(message));
  }

  @Test
  void headerValuesNeverAppearInErrors() {
    assertThat(errors("exporters: {otlp: {endpoint: 'c:1', headers: {authorization: \"Bearer s3cr\u00e9t\"}}}"))
        .singleElement().asString().contains("exporters.otlp.headers").doesNotContain("s3cr");
  }

  @Test
  void theRecordRefusesWhatTheBinderReports() {
    OtlpExporterConfig d = OtlpExporterConfig.defaults(new Endpoint("c", 1));
    assertThatThrownBy(() -> d.withHeaders(Map.of("grpc-timeout", "1S"))).hasMessageContaining("grpc-timeout");
    assertThatThrownBy(() -> d.withHeaders(Map.of("X-A", "1", "x-a", "2"))).hasMessageContaining("twice");
    assertThatThrownBy(() -> d.withHeaders(Map.of("x-a", "caf\u00e9"))).hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).hasMessageContaining("timeout");
    assertThatThrownBy(() -> new QueueConfig(false, 1, 1, QueueConfig.Sizer.REQUESTS,
        Optional.of(FileStorageConfig.of(ComponentId.of("file_storage"), Path.of("/q")))))
        .hasMessageContaining("storage");
    assertThatThrownBy(() -> QueueConfig.memory(0, 1)).hasMessageContaining("numConsumers");
    assertThatThrownBy(() -> QueueConfig.memory(1, 0)).hasMessageContaining("queueSize");
    assertThatThrownBy(() -> new ExportersConfig(PrometheusExporterConfig.defaults(), List.of(d, d)))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> FileStorageConfig.of(ComponentId.of("otlp"), Path.of("/q")))
        .hasMessageContaining("file_storage");
  }
}
