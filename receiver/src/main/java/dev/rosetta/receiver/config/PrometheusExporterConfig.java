package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * connection settings of {@link HttpServerSettings}; {@code namespace}, {@code const_labels}, {@code
 * send_timestamps} and {@code enable_open_metrics} ({@link Exposition}); {@code status_page.enabled}
 * (default true): serve the status page {@code /status} on the same port, behind the same TLS and
 * authentication.
 */
public record PrometheusExporterConfig(
    Endpoint endpoint,
    Duration metricExpiration,
    boolean addMetricSuffixes,
    boolean resourceToTelemetryConversion,
    Optional<TlsServerConfig> tls,
    Optional<AuthenticatorConfig> auth,
    HttpServerSettings server,
    Exposition exposition,
    boolean statusPage) {
  public static final Endpoint DEFAULT_ENDPOINT = new Endpoint("127.0.0.1", 9464);
  public static final Duration DEFAULT_METRIC_EXPIRATION = Duration.ofMinutes(5);

  public PrometheusExporterConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(metricExpiration, "metricExpiration");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(exposition, "exposition");
    if (metricExpiration.isNegative() || metricExpiration.isZero()) {
      throw new IllegalArgumentException("metricExpiration must be positive: " + metricExpiration);
    }
  }

  /** With the default connection settings and exposition settings. */
  public PrometheusExporterConfig(Endpoint endpoint, Duration metricExpiration, boolean addMetricSuffixes,
      boolean resourceToTelemetryConversion, Optional<TlsServerConfig> tls, Optional<AuthenticatorConfig> auth) {
    this(endpoint, metricExpiration, addMetricSuffixes, resourceToTelemetryConversion, tls, auth,
        HttpServerSettings.defaults(), Exposition.defaults(), true);
  }

  /** Plain http, no authentication, default connection settings, with the default exposition settings. */
  public PrometheusExporterConfig(Endpoint endpoint, Duration metricExpiration, boolean addMetricSuffixes,
      boolean resourceToTelemetryConversion) {
    this(endpoint, metricExpiration, addMetricSuffixes, resourceToTelemetryConversion, Optional.empty(),
        Optional.empty());
  }

  /** With the default exposition settings. */
  public PrometheusExporterConfig(Endpoint endpoint, Duration metricExpiration, boolean addMetricSuffixes,
      boolean resourceToTelemetryConversion, Optional<TlsServerConfig> tls, Optional<AuthenticatorConfig> auth,
      HttpServerSettings server) {
    this(endpoint, metricExpiration, addMetricSuffixes, resourceToTelemetryConversion, tls, auth, server,
        Exposition.defaults(), true);
  }

  /** With the status page on. */
  public PrometheusExporterConfig(Endpoint endpoint, Duration metricExpiration, boolean addMetricSuffixes,
      boolean resourceToTelemetryConversion, Optional<TlsServerConfig> tls, Optional<AuthenticatorConfig> auth,
      HttpServerSettings server, Exposition exposition) {
    this(endpoint, metricExpiration, addMetricSuffixes, resourceToTelemetryConversion, tls, auth, server,
        exposition, true);
  }

  /**
   * How the families from the pipeline are written on {@code /metrics}, with the Collector's
   * semantics. Rosetta's own metrics ({@code rosetta_*}) and {@code target_info} are written as
   * they are: the namespace and the constant labels belong to the data. Immutable.
   *
   * @param namespace prefixed to every family name with an underscore ({@code shop} makes {@code
   *     shop_jvm_memory_used_bytes}); empty for none
   * @param constLabels added to every series; a series' own label of the same name keeps its value
   * @param sendTimestamps write each sample's timestamp: the time of the series' latest point (the
   *     time it was received when the point had none)
   * @param enableOpenMetrics answer a scraper that asks for OpenMetrics in OpenMetrics 1.0.0; when
   *     false every scrape gets the text format 0.0.4
   */
  public record Exposition(String namespace, Map<String, String> constLabels, boolean sendTimestamps,
      boolean enableOpenMetrics) {
    public Exposition {
      Objects.requireNonNull(namespace, "namespace");
      constLabels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(constLabels));
    }

    /** No namespace, no constant labels, no timestamps, text format only (the Collector's defaults). */
    public static Exposition defaults() {
      return new Exposition("", Map.of(), false, false);
    }
  }

  /**
   * Loopback, 5 minutes, suffixes on, no resource conversion, plain http without authentication,
   * default connection and exposition settings, status page on.
   */
  public static PrometheusExporterConfig defaults() {
    return new PrometheusExporterConfig(DEFAULT_ENDPOINT, DEFAULT_METRIC_EXPIRATION, true, false, Optional.empty(),
        Optional.empty());
  }
}
