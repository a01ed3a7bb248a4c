package dev.rosetta.receiver.telemetry;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rosetta's own metrics for authentication and TLS, on the registry {@code /metrics} exposes:
 * requests refused for their credentials, failed TLS handshakes, reloads of credential files and
 * the expiry of each listener's certificate. Labels never hold a credential. Thread-safe.
 */
public final class SecurityMetrics {
  private final LabelledCounter authFailures = new LabelledCounter("rosetta_auth_failures",
      "Requests refused by an authenticator, by listener (otlp_grpc, otlp_http, exposition) and reason"
          + " (missing, malformed, invalid, busy).", "listener", "reason");
  private final LabelledCounter handshakeFailures = new LabelledCounter("rosetta_tls_handshake_failures",
      "TLS connections refused, by listener and reason (plaintext: a client that does not speak TLS;"
          + " client_certificate: a client certificate that the client CA does not vouch for; handshake: any"
          + " other handshake failure).", "listener", "reason");
  private final LabelledCounter reloads = new LabelledCounter("rosetta_credentials_reloads",
      "Reloads of changed credential files (token, htpasswd, TLS certificate, key, client CA), by source"
          + " and result (success, failure: the previous content stays in force).", "source", "result");
  private final Map<String, Double> certificateExpiry = new ConcurrentHashMap<>();

  public SecurityMetrics(CollectorRegistry registry) {
    registry.register(authFailures);
    registry.register(handshakeFailures);
    registry.register(reloads);
    registry.register(new Collector() {
      @Override
      public List<MetricFamilySamples> collect() {
        GaugeMetricFamily g = new GaugeMetricFamily("rosetta_tls_certificate_expiry_timestamp_seconds",
            "When the certificate a TLS listener presents expires (its notAfter), by listener.", List.of("listener"));
        certificateExpiry.forEach((listener, seconds) -> g.addMetric(List.of(listener), seconds));
        List<MetricFamilySamples> out = new ArrayList<>(1);
        out.add(g);
        return out;
      }
    });
  }

  public void authFailure(String listener, String reason) {
    authFailures.inc(1, listener, reason);
  }

  public double authFailures(String listener, String reason) {
    return authFailures.get(listener, reason);
  }

  public void handshakeFailure(String listener, String reason) {
    handshakeFailures.inc(1, listener, reason);
  }

  public double handshakeFailures(String listener, String reason) {
    return handshakeFailures.get(listener, reason);
  }

  public void reload(String source, boolean ok) {
    reloads.inc(1, source, ok ? "success" : "failure");
  }

  public double reloads(String source, String result) {
    return reloads.get(source, result);
  }

  public void certificateExpiry(String listener, long notAfterMillis) {
    certificateExpiry.put(listener, notAfterMillis / 1000.0);
  }
}
