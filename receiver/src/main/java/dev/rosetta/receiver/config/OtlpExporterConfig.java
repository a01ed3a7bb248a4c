package dev.rosetta.receiver.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Forwarding to a downstream OTLP/gRPC endpoint ({@code exporters.otlp}). {@code endpoint} is
 * required; an {@code http://} endpoint means plaintext (unless {@code tls} says otherwise) and
 * {@code https://} means TLS, as in the Collector. {@code headers} are sent with every request, in
 * file order; {@code timeout} bounds each export call.
 */
public record OtlpExporterConfig(
    Endpoint endpoint,
    TlsClientConfig tls,
    Map<String, String> headers,
    Compression compression,
    Duration timeout,
    QueueConfig sendingQueue,
    RetryConfig retryOnFailure,
    BatchConfig batch) {
  public static final Compression DEFAULT_COMPRESSION = Compression.GZIP;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public OtlpExporterConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(sendingQueue, "sendingQueue");
    Objects.requireNonNull(retryOnFailure, "retryOnFailure");
    Objects.requireNonNull(batch, "batch");
    headers =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** {@code endpoint} with every other setting on its default (TLS on). */
  public static OtlpExporterConfig defaults(Endpoint endpoint) {
    return new OtlpExporterConfig(
        endpoint,
        TlsClientConfig.secure(),
        Map.of(),
        DEFAULT_COMPRESSION,
        DEFAULT_TIMEOUT,
        QueueConfig.defaults(),
        RetryConfig.defaults(),
        BatchConfig.defaults());
  }
}
