package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The Prometheus scrape endpoint ({@code exporters.prometheus}), serving {@code /metrics}. Keys
 * {@code endpoint}; {@code metric_expiration} (a series not updated for this long disappears);
 * {@code add_metric_suffixes} (unit and {@code _total} suffixes); {@code
 * resource_to_telemetry_conversion.enabled} (copy resource attributes onto every series as labels);
 * {@code tls} (serve https; {@code client_ca_file}: scrapers must present a certificate), {@code
 * auth} ({@code authenticator: <extension id>}: {@code /metrics} needs a credential, as Prometheus's
 * own web configuration allows; {@code /healthz} and {@code /readyz} stay open for probes) and the
 * connection settings of {@link HttpServerSettings}; {@code status_page.enabled} (default true):
 * serve the status page {@code /status} on the same port, behind the same TLS and authentication.
 */
public record PrometheusExporterConfig(
    Endpoint endpoint,
    Duration metricExpiration,
    boolean addMetricSuffixes,
    boolean resourceToTelemetryConversion,
    Optional<TlsServerConfig> tls,
    Optional<AuthenticatorConfig> auth,
    HttpServerSettings server,
    boolean statusPage) {
  public static final Endpoint DEFAULT_ENDPOINT = new Endpoint("127.0.0.1", 9464);
  public static final Duration DEFAULT_METRIC_EXPIRATION = Duration.ofMinutes(5);

  public PrometheusExporterConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(metricExpiration, "metricExpiration");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(server, "server");
    if (metricExpiration.isNegative() || metricExpiration.isZero()) {
      throw new IllegalArgumentException("metricExpiration must be positive: " + metricExpiration);
    }
  }

  /** With the status page on. */
  public PrometheusExporterConfig(Endpoint endpoint, Duration metricExpiration, boolean addMetricSuffixes,
      boolean resourceToTelemetryConversion, Optional<TlsServerConfig> tls, Optional<AuthenticatorConfig> auth,
      HttpServerSettings server) {
    this(endpoint, metricExpiration, addMetricSuffixes, resourceToTelemetryConversion, tls, auth, server, true);
  }

  /** With the default connection settings. */
  public PrometheusExporterConfig(Endpoint endpoint, Duration metricExpiration, boolean addMetricSuffixes,
      boolean resourceToTelemetryConversion, Optional<TlsServerConfig> tls, Optional<AuthenticatorConfig> auth) {
    this(endpoint, metricExpiration, addMetricSuffixes, resourceToTelemetryConversion, tls, auth,
        HttpServerSettings.defaults());
  }

  /**
   * Loopback, 5 minutes, suffixes on, no resource conversion, plain http without authentication,
   * default connection settings, status page on.
   */
  public static PrometheusExporterConfig defaults() {
    return new PrometheusExporterConfig(DEFAULT_ENDPOINT, DEFAULT_METRIC_EXPIRATION, true, false, Optional.empty(),
        Optional.empty());
  }
}
