package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code processors.memory_limiter}, and the connection settings of the listeners. */
class ServerSettingsConfigTest {
  private static RosettaConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "c.yaml", Map.of(), FileCheck.none());
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
  void memoryLimiterTakesTheCollectorsKeys() throws ConfigException {
    MemoryLimiterConfig m = parse("""
        processors:
          memory_limiter: {check_interval: 2s, limit_mib: 4000, spike_limit_mib: 800}
        """).processors().memoryLimiter();
    assertThat(m.checkInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(m.limitMib()).isEqualTo(4000);
    assertThat(m.spikeLimitMib()).isEqualTo(800);
    MemoryLimiterConfig p = parse("processors: {memory_limiter/main: {limit_percentage: 75,"
        + " spike_limit_percentage: 15}}").processors().memoryLimiter();
    assertThat(p.id()).isEqualTo(new ComponentId("memory_limiter", "main"));
    assertThat(p.limitPercentage()).isEqualTo(75);
    assertThat(p.spikeLimitPercentage()).isEqualTo(15);
    assertThat(p.checkInterval()).as("default").isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void withoutAMemoryLimiterTheDefaultsAreInForce() throws ConfigException {
    assertThat(parse("").processors().memoryLimiter()).isEqualTo(MemoryLimiterConfig.defaults());
  }

  @Test
  void memoryLimiterMistakesAreNamed() {
    assertThat(errors("processors: {memory_limiter: {check_interval: 1s}}"))
        .singleElement().asString().contains("processors.memory_limiter")
        .contains("limit_mib or limit_percentage must be greater than zero");
    assertThat(errors("processors: {memory_limiter: {limit_mib: 100, spike_limit_mib: 100}}"))
        .singleElement().asString().contains("processors.memory_limiter.spike_limit_mib")
        .contains("must be smaller than limit_mib (100)");
    assertThat(errors("processors: {memory_limiter: {limit_percentage: 50, spike_limit_percentage: 60}}"))
        .singleElement().asString().contains("spike_limit_percentage").contains("smaller than limit_percentage");
    assertThat(errors("processors: {memory_limiter: {limit_percentage: 101}}"))
        .singleElement().asString().contains("limit_percentage").contains("101");
    assertThat(errors("processors: {memory_limiter: {limit_mib: 10, check_interval: 0s}}"))
        .singleElement().asString().contains("check_interval").contains("greater than 0");
    assertThat(errors("processors: {memory_limiter: {limit_mib: 10}, memory_limiter/b: {limit_mib: 20}}"))
        .singleElement().asString().contains("declare one memory_limiter, not 2 (memory_limiter, memory_limiter/b)");
    assertThat(errors("processors: {memory_limiter: {limit_mib: 10, limit_gib: 1}}"))
        .singleElement().asString().contains("limit_gib");
  }

  @Test
  void httpConnectionSettings() throws ConfigException {
    RosettaConfig c = parse("""
        receivers:
          otlp:
            protocols:
              http: {max_connections: 100, read_header_timeout: 2s, read_timeout: 30s, write_timeout: 5s,
                     idle_timeout: 90s}
        exporters:
          prometheus: {max_connections: 8, idle_timeout: 5m}
        """);
    HttpServerSettings h = c.receivers().otlp().http().orElseThrow().server();
    assertThat(h).isEqualTo(new HttpServerSettings(100, Duration.ofSeconds(2), Duration.ofSeconds(30),
        Duration.ofSeconds(5), Duration.ofSeconds(90)));
    HttpServerSettings p = c.exporters().prometheus().server();
    assertThat(p.maxConnections()).isEqualTo(8);
    assertThat(p.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.readHeaderTimeout()).isEqualTo(HttpServerSettings.DEFAULT_READ_HEADER_TIMEOUT);
    assertThat(parse("").receivers().otlp().http().orElseThrow().server()).isEqualTo(HttpServerSettings.defaults());
    assertThat(errors("receivers: {otlp: {protocols: {http: {read_header_timeout: 0s}}}}"))
        .singleElement().asString().contains("read_header_timeout").contains("greater than 0");
    assertThat(errors("receivers: {otlp: {protocols: {http: {max_connections: 0}}}}"))
        .singleElement().asString().contains("max_connections");
  }

  @Test
  void grpcStreamsConnectionsAndKeepalive() throws ConfigException {
    GrpcReceiverConfig g = parse("""
        receivers:
          otlp:
            protocols:
              grpc:
                max_concurrent_streams: 16
                max_connections: 200
                keepalive:
                  server_parameters: {max_connection_idle: 11s, max_connection_age: 12s,
                                      max_connection_age_grace: 13s, time: 14s, timeout: 15s}
                  enforcement_policy: {min_time: 16s, permit_without_stream: false}
        """).receivers().otlp().grpc().orElseThrow();
    assertThat(g.maxConcurrentStreams()).isEqualTo(16);
    assertThat(g.maxConnections()).isEqualTo(200);
    assertThat(g.keepalive()).isEqualTo(new GrpcKeepaliveConfig(Duration.ofSeconds(11), Duration.ofSeconds(12),
        Duration.ofSeconds(13), Duration.ofSeconds(14), Duration.ofSeconds(15), Duration.ofSeconds(16), false));
    GrpcReceiverConfig d = parse("").receivers().otlp().grpc().orElseThrow();
    assertThat(d.maxConcurrentStreams()).isEqualTo(GrpcReceiverConfig.DEFAULT_MAX_CONCURRENT_STREAMS);
    assertThat(d.keepalive()).isEqualTo(GrpcKeepaliveConfig.defaults());
    assertThat(errors("receivers: {otlp: {protocols: {grpc: {keepalive: {server_parameters: {tiem: 1s}}}}}}"))
        .singleElement().asString().contains("keepalive.server_parameters.tiem");
    assertThat(errors("receivers: {otlp: {protocols: {grpc: {keepalive: {server_parameters: {timeout: 0s}}}}}}"))
        .singleElement().asString().contains("keepalive.server_parameters.timeout");
  }
}
