package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.forward.ForwarderSettings.Batch;
import dev.rosetta.receiver.forward.ForwarderSettings.Retry;
import dev.rosetta.receiver.forward.ForwarderSettings.Tls;
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

/** The forwarder over its own Netty channel to a sink on a loopback port: plaintext, gzip, TLS. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OtlpForwarderNettyTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private OtlpSink sink;
  private OtlpForwarder forwarder;

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
      return Path.of(OtlpForwarderNettyTest.class.getResource("/tls/" + file).toURI());
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

  private ForwarderSettings.Builder settings(String target) {
    return ForwarderSettings.builder(target)
        .timeout(Duration.ofSeconds(5))
        .numConsumers(1)
        .retry(Retry.disabled())
        .batch(new Batch(1, 0, Duration.ZERO));
  }

  private void start(ForwarderSettings settings) {
    forwarder = OtlpForwarder.create(settings, new CollectorRegistry());
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

  private static Tls caTrust(Optional<String> serverName) {
    return new Tls(Optional.of(tls("ca.pem")), Optional.empty(), Optional.empty(), false, serverName);
  }

  @Test
  void plaintextWithGzipAndHeaders() {
    sink = OtlpSink.netty(Optional.empty());
    start(
        settings(sink.target())
            .plaintext(true)
            .gzip(true)
            .headers(Map.of("x-tenant", "acme"))
            .build());
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
    start(settings(sink.target()).tls(caTrust(Optional.empty())).build());

    assertDelivered(offerOne());
  }

  @Test
  void serverNameOverrideIsUsedForVerification() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    start(settings(sink.target()).tls(caTrust(Optional.of("rosetta.test"))).build());

    assertDelivered(offerOne());
  }

  @Test
  void aNameTheCertificateDoesNotHoldFailsVerification() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    start(settings(sink.target()).tls(caTrust(Optional.of("elsewhere.test"))).build());
    offerOne();

    assertNotDelivered();
  }

  @Test
  void anUntrustedServerFailsVerification() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    start(settings(sink.target()).build()); // JVM trust store: does not know the test CA
    offerOne();

    assertNotDelivered();
  }

  @Test
  void insecureSkipVerifyAcceptsAnyCertificateAndName() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(false)));
    Tls insecure =
        new Tls(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            true,
            Optional.of("elsewhere.test"));
    start(settings(sink.target()).tls(insecure).build());

    assertDelivered(offerOne());
  }

  @Test
  void mutualTlsPresentsTheClientCertificate() throws Exception {
    sink = OtlpSink.netty(Optional.of(serverTls(true)));
    Tls mtls =
        new Tls(
            Optional.of(tls("ca.pem")),
            Optional.of(tls("client.pem")),
            Optional.of(tls("client.key")),
            false,
            Optional.empty());
    start(settings(sink.target()).tls(mtls).build());

    assertDelivered(offerOne());
  }

  @Test
  void missingTlsFileIsReportedWithItsSetting() {
    Tls missing =
        new Tls(
            Optional.of(Path.of("/nonexistent/ca.pem")),
            Optional.empty(),
            Optional.empty(),
            false,
            Optional.empty());
    ForwarderSettings s = settings("localhost:4317").tls(missing).build();
    assertThatThrownBy(() -> OtlpForwarder.create(s, new CollectorRegistry()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("tls.caFile")
        .hasMessageContaining("/nonexistent/ca.pem");
  }

  @Test
  void unreachableDownstreamIsUnavailable() {
    // a port nobody listens on: bind one, remember it, close it
    sink = OtlpSink.netty(Optional.empty());
    String target = sink.target();
    sink.close();
    sink = null;
    start(settings(target).plaintext(true).build());
    assertThat(forwarder.offer(OtlpRequests.allKinds("x", 2))).isTrue();

    assertThat(OtlpSink.await(() -> forwarder.stats().totalDroppedPoints() == 12, WAIT)).isTrue();
    assertThat(forwarder.stats().droppedPoints(DropReason.RETRIES_EXHAUSTED)).isEqualTo(12);
    assertThat(forwarder.stats().failedRequests(Status.Code.UNAVAILABLE)).isEqualTo(1);
  }
}
