package dev.rosetta.receiver.it;

import static dev.rosetta.receiver.it.AuthClients.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.it.TlsClients.Identity;
import dev.rosetta.receiver.telemetry.SecurityMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS listeners refuse what they must, promptly: a client that does not speak TLS (a plaintext
 * HTTP request gets a plaintext 400 and the connection closes; a plaintext gRPC client fails at
 * once, not at its deadline), and with mutual TLS, a client without a certificate or with one the
 * client CA does not vouch for. Each refusal is counted.
 */
class TlsRefusalTest {
  static RosettaService rosetta;

  @BeforeAll
  static void start() throws Exception {
    rosetta = AuthClients.start("""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/server.pem", key_file: "%1$s/server.key",
                     client_ca_file: "%1$s/ca.pem"}}
              http: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/server.pem", key_file: "%1$s/server.key",
                     client_ca_file: "%1$s/ca.pem"}}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/server.pem", key_file: "%1$s/server.key",
                       client_ca_file: "%1$s/ca.pem"}}
        """.formatted(TlsClients.PKI));
  }

  @AfterAll
  static void stop() {
    if (rosetta != null) {
      rosetta.stop();
    }
  }

  static SecurityMetrics security() {
    return rosetta.components().security().metrics();
  }

  static int httpPort() {
    return AuthClients.httpPort(rosetta);
  }

  static HttpResponse<String> postOverTls(SSLContext ctx) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpPort() + "/v1/metrics"))
        .header("Content-Type", "application/x-protobuf").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(StatusTableTest.valid(1, false).toByteArray())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPlaintextHttpRequestGetsA400AndTheConnectionCloses() throws Exception {
    for (String listener : new String[] {"otlp_http", "exposition"}) {
      int port = listener.equals("exposition") ? rosetta.metricsAddress().getPort() : httpPort();
      double before = security().handshakeFailures(listener, "plaintext");
      long t0 = System.nanoTime();
      AuthClients.Raw r = AuthClients.exchange(port, ascii("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
          Duration.ofSeconds(10));
      assertThat(r.statusLine()).as(listener).isEqualTo("HTTP/1.1 400 Bad Request");
      assertThat(r.text()).contains("this port serves TLS: use https://");
      assertThat(r.closed()).as(listener + " closes the connection").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(security().handshakeFailures(listener, "plaintext")).isEqualTo(before + 1);
    }
    // bytes that are neither TLS nor HTTP: closed without an answer
    AuthClients.Raw r = AuthClients.exchange(httpPort(), new byte[] {0, 1, 2, 3}, Duration.ofSeconds(10));
    assertThat(r.text()).isEmpty();
    assertThat(r.closed()).isTrue();
  }

  @Test
  void aPlaintextGrpcClientFailsAtOnce() throws Exception {
    ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", AuthClients.grpcPort(rosetta))
        .usePlaintext().build();
    try {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> MetricsServiceGrpc.newBlockingStub(plain).withDeadlineAfter(20, TimeUnit.SECONDS)
          .export(StatusTableTest.valid(1, false)))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("refused, not left to time out")
          .isLessThan(Duration.ofSeconds(5));
    } finally {
      plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void mutualTlsOnHttpTakesOnlyCertificatesOfTheClientCa() throws Exception {
    assertThat(postOverTls(TlsClients.context(Optional.of(Identity.CLIENT), "ca.pem")).statusCode())
        .isEqualTo(200);
    double before = security().handshakeFailures("otlp_http", "client_certificate");
    assertThatThrownBy(() -> postOverTls(TlsClients.context(Optional.of(Identity.OTHER_CLIENT), "ca.pem")))
        .as("a certificate of another CA").isInstanceOf(IOException.class);
    assertThatThrownBy(() -> postOverTls(TlsClients.context(Optional.empty(), "ca.pem")))
        .as("no certificate").isInstanceOf(IOException.class);
    assertThat(security().handshakeFailures("otlp_http", "client_certificate")).isEqualTo(before + 2);
  }

  @Test
  void mutualTlsOnGrpcTakesOnlyCertificatesOfTheClientCa() throws Exception {
    ManagedChannel good = TlsClients.grpc(AuthClients.grpcPort(rosetta), Optional.of(Identity.CLIENT), "ca.pem");
    ManagedChannel other = TlsClients.grpc(AuthClients.grpcPort(rosetta), Optional.of(Identity.OTHER_CLIENT), "ca.pem");
    try {
      assertThat(MetricsServiceGrpc.newBlockingStub(good).withDeadlineAfter(10, TimeUnit.SECONDS)
          .export(StatusTableTest.valid(1, false)).hasPartialSuccess()).isFalse();
      double before = security().handshakeFailures("otlp_grpc", "client_certificate");
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> MetricsServiceGrpc.newBlockingStub(other).withDeadlineAfter(20, TimeUnit.SECONDS)
          .export(StatusTableTest.valid(1, false)))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(security().handshakeFailures("otlp_grpc", "client_certificate")).isGreaterThan(before);
    } finally {
      good.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static HttpResponse<String> getExposition(String path, Optional<Identity> identity) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.context(identity, "ca.pem")).build();
    return client.send(HttpRequest.newBuilder(
        URI.create("https://localhost:" + rosetta.metricsAddress().getPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theExpositionWithMutualTlsKeepsItsProbesOpen() throws Exception {
    // kubelet probes carry no client certificate: the handshake lets them through to /healthz and /readyz
    assertThat(getExposition("/healthz", Optional.empty()).statusCode()).isEqualTo(200);
    assertThat(getExposition("/readyz", Optional.empty()).statusCode()).isEqualTo(200);
    double before = security().authFailures("exposition", "client_certificate");
    HttpResponse<String> refused = getExposition("/metrics", Optional.empty());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("a client certificate is required\n");
    assertThat(security().authFailures("exposition", "client_certificate")).isEqualTo(before + 1);
    // a certificate that is presented must be valid, on every path
    assertThatThrownBy(() -> getExposition("/healthz", Optional.of(Identity.OTHER_CLIENT)))
        .isInstanceOf(IOException.class);

    HttpResponse<String> r = getExposition("/metrics", Optional.of(Identity.CLIENT));
    assertThat(r.statusCode()).isEqualTo(200);
    long notAfter = TlsClients.certificates("server.pem").get(0).getNotAfter().getTime() / 1000;
    assertThat(r.body()).contains("rosetta_tls_certificate_expiry_timestamp_seconds{listener=\"exposition\",} "
        + (double) notAfter);
  }
}
