package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** Both OTLP listeners serve TLS with the configured certificate. */
class ReceiverTlsTest {
  static final Path PKI = Path.of("src/test/resources/tls").toAbsolutePath();

  @Test
  void grpcAndHttpListenersServeTls() throws Exception {
    String yaml = """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/server.pem", key_file: "%1$s/server.key"}}
              http: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/server.pem", key_file: "%1$s/server.key"}}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        """.formatted(PKI);
    RosettaService svc = Rosetta.create(ConfigLoader.parse(yaml, "tls-test", Map.of()));
    svc.start();
    try {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", svc.grpcAddress().orElseThrow().getPort())
          .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient()
              .trustManager(new File(PKI.toFile(), "ca.pem"))).build())
          .build();
      try {
        var resp = MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(StatusTableTest.valid(2, false));
        assertThat(resp.hasPartialSuccess()).isFalse();
      } finally {
        ch.shutdownNow();
      }

      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = new FileInputStream(PKI.resolve("ca.pem").toFile())) {
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<byte[]> r = https.send(HttpRequest.newBuilder(URI.create("https://localhost:"
              + svc.httpAddress().orElseThrow().getPort() + "/v1/metrics"))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(StatusTableTest.valid(2, false).toByteArray()))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
    } finally {
      svc.stop();
    }
  }
}
