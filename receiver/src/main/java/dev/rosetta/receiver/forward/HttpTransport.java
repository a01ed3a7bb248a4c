package dev.rosetta.receiver.forward;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rosetta.receiver.config.Compression;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.TlsClientConfig;
import dev.rosetta.receiver.tls.Pem;
import io.grpc.Status;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * OTLP/HTTP: one {@code POST} of the batch as {@code application/x-protobuf} (gzip unless {@code
 * compression: none}) to the exporter's metrics URL per attempt, with the JDK's HTTP client. The
 * answer is classified as the OTLP/HTTP specification says:
 *
 * <ul>
 *   <li>2xx: acknowledged; the body is an {@code ExportMetricsServiceResponse} whose {@code
 *       partial_success} is counted by the sender (an empty or unreadable body is a plain success).
 *   <li>429, 502, 503, 504: retryable, waiting at least {@code Retry-After} (seconds or an HTTP
 *       date). Counted under the gRPC code the status stands for: {@code RESOURCE_EXHAUSTED} (429),
 *       {@code UNAVAILABLE} (502, 503), {@code DEADLINE_EXCEEDED} (504, which leaves the outcome
 *       uncertain).
 *   <li>Every other status (400 and the rest): permanent, the batch is dropped as {@code
 *       non_retryable}; counted as {@code INVALID_ARGUMENT} (400), {@code UNAUTHENTICATED} (401),
 *       {@code PERMISSION_DENIED} (403), {@code NOT_FOUND} (404), {@code UNIMPLEMENTED} (405, 415),
 *       {@code INTERNAL} (other 5xx) or {@code UNKNOWN}.
 *   <li>No connection: retryable ({@code UNAVAILABLE}), certain not to be applied. A timeout or a
 *       connection lost after the request was handed over: retryable, uncertain.
 * </ul>
 *
 * <p>Threads: the client's work runs on a cached pool from the exporter's thread factory ({@code
 * rosetta-exporter-<id>-http-N}); the JDK client also keeps one selector thread of its own. The
 * sending thread waits for the answer in slices so that the shutdown's abort ends the wait.
 */
final class HttpTransport implements ExportTransport {
  private static final long SLICE_MILLIS = 100;

  private final OtlpExporterConfig config;
  private final URI url;
  private final HttpClient client;
  private final ExecutorService executor;
  private final ExporterLifecycle lifecycle;

  private HttpTransport(OtlpExporterConfig config, HttpClient client, ExecutorService executor,
      ExporterLifecycle lifecycle) {
    this.config = config;
    this.url = config.metricsUrl().orElseThrow();
    this.client = client;
    this.executor = executor;
    this.lifecycle = lifecycle;
  }

  /**
   * @throws UncheckedIOException when a TLS file cannot be read or parsed; the message names it
   */
  static HttpTransport create(OtlpExporterConfig config, ExporterLifecycle lifecycle, ThreadFactory threads) {
    ExecutorService executor = Executors.newCachedThreadPool(threads);
    try {
      HttpClient.Builder b = HttpClient.newBuilder()
          .executor(executor)
          .connectTimeout(config.timeout())
          .followRedirects(HttpClient.Redirect.NEVER);
      URI url = config.metricsUrl().orElseThrow();
      if ("https".equalsIgnoreCase(url.getScheme())) {
        b.sslContext(sslContext(config));
      } else {
        b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain receivers
      }
      return new HttpTransport(config, b.build(), executor, lifecycle);
    } catch (RuntimeException | Error e) {
      executor.shutdownNow();
      throw e;
    }
  }

  private static SSLContext sslContext(OtlpExporterConfig config) {
    TlsClientConfig tls = config.tls();
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      TrustManagerFactory tmf = null;
      if (tls.caFile().isPresent()) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        List<X509Certificate> cas = Pem.certificates(read("tls.ca_file", tls.caFile().get()));
        for (int i = 0; i < cas.size(); i++) {
          trust.setCertificateEntry("ca-" + i, cas.get(i));
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        char[] pass = new char[0];
        keys.setKeyEntry("client", Pem.privateKey(read("tls.key_file", tls.keyFile().get())), pass,
            Pem.certificates(read("tls.cert_file", tls.certFile().get())).toArray(new X509Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pass);
      }
      ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException | Pem.PemException e) {
      throw new UncheckedIOException(new IOException("exporter " + config.id()
          + ": cannot build the TLS context: " + e.getMessage(), e));
    }
  }

  private static byte[] read(String key, Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException(key + ": file " + file + " does not exist or is not readable");
    }
    return Files.readAllBytes(file);
  }

  @Override
  public ExportMetricsServiceResponse export(ExportBatch batch) throws Failure, InterruptedException {
    byte[] body = batch.serialize();
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(config.timeout())
        .header("Content-Type", "application/x-protobuf")
        .header("User-Agent", "rosetta");
    if (config.compression() == Compression.GZIP) {
      body = gzip(body);
      request.header("Content-Encoding", "gzip");
    }
    config.headers().forEach(request::header);
    request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> response;
    try {
      response = await(call);
    } catch (ExecutionException e) {
      throw transportFailure(e.getCause() == null ? e : e.getCause());
    }
    return answer(response);
  }

  /** Waits for the answer, in slices, until it comes or the shutdown's abort cancels the call. */
  private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> call)
      throws ExecutionException, InterruptedException, Failure {
    while (true) {
      if (lifecycle.aborted) {
        call.cancel(true);
        throw new Failure(Status.Code.CANCELLED, false, Optional.empty(), true, DropReason.SHUTDOWN,
            "CANCELLED: the shutdown deadline passed", null);
      }
      try {
        return call.get(SLICE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // next slice
      } catch (InterruptedException e) {
        call.cancel(true);
        throw e;
      }
    }
  }

  private static Failure transportFailure(Throwable cause) {
    if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
      return new Failure(Status.Code.UNAVAILABLE, true, Optional.empty(), false, DropReason.NON_RETRYABLE,
          "UNAVAILABLE: cannot connect (" + describe(cause) + ")", cause);
    }
    if (cause instanceof HttpTimeoutException) {
      return new Failure(Status.Code.DEADLINE_EXCEEDED, true, Optional.empty(), true, DropReason.NON_RETRYABLE,
          "DEADLINE_EXCEEDED: no answer within the timeout", cause);
    }
    // the request may have left: what the downstream did is unknown
    return new Failure(Status.Code.UNAVAILABLE, true, Optional.empty(), true, DropReason.NON_RETRYABLE,
        "UNAVAILABLE: " + describe(cause), cause);
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
        + t.getMessage();
  }

  private ExportMetricsServiceResponse answer(HttpResponse<byte[]> response) throws Failure {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      try {
        return ExportMetricsServiceResponse.parseFrom(response.body());
      } catch (InvalidProtocolBufferException e) {
        return ExportMetricsServiceResponse.getDefaultInstance(); // acknowledged all the same
      }
    }
    String message = "HTTP " + status + statusMessage(response.body());
    Optional<Duration> retryAfter = response.headers().firstValue("Retry-After")
        .flatMap(v -> RetryPolicy.retryAfter(v, ZonedDateTime.now()));
    switch (status) {
      case 429 -> throw new Failure(Status.Code.RESOURCE_EXHAUSTED, true, retryAfter, false,
          DropReason.NON_RETRYABLE, message, null);
      case 502, 503 -> throw new Failure(Status.Code.UNAVAILABLE, true, retryAfter, false,
          DropReason.NON_RETRYABLE, message, null);
      case 504 -> throw new Failure(Status.Code.DEADLINE_EXCEEDED, true, retryAfter, true,
          DropReason.NON_RETRYABLE, message, null);
      default -> throw new Failure(permanentCode(status), false, Optional.empty(), false,
          DropReason.NON_RETRYABLE, message, null);
    }
  }

  private static Status.Code permanentCode(int status) {
    return switch (status) {
      case 400 -> Status.Code.INVALID_ARGUMENT;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.NOT_FOUND;
      case 405, 415 -> Status.Code.UNIMPLEMENTED;
      default -> status >= 500 ? Status.Code.INTERNAL : Status.Code.UNKNOWN;
    };
  }

  /** The message of a {@code google.rpc.Status} body, or of a short text body; empty otherwise. */
  private static String statusMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      com.google.rpc.Status s = com.google.rpc.Status.parseFrom(body);
      if (!s.getMessage().isEmpty()) {
        return ": " + s.getMessage();
      }
    } catch (InvalidProtocolBufferException e) {
      // not a Status
    }
    String text = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8).strip();
    return text.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t')
        ? ": " + text.replace('\n', ' ') : "";
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  @Override
  public String downstream() {
    return url.toString();
  }
}
