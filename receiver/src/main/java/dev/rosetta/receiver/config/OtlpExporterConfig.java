package dev.rosetta.receiver.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One OTLP exporter ({@code exporters.otlp}, {@code exporters.otlp/name} over gRPC; {@code
 * exporters.otlphttp}, {@code otlphttp/name} over HTTP, {@code metricsUrl} present): the single owner
 * of its settings; both types share every key but the transport. The configuration binder builds it
 * (reporting each bad value with its key path); the forwarder takes it as it is, with no second copy
 * of the settings or their defaults.
 *
 * <p>{@code endpoint} is required; an {@code http://} endpoint means plaintext (unless {@code tls}
 * says otherwise) and {@code https://} means TLS, as in the Collector. {@code headers} are sent
 * with every request, in file order (names are compared without regard to case; {@code grpc-*},
 * pseudo-headers and binary {@code *-bin} headers are reserved); {@code timeout} bounds each
 * export call (one attempt, not the whole retry sequence).
 */
public record OtlpExporterConfig(
    ComponentId id,
    Endpoint endpoint,
    TlsClientConfig tls,
    Map<String, String> headers,
    Compression compression,
    Duration timeout,
    QueueConfig sendingQueue,
    RetryConfig retryOnFailure,
    BatchConfig batch,
    Optional<URI> metricsUrl) {
  public static final String TYPE = "otlp";
  /** The OTLP/HTTP exporter's type: the same settings, sent as protobuf over HTTP to {@code metricsUrl}. */
  public static final String HTTP_TYPE = "otlphttp";
  public static final Compression DEFAULT_COMPRESSION = Compression.GZIP;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** The Collector's OTLP/HTTP exporter waits 30 s for an answer. */
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  public OtlpExporterConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(sendingQueue, "sendingQueue");
    Objects.requireNonNull(retryOnFailure, "retryOnFailure");
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(metricsUrl, "metricsUrl");
    if (!id.type().equals(TYPE) && !id.type().equals(HTTP_TYPE)) {
      throw new IllegalArgumentException("not an " + TYPE + " or " + HTTP_TYPE + " exporter id: " + id);
    }
    if (id.type().equals(HTTP_TYPE) != metricsUrl.isPresent()) {
      throw new IllegalArgumentException("an " + HTTP_TYPE + " exporter, and only it, has a metrics URL: " + id);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Map.Entry<String, String> h : headers.entrySet()) {
      headerNameProblem(h.getKey()).ifPresent(p -> {
        throw new IllegalArgumentException("header " + h.getKey() + ": " + p);
      });
      if (!seen.add(h.getKey().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header " + h.getKey() + " is given twice (names ignore case)");
      }
      Objects.requireNonNull(h.getValue(), "header value");
      if (!h.getValue().chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
        throw new IllegalArgumentException("header " + h.getKey() + ": the value must be printable ASCII");
      }
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** An OTLP/gRPC exporter (no metrics URL). */
  public OtlpExporterConfig(ComponentId id, Endpoint endpoint, TlsClientConfig tls, Map<String, String> headers,
      Compression compression, Duration timeout, QueueConfig sendingQueue, RetryConfig retryOnFailure,
      BatchConfig batch) {
    this(id, endpoint, tls, headers, compression, timeout, sendingQueue, retryOnFailure, batch, Optional.empty());
  }

  /** Whether this exporter sends OTLP/HTTP ({@code otlphttp}) rather than OTLP/gRPC. */
  public boolean http() {
    return metricsUrl.isPresent();
  }

  /**
   * What is wrong with {@code name} as a header name sent as gRPC metadata, or empty when it is
   * fine.
   */
  public static Optional<String> headerNameProblem(String name) {
    if (!HEADER_NAME.matcher(name).matches()) {
      return Optional.of("expected letters, digits, '-', '_' or '.'");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith("grpc-")) {
      return Optional.of("grpc-* names are reserved for the gRPC protocol");
    }
    if (lower.endsWith("-bin")) {
      return Optional.of("*-bin names are binary gRPC metadata, which a header value cannot carry");
    }
    if (lower.equals("content-type") || lower.equals("te") || lower.equals("user-agent")) {
      return Optional.of("set by the gRPC transport");
    }
    return Optional.empty();
  }

  /** The exporter {@code otlp} sending to {@code endpoint}, every other setting on its default (TLS on). */
  public static OtlpExporterConfig defaults(Endpoint endpoint) {
    return defaults(ComponentId.of(TYPE), endpoint);
  }

  /** Exporter {@code id} sending to {@code endpoint}, every other setting on its default (TLS on). */
  public static OtlpExporterConfig defaults(ComponentId id, Endpoint endpoint) {
    return new OtlpExporterConfig(
        id,
        endpoint,
        TlsClientConfig.secure(),
        Map.of(),
        DEFAULT_COMPRESSION,
        DEFAULT_TIMEOUT,
        QueueConfig.defaults(),
        RetryConfig.defaults(),
        BatchConfig.defaults());
  }

  public OtlpExporterConfig withTls(TlsClientConfig t) {
    return new OtlpExporterConfig(id, endpoint, t, headers, compression, timeout, sendingQueue, retryOnFailure, batch, metricsUrl);
  }

  public OtlpExporterConfig withHeaders(Map<String, String> h) {
    return new OtlpExporterConfig(id, endpoint, tls, h, compression, timeout, sendingQueue, retryOnFailure, batch, metricsUrl);
  }

  public OtlpExporterConfig withCompression(Compression c) {
    return new OtlpExporterConfig(id, endpoint, tls, headers, c, timeout, sendingQueue, retryOnFailure, batch, metricsUrl);
  }

  public OtlpExporterConfig withTimeout(Duration t) {
    return new OtlpExporterConfig(id, endpoint, tls, headers, compression, t, sendingQueue, retryOnFailure, batch, metricsUrl);
  }

  public OtlpExporterConfig withSendingQueue(QueueConfig q) {
    return new OtlpExporterConfig(id, endpoint, tls, headers, compression, timeout, q, retryOnFailure, batch, metricsUrl);
  }

  public OtlpExporterConfig withRetryOnFailure(RetryConfig r) {
    return new OtlpExporterConfig(id, endpoint, tls, headers, compression, timeout, sendingQueue, r, batch, metricsUrl);
  }

  public OtlpExporterConfig withBatch(BatchConfig b) {
    return new OtlpExporterConfig(id, endpoint, tls, headers, compression, timeout, sendingQueue, retryOnFailure, b, metricsUrl);
  }
}
