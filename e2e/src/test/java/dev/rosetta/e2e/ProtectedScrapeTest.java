package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes {@code /metrics} protected as Prometheus's own web configuration
 * allows: one Rosetta serves https with {@code basicauth} (a bcrypt htpasswd file), another serves
 * https with mutual TLS and {@code bearertokenauth} (a token file). The jobs with the right
 * credentials are up and store Rosetta's series; those with a wrong password, a wrong token or no
 * client certificate are down with the refusal (401, 403) as their scrape error, and Rosetta counts
 * them.
 */
@ExtendWith(PeerLogs.class)
class ProtectedScrapeTest {
  static final Path PKI = Peers.moduleDir().resolve("../receiver/src/test/resources/tls").normalize();
  static final String PASSWORD = "scrape-" + UUID.randomUUID();
  static final String TOKEN = "token-" + UUID.randomUUID();

  @TempDir static Path tmp;
  static RosettaProcess basic;
  static RosettaProcess bearer;
  static PrometheusProcess prometheus;

  static HttpClient trustingTheTestCa() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(PKI.resolve("ca.pem"))) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(2)).build();
  }

  @BeforeAll
  static void start() throws Exception {
    Peers.prometheus();
    Files.writeString(tmp.resolve("htpasswd"),
        "prometheus:" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(5, PASSWORD.toCharArray()) + "\n");
    Files.writeString(tmp.resolve("token"), TOKEN + "\n");
    Files.writeString(tmp.resolve("password"), PASSWORD);
    Files.writeString(tmp.resolve("wrong-password"), "not-" + PASSWORD);
    Files.writeString(tmp.resolve("wrong-token"), "not-" + TOKEN);
    HttpClient https = trustingTheTestCa();
    String serverTls = "tls: {cert_file: \"%1$s/server.pem\", key_file: \"%1$s/server.key\"".formatted(PKI);

    basic = RosettaProcess.start(ProtectedScrapeTest.class, "basic", tmp, RosettaProcess.Ports.free(), "",
        """
        extensions:
          basicauth/scrape: {htpasswd: {file: "%s"}}
        service:
          extensions: [basicauth/scrape]
        """.formatted(tmp.resolve("htpasswd")),
        serverTls + "}, auth: {authenticator: basicauth/scrape}", https, "https");
    bearer = RosettaProcess.start(ProtectedScrapeTest.class, "bearer", tmp, RosettaProcess.Ports.free(), "",
        """
        extensions:
          bearertokenauth: {filename: "%s"}
        service:
          extensions: [bearertokenauth]
        """.formatted(tmp.resolve("token")),
        serverTls + ", client_ca_file: \"" + PKI.resolve("ca.pem") + "\"}, auth: {authenticator: bearertokenauth}",
        https, "https");

    String ca = PKI.resolve("ca.pem").toString();
    String jobs = """
          - job_name: basic
            scrape_interval: 5s
            scrape_timeout: 5s
            scheme: https
            tls_config: {ca_file: "%1$s"}
            basic_auth: {username: prometheus, password_file: "%2$s/password"}
            static_configs: [{targets: ["%3$s"]}]
          - job_name: basic-wrong-password
            scrape_interval: 5s
            scrape_timeout: 5s
            scheme: https
            tls_config: {ca_file: "%1$s"}
            basic_auth: {username: prometheus, password_file: "%2$s/wrong-password"}
            static_configs: [{targets: ["%3$s"]}]
          - job_name: bearer
            scrape_interval: 5s
            scrape_timeout: 5s
            scheme: https
            tls_config: {ca_file: "%1$s", cert_file: "%5$s/client.pem", key_file: "%5$s/client.key"}
            authorization: {credentials_file: "%2$s/token"}
            static_configs: [{targets: ["%4$s"]}]
          - job_name: bearer-wrong-token
            scrape_interval: 5s
            scrape_timeout: 5s
            scheme: https
            tls_config: {ca_file: "%1$s", cert_file: "%5$s/client.pem", key_file: "%5$s/client.key"}
            authorization: {credentials_file: "%2$s/wrong-token"}
            static_configs: [{targets: ["%4$s"]}]
          - job_name: bearer-no-client-certificate
            scrape_interval: 5s
            scrape_timeout: 5s
            scheme: https
            tls_config: {ca_file: "%1$s"}
            authorization: {credentials_file: "%2$s/token"}
            static_configs: [{targets: ["%4$s"]}]
        """.formatted(ca, tmp, basic.metricsTarget(), bearer.metricsTarget(), PKI);
    prometheus = PrometheusProcess.startWithScrapeConfigs(ProtectedScrapeTest.class, tmp.resolve("prometheus"), jobs);
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    for (RosettaProcess r : new RosettaProcess[] {basic, bearer}) {
      if (r != null) {
        r.stopCleanly();
      }
    }
  }

  /** Every job up or down as expected, the refused ones with their refusal as the scrape error. */
  static boolean expected(Map<String, PrometheusProcess.Target> t) {
    return t.size() == 5
        && t.get("basic").health().equals("up") && t.get("bearer").health().equals("up")
        && t.get("basic-wrong-password").lastError().contains("401 Unauthorized")
        && t.get("bearer-wrong-token").lastError().contains("401 Unauthorized")
        // the handshake lets a scraper without certificate through (kubelet probes need /healthz); /metrics does not
        && t.get("bearer-no-client-certificate").lastError().contains("403 Forbidden");
  }

  static Map<String, PrometheusProcess.Target> settledTargets() {
    return Await.until("each job up, or down with its refusal", Duration.ofSeconds(90), () -> prometheus.targets(),
        ProtectedScrapeTest::expected);
  }

  @Test
  void theRightCredentialsScrapeOverTls() {
    Map<String, PrometheusProcess.Target> targets = settledTargets();
    assertThat(targets.get("basic").health()).as("basic: %s", targets.get("basic")).isEqualTo("up");
    assertThat(targets.get("bearer").health()).as("bearer: %s", targets.get("bearer")).isEqualTo("up");
    assertThat(prometheus.awaitSingle("max_over_time(up{job=\"basic\"}[1m])")).isEqualTo(1.0);
    assertThat(prometheus.awaitSingle("max_over_time(up{job=\"bearer\"}[1m])")).isEqualTo(1.0);
    assertThat(prometheus.awaitSingle("rosetta_config_last_reload_successful{job=\"bearer\"}")).isEqualTo(1.0);
  }

  @Test
  void wrongCredentialsAreRefusedAndCounted() {
    Map<String, PrometheusProcess.Target> targets = settledTargets();
    assertThat(targets.get("basic-wrong-password").health()).isEqualTo("down");
    assertThat(targets.get("bearer-wrong-token").health()).isEqualTo("down");
    assertThat(targets.get("bearer-no-client-certificate").health()).isEqualTo("down");
    // the refusals, as the scrapes with the right credentials store them
    assertThat(Await.until("Rosetta counting the refused scrapes", PrometheusProcess.QUERY_DEADLINE,
        () -> prometheus.query("rosetta_auth_failures_total{job=\"basic\",listener=\"exposition\",reason=\"invalid\"}"),
        r -> r.size() == 1 && r.get(0).value() > 0)).isNotEmpty();
    assertThat(Await.until("Rosetta counting the scrapes without client certificate", PrometheusProcess.QUERY_DEADLINE,
        () -> prometheus.query("rosetta_auth_failures_total{job=\"bearer\",reason=\"client_certificate\"}"),
        r -> r.size() == 1 && r.get(0).value() > 0)).isNotEmpty();
  }

  @Test
  void noCredentialIsInTheLogsOrTheExposition() throws Exception {
    settledTargets();
    for (RosettaProcess r : new RosettaProcess[] {basic, bearer}) {
      assertThat(r.logText()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }
    assertThat(prometheus.query("{__name__=~\"rosetta_.*\"}").toString()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
  }
}
