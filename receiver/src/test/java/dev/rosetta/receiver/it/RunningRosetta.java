package dev.rosetta.receiver.it;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
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
    String yaml = """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0"}
              http: {endpoint: "127.0.0.1:0", max_request_body_size: 1048576}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        """ + extraYaml;
    service = Rosetta.create(ConfigLoader.parse(yaml, "test", Map.of()));
    service.start();
  }

  String grpcEndpoint() {
    var a = service.grpcAddress().orElseThrow();
    return "http://127.0.0.1:" + a.getPort();
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
