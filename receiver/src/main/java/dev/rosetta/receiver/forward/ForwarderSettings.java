package dev.rosetta.receiver.forward;

import io.grpc.Metadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Settings of an {@link OtlpForwarder}: where to send, how (TLS, headers, compression, deadline),
 * how much to buffer, how to retry and how to batch.
 *
 * <p>Immutable and thread-safe. The compact constructors validate every value and name the offending
 * setting in the {@link IllegalArgumentException}; files named in {@link Tls} are only read when a
 * Netty channel is built from the settings ({@link OtlpForwarder#create}). Defaults (see {@link
 * #builder(String)}) are those of the OpenTelemetry Collector's OTLP exporter and batch processor.
 *
 * @param target downstream address as {@code host:port}; ignored when the forwarder is given a
 *     channel
 * @param plaintext {@code true} for HTTP/2 without TLS (then no {@link Tls} option may be set)
 * @param tls TLS options, used when {@code plaintext} is false
 * @param headers gRPC metadata sent with every export call; names are lower-cased ASCII and sorted
 * @param gzip compress requests with gzip
 * @param timeout deadline of one export call (one attempt, not the whole retry sequence)
 * @param numConsumers number of exports that may be in flight at once
 * @param queueSize capacity of the sending queue, in requests as offered
 * @param retry retry on failure
 * @param batch batching of queued requests into exports
 */
public record ForwarderSettings(
    String target,
    boolean plaintext,
    Tls tls,
    Map<String, String> headers,
    boolean gzip,
    Duration timeout,
    int numConsumers,
    int queueSize,
    Retry retry,
    Batch batch) {

  public ForwarderSettings {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(batch, "batch");
    validateTarget(target);
    if (plaintext && tls.isConfigured()) {
      throw new IllegalArgumentException(
          "plaintext is true but tls options are set: " + tls + "; use one or the other");
    }
    headers = validateHeaders(headers);
    requirePositive("timeout", timeout);
    if (numConsumers < 1) {
      throw new IllegalArgumentException("numConsumers must be >= 1, got " + numConsumers);
    }
    if (queueSize < 1) {
      throw new IllegalArgumentException("queueSize must be >= 1, got " + queueSize);
    }
  }

  /** A builder for {@code target} with the defaults described on each setter. */
  public static Builder builder(String target) {
    return new Builder(target);
  }

  /** A builder initialised from these settings. */
  public Builder toBuilder() {
    return new Builder(target)
        .plaintext(plaintext)
        .tls(tls)
        .headers(headers)
        .gzip(gzip)
        .timeout(timeout)
        .numConsumers(numConsumers)
        .queueSize(queueSize)
        .retry(retry)
        .batch(batch);
  }

  /**
   * TLS client options (grpc-netty {@code GrpcSslContexts}). Without a CA file the JVM's default
   * trust store is used.
   *
   * @param caFile PEM bundle of CA certificates that verify the server
   * @param certFile PEM client certificate chain for mutual TLS (requires {@code keyFile})
   * @param keyFile PEM PKCS#8 private key of {@code certFile}
   * @param insecureSkipVerify accept any server certificate and host name (tests only)
   * @param serverNameOverride name used for SNI, host name verification and {@code :authority}
   */
  public record Tls(
      Optional<Path> caFile,
      Optional<Path> certFile,
      Optional<Path> keyFile,
      boolean insecureSkipVerify,
      Optional<String> serverNameOverride) {

    private static final Tls SYSTEM_TRUST =
        new Tls(Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty());

    public Tls {
      Objects.requireNonNull(caFile, "tls.caFile");
      Objects.requireNonNull(certFile, "tls.certFile");
      Objects.requireNonNull(keyFile, "tls.keyFile");
      Objects.requireNonNull(serverNameOverride, "tls.serverNameOverride");
      if (certFile.isPresent() != keyFile.isPresent()) {
        throw new IllegalArgumentException(
            "tls.certFile and tls.keyFile must be set together, got certFile="
                + certFile.map(Path::toString).orElse("<unset>")
                + " keyFile="
                + keyFile.map(Path::toString).orElse("<unset>"));
      }
      if (insecureSkipVerify && caFile.isPresent()) {
        throw new IllegalArgumentException(
            "tls.insecureSkipVerify and tls.caFile exclude each other, got caFile="
                + caFile.get());
      }
      if (serverNameOverride.isPresent() && serverNameOverride.get().isBlank()) {
        throw new IllegalArgumentException("tls.serverNameOverride must not be blank");
      }
    }

    /** Server verified against the JVM's default trust store, no client certificate. */
    public static Tls systemTrust() {
      return SYSTEM_TRUST;
    }

    /** Whether any option differs from {@link #systemTrust()}. */
    public boolean isConfigured() {
      return !equals(SYSTEM_TRUST);
    }
  }

  /**
   * Retry on failure, as the Collector's {@code retry_on_failure}: the n-th retry waits {@code
   * initialInterval * multiplier^n} capped at {@code maxInterval}, randomized by {@code
   * ±randomizationFactor} of that value, or the server's {@code RetryInfo} delay when longer.
   *
   * @param enabled when false a retryable failure drops the request at once
   * @param initialInterval wait before the first retry
   * @param randomizationFactor jitter, in {@code [0, 1]}
   * @param multiplier growth factor of the interval, {@code >= 1}
   * @param maxInterval cap of the (non-randomized) interval
   * @param maxElapsedTime give up when the next retry would start later than this after the first
   *     attempt; {@link Duration#ZERO} retries without limit (until shutdown)
   */
  public record Retry(
      boolean enabled,
      Duration initialInterval,
      double randomizationFactor,
      double multiplier,
      Duration maxInterval,
      Duration maxElapsedTime) {

    public Retry {
      Objects.requireNonNull(initialInterval, "retry.initialInterval");
      Objects.requireNonNull(maxInterval, "retry.maxInterval");
      Objects.requireNonNull(maxElapsedTime, "retry.maxElapsedTime");
      requirePositive("retry.initialInterval", initialInterval);
      if (!(randomizationFactor >= 0 && randomizationFactor <= 1)) {
        throw new IllegalArgumentException(
            "retry.randomizationFactor must be in [0, 1], got " + randomizationFactor);
      }
      if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException(
            "retry.multiplier must be a finite number >= 1, got " + multiplier);
      }
      if (maxInterval.compareTo(initialInterval) < 0) {
        throw new IllegalArgumentException(
            "retry.maxInterval must be >= retry.initialInterval ("
                + initialInterval
                + "), got "
                + maxInterval);
      }
      if (maxElapsedTime.isNegative()) {
        throw new IllegalArgumentException(
            "retry.maxElapsedTime must be >= 0 (0 = unlimited), got " + maxElapsedTime);
      }
    }

    /** Collector defaults: 5s initial, 0.5 jitter, x1.5, 30s max interval, 300s max elapsed. */
    public static Retry defaults() {
      return new Retry(
          true, Duration.ofSeconds(5), 0.5, 1.5, Duration.ofSeconds(30), Duration.ofMinutes(5));
    }

    /** No retries: a retryable failure drops the request as {@link DropReason#RETRIES_EXHAUSTED}. */
    public static Retry disabled() {
      Retry d = defaults();
      return new Retry(
          false,
          d.initialInterval,
          d.randomizationFactor,
          d.multiplier,
          d.maxInterval,
          d.maxElapsedTime);
    }
  }

  /**
   * Batching, as the Collector's batch processor: queued requests are merged (their {@code
   * resource_metrics} concatenated) until an export holds at least {@code sendBatchSize} points or
   * {@code timeout} has passed since its first request was taken.
   *
   * @param sendBatchSize points that make an export ready, {@code >= 1}
   * @param sendBatchMaxSize upper bound of points per export, {@code 0} for none; requests larger
   *     than this are split, smaller ones never are
   * @param timeout how long an export waits to fill up; {@link Duration#ZERO} sends what is queued
   *     without waiting
   */
  public record Batch(int sendBatchSize, int sendBatchMaxSize, Duration timeout) {

    public Batch {
      Objects.requireNonNull(timeout, "batch.timeout");
      if (sendBatchSize < 1) {
        throw new IllegalArgumentException("batch.sendBatchSize must be >= 1, got " + sendBatchSize);
      }
      if (sendBatchMaxSize != 0 && sendBatchMaxSize < sendBatchSize) {
        throw new IllegalArgumentException(
            "batch.sendBatchMaxSize must be 0 (no cap) or >= batch.sendBatchSize ("
                + sendBatchSize
                + "), got "
                + sendBatchMaxSize);
      }
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("batch.timeout must be >= 0, got " + timeout);
      }
    }

    /** Collector defaults: 8192 points, no cap, 200ms. */
    public static Batch defaults() {
      return new Batch(8192, 0, Duration.ofMillis(200));
    }
  }

  /**
   * Builder of {@link ForwarderSettings}. Not thread-safe; {@link #build()} validates.
   */
  public static final class Builder {
    private final String target;
    private boolean plaintext;
    private Tls tls = Tls.systemTrust();
    private Map<String, String> headers = Map.of();
    private boolean gzip;
    private Duration timeout = Duration.ofSeconds(5);
    private int numConsumers = 10;
    private int queueSize = 1000;
    private Retry retry = Retry.defaults();
    private Batch batch = Batch.defaults();

    private Builder(String target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    /** Default false (TLS). */
    public Builder plaintext(boolean plaintext) {
      this.plaintext = plaintext;
      return this;
    }

    /** Default {@link Tls#systemTrust()}. */
    public Builder tls(Tls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** Default none. */
    public Builder headers(Map<String, String> headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /** Default false. */
    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /** Per-call deadline, default 5s. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Default 10. */
    public Builder numConsumers(int numConsumers) {
      this.numConsumers = numConsumers;
      return this;
    }

    /** Default 1000 requests. */
    public Builder queueSize(int queueSize) {
      this.queueSize = queueSize;
      return this;
    }

    /** Default {@link Retry#defaults()}. */
    public Builder retry(Retry retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** Default {@link Batch#defaults()}. */
    public Builder batch(Batch batch) {
      this.batch = Objects.requireNonNull(batch, "batch");
      return this;
    }

    public ForwarderSettings build() {
      return new ForwarderSettings(
          target,
          plaintext,
          tls,
          headers,
          gzip,
          timeout,
          numConsumers,
          queueSize,
          retry,
          batch);
    }
  }

  private static void validateTarget(String target) {
    int colon = target.lastIndexOf(':');
    String host = colon < 0 ? "" : target.substring(0, colon);
    String port = colon < 0 ? "" : target.substring(colon + 1);
    boolean ok = !host.isBlank() && !host.contains("/") && !host.contains(" ");
    if (ok) {
      try {
        int p = Integer.parseInt(port);
        ok = p >= 1 && p <= 65535;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "target must be host:port (IPv6 as [addr]:port), got '" + target + "'");
    }
  }

  private static Map<String, String> validateHeaders(Map<String, String> headers) {
    TreeMap<String, String> sorted = new TreeMap<>();
    headers.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "header name");
          Objects.requireNonNull(value, () -> "headers." + name);
          String key = name.toLowerCase(Locale.ROOT);
          if (key.startsWith("grpc-") || key.startsWith(":") || key.endsWith("-bin")) {
            throw new IllegalArgumentException(
                "headers." + name + ": reserved or binary header names are not allowed");
          }
          try {
            Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "headers." + name + ": not a valid gRPC metadata name: " + e.getMessage(), e);
          }
          if (!value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException(
                "headers." + name + ": value must be printable ASCII");
          }
          if (sorted.put(key, value) != null) {
            throw new IllegalArgumentException(
                "headers." + name + ": duplicate header name (names are case-insensitive)");
          }
        });
    return Collections.unmodifiableMap(sorted);
  }

  private static void requirePositive(String name, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
  }
}
