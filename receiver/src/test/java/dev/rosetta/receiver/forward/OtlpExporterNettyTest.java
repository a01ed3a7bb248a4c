package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.config.BatchConfig;
import dev.rosetta.receiver.config.Compression;
import dev.rosetta.receiver.config.Endpoint;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.QueueConfig;
import dev.rosetta.receiver.config.TlsClientConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.testing.OtlpRequests;
import dev.rosetta.receiver.testing.OtlpSink;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.client.CollectorRegistry;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An exporter over its own Netty channel to a sink on a loopback port: plaintext, gzip, TLS. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OtlpExporterNettyTest {
  // generous: the first TLS handshake of a JVM on a busy machine takes seconds
  private static final Duration WAIT = Duration.ofSeconds(30);

  private OtlpSink sink;
  private OtlpExporter forwarder;

  @AfterEach
  void tearDown() {
    if (forwarder != null) {
      forwarder.shutdown(Duration.ofSeconds(5));
      assertThat(forwarder.stats().unaccountedPoints()).isZero();
      assertThat(forwarder.stats().inFlightPoints()).isZero();
    }
    if (sink != null) {
      sink.close();
    }
  }

  private static Path tls(String file) {
    try {
      return Path.of(OtlpExporterNettyTest.class.getResource("/tls/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SslContext serverTls(boolean requireClientCert) throws Exception {
    SslContextBuilder b =
        GrpcSslContexts.forServer(tls("server.pem").toFile(), tls("server.key").toFile());
    if (requireClientCert) {
      b.trustManager(tls("ca.pem").toFile()).clientAuth(ClientAuth.REQUIRE);
    }
    return b.build();
  }

  private OtlpExporterConfig settings(String target) {
    return OtlpExporterConfig.defaults(Endpoint.parse(target))
        .withCompression(Compression.NONE)
        .withTimeout(Duration.ofSeconds(25))
        .withSendingQueue(QueueConfig.memory(1, 1000))
        .withRetryOnFailure(OtlpExporterTest.noRetry())
        .withBatch(new BatchConfig(1, 0, Duration.ZERO));
  }

  private void start(OtlpExporterConfig settings) throws Exception {
    forwarder = OtlpExporter.create(settings, new ExporterMetrics(new CollectorRegistry()), new ServiceHealth());
  }

  private ExportMetricsServiceRequest offerOne() {
    ExportMetricsServiceRequest r = OtlpRequests.allKinds("netty", 2);
    assertThat(forwarder.offer(r)).isTrue();
    return r;
  }

  private void assertDelivered(ExportMetricsServiceRequest r) {
    assertThat(sink.awaitAcceptedPoints(12, WAIT)).isTrue();
    assertThat(sink.acceptedRequests()).containsExactly(r);
    // the sink records a call before it answers: wait for the answer to come back
    assertThat(OtlpSink.await(() -> forwarder.stats().sentPoints() == 12, WAIT)).isTrue();
  }

  private void assertNotDelivered() {
    assertThat(OtlpSink.await(() -> forwarder.stats().totalDroppedPoints() == 12, WAIT)).isTrue();
    assertThat(forwarder.stats().droppedPoints(DropReason.RETRIES_EXHAUSTED)).isEqualTo(12);
    assertThat(forwarder.stats().failedRequests(Status.Code.UNAVAILABLE)).isEqualTo(1);
    assertThat(sink.accepted()).isEmpty();
  }

  private static TlsClientConfig caTrust(Optional<String> serverName) {
    return new TlsClientConfig(false, Optional.of(tls("ca.pem")), Optional.empty(), Optional.empty(), false,
        serverName);
  }

  @Test
  void plaintextWithGzipAndHeaders() throws Exception {
    sink = OtlpSink.netty(Optional.empty());
    start(
        settings(sink.target())
            .withTls(TlsClientConfig.plaintext())
            .withCompression(Compression.GZIP)
            .withHeaders(Map.of("x-tenant", "acme")));
    ExportMetricsServiceRequest r = offerOne();

    assertDelivered(r);
    OtlpSink.Call call = sink.calls().get(0);
    assertThat(call.header("grpc-encoding")).contains("gzip");
    assertThat(call.header("x-tenant")).contains("acme");
    assertThat(call.header("user-agent")).hasValueSatisfying(ua -> assertThat(ua).startsWith("rosetta"));
  }

  @Test
  void tlsVerifiedAgainstTheConfiguredCa() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    start(settings(sink.target()).withTls(caTrust(Optional.empty())));

    assertDelivered(offerOne());
  }

  @Test
  void serverNameOverrideIsUsedForVerification() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    start(settings(sink.target()).withTls(caTrust(Optional.of("rosetta.test"))));

    assertDelivered(offerOne());
  }

  @Test
  void aNameTheCertificateDoesNotHoldFailsVerification() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    start(settings(sink.target()).withTls(caTrust(Optional.of("elsewhere.test"))));
    offerOne();

    assertNotDelivered();
  }

  @Test
  void anUntrustedServerFailsVerification() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    start(settings(sink.target())); // JVM trust store: does not know the test CA
    offerOne();

    assertNotDelivered();
  }

  @Test
  void insecureSkipVerifyAcceptsAnyCertificateAndName() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    TlsClientConfig insecure =
        new TlsClientConfig(
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            true,
            Optional.of("elsewhere.test"));
    start(settings(sink.target()).withTls(insecure));

    assertDelivered(offerOne());
  }

  @Test
  void mutualTlsPresentsTheClientCertificate() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(true)));
    TlsClientConfig mtls =
        new TlsClientConfig(
            false,
            Optional.of(tls("ca.pem")),
            Optional.of(tls("client.pem")),
            Optional.of(tls("client.key")),
            false,
            Optional.empty());
    start(settings(sink.target()).withTls(mtls));

    assertDelivered(offerOne());
  }

  @Test
  void missingTlsFileIsReportedWithItsSetting() {
    TlsClientConfig missing =
        new TlsClientConfig(
            false,
            Optional.of(Path.of("/nonexistent/ca.pem")),
            Optional.empty(),
            Optional.empty(),
            false,
            Optional.empty());
    OtlpExporterConfig s = settings("localhost:4317").withTls(missing);
    assertThatThrownBy(() -> OtlpExporter.create(s, new ExporterMetrics(new CollectorRegistry()), new ServiceHealth()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("tls.ca_file")
        .hasMessageContaining("/nonexistent/ca.pem");
  }

  @Test
  void unreachableDownstreamIsUnavailable() throws Exception {
    // a port nobody listens on: bind one, remember it, close it
    sink = OtlpSink.netty(Optional.empty());
    String target = sink.target();
    sink.close();
    sink = null;
    start(settings(target).withTls(TlsClientConfig.plaintext()));
    assertThat(forwarder.offer(OtlpRequests.allKinds("x", 2))).isTrue();

    assertThat(OtlpSink.await(() -> forwarder.stats().totalDroppedPoints() == 12, WAIT)).isTrue();
    assertThat(forwarder.stats().droppedPoints(DropReason.RETRIES_EXHAUSTED)).isEqualTo(12);
    assertThat(forwarder.stats().failedRequests(Status.Code.UNAVAILABLE)).isEqualTo(1);
  }
}
