package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.it.TlsClients.Identity;
import dev.rosetta.receiver.telemetry.SecurityMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate, key and client CA files are re-read when they change: new connections get the new
 * certificate on every listener without a restart; a certificate renewed without its key is not
 * taken until the key follows; a new client CA decides the next handshakes.
 */
class TlsReloadTest {
  @TempDir Path dir;
  RosettaService rosetta;

  @BeforeEach
  void start() throws Exception {
    copy("server.pem", "tls.crt");
    copy("server.key", "tls.key");
    copy("ca.pem", "clients.pem");
    rosetta = AuthClients.start("""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/tls.crt", key_file: "%1$s/tls.key",
                     client_ca_file: "%1$s/clients.pem"}}
              http: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/tls.crt", key_file: "%1$s/tls.key",
                     client_ca_file: "%1$s/clients.pem"}}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0", tls: {cert_file: "%1$s/tls.crt", key_file: "%1$s/tls.key"}}
        """.formatted(dir));
  }

  @AfterEach
  void stop() {
    rosetta.stop();
  }

  void copy(String from, String to) throws IOException {
    // write beside and move into place, as a renewal tool does
    Path tmp = dir.resolve(to + ".new");
    Files.copy(TlsClients.PKI.resolve(from), tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, dir.resolve(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  SecurityMetrics security() {
    return rosetta.components().security().metrics();
  }

  static <T> T await(String what, Callable<T> probe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    T last = null;
    Exception error = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.call();
        error = null;
        if (done.test(last)) {
          return last;
        }
      } catch (Exception e) {
        error = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what + "; last: " + last, error);
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsOnEveryListener() throws Exception {
    SSLContext client = TlsClients.context(Optional.of(Identity.CLIENT), "ca.pem", "other-ca.pem");
    int[] ports = {AuthClients.grpcPort(rosetta), AuthClients.httpPort(rosetta), rosetta.metricsAddress().getPort()};
    for (int port : ports) {
      assertThat(TlsClients.serverSubject(port, client)).isEqualTo("CN=rosetta-server");
    }
    double failures = security().reloads("tls:otlp_http", "failure");

    // the certificate alone: it does not match the key in force, so the old pair stays
    copy("other-server.pem", "tls.crt");
    await("the mismatched certificate refused", () -> security().reloads("tls:otlp_http", "failure"),
        n -> n > failures);
    for (int port : ports) {
      assertThat(TlsClients.serverSubject(port, client)).as("port %d keeps its pair", port)
          .isEqualTo("CN=rosetta-server");
    }

    // then its key (a SEC1 "EC PRIVATE KEY"): the new pair is served
    copy("other-server.key", "tls.key");
    for (int port : ports) {
      await("port " + port + " serving the new certificate", () -> TlsClients.serverSubject(port, client),
          "CN=rosetta-other-server"::equals);
    }
    assertThat(security().reloads("tls:otlp_grpc", "success")).isPositive();
    assertThat(security().reloads("tls:exposition", "success")).isPositive();
  }

  @Test
  void aNewClientCaDecidesTheNextHandshakes() throws Exception {
    SSLContext ours = TlsClients.context(Optional.of(Identity.CLIENT), "ca.pem");
    SSLContext theirs = TlsClients.context(Optional.of(Identity.OTHER_CLIENT), "ca.pem");
    int port = AuthClients.httpPort(rosetta);
    assertThat(TlsRefusalTestSupport.post(port, ours)).isEqualTo(200);
    assertThatThrownBy(() -> TlsRefusalTestSupport.post(port, theirs)).isInstanceOf(IOException.class);

    copy("other-ca.pem", "clients.pem");
    await("the other CA's client accepted", () -> TlsRefusalTestSupport.post(port, theirs), s -> s == 200);
    assertThatThrownBy(() -> TlsRefusalTestSupport.post(port, ours)).isInstanceOf(IOException.class);
  }
}
