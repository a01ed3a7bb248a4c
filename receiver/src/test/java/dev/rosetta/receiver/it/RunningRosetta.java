package dev.rosetta.receiver.it;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaModule;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A Rosetta service on ephemeral loopback ports, for tests. */
final class RunningRosetta implements AutoCloseable {
  final RosettaService service;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  RunningRosetta(String extraYaml) throws Exception {
    this(extraYaml, null);
  }

  /** With some of the wiring replaced ({@code overrides} may be null). */
  RunningRosetta(String extraYaml, com.google.inject.Module overrides) throws Exception {
    this(listeners("max_request_body_size: 1048576", "", "") + extraYaml, overrides, true);
  }

  /** The whole configuration given (listeners on port 0: see {@link #listeners}). */
  private RunningRosetta(String yaml, com.google.inject.Module overrides, boolean whole) throws Exception {
    RosettaConfig config = ConfigLoader.parse(yaml, "test", Map.of());
    service = overrides == null ? Rosetta.create(config)
        : com.google.inject.Guice.createInjector(com.google.inject.util.Modules.override(
            new RosettaModule(config)).with(overrides)).getInstance(RosettaService.class);
    service.start();
  }

  /**
   * Rosetta's own JVM metrics off: for tests that compare whole expositions, which the service's
   * own series (job="rosetta") would make differ.
   */
  static final String NO_OWN_JVM = "service: {telemetry: {metrics: {own_jvm: false}}}\n";

  static RunningRosetta withYaml(String yaml, com.google.inject.Module overrides) throws Exception {
    return new RunningRosetta(yaml, overrides, true);
  }

  /**
   * The three listeners on ephemeral loopback ports, each with further flow-mapping entries (""
   * for none), e.g. {@code listeners("read_header_timeout: 1s", "max_concurrent_streams: 2", "")}.
   */
  static String listeners(String http, String grpc, String prometheus) {
    return """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0"%s}
              http: {endpoint: "127.0.0.1:0"%s}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"%s}
        """.formatted(entries(grpc), entries(http), entries(prometheus));
  }

  private static String entries(String s) {
    return s.isEmpty() ? "" : ", " + s;
  }

  String grpcEndpoint() {
    var a = service.grpcAddress().orElseThrow();
    return "http://127.0.0.1:" + a.getPort();
  }

  int grpcPort() {
    return service.grpcAddress().orElseThrow().getPort();
  }

  int httpPort() {
    return service.httpAddress().orElseThrow().getPort();
  }

  String httpBase() {
    var a = service.httpAddress().orElseThrow();
    return "http://127.0.0.1:" + a.getPort();
  }

  String metricsBase() {
    return "http://127.0.0.1:" + service.metricsAddress().getPort();
  }

  String scrape() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(metricsBase() + "/metrics")).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Override
  public void close() {
    service.stop();
  }
}
