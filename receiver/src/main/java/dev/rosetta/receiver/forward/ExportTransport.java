package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.OtlpExporterConfig;
import io.grpc.Status;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * How one export attempt reaches the downstream: OTLP/gRPC ({@link GrpcTransport}) or OTLP/HTTP
 * ({@link HttpTransport}). The {@link RetryingSender} above it decides on retries, waits and
 * accounting from what an attempt reports; a transport only sends once and classifies the answer
 * by its protocol's rules. Thread-safe: sender threads call {@link #export} at once.
 */
interface ExportTransport {
  /**
   * Sends {@code batch} once, waiting at most the exporter's {@code timeout}.
   *
   * @throws Failure when the downstream did not acknowledge it
   * @throws InterruptedException when the sending thread is interrupted
   */
  ExportMetricsServiceResponse export(ExportBatch batch) throws Failure, InterruptedException;

  /** The retry policy decides when to try again: connect at once on the next attempt. */
  default void reconnectNow() {}

  /** Cancels attempts in progress (shutdown deadline passed). */
  default void abort() {}

  /** Releases what the transport owns (channel, client). */
  void close();

  /** The downstream, for messages: host:port or the URL. */
  String downstream();

  /** The transport the exporter's settings ask for. */
  static ExportTransport create(OtlpExporterConfig config, ExporterLifecycle lifecycle,
      java.util.concurrent.ThreadFactory threads) {
    return config.http() ? HttpTransport.create(config, lifecycle, threads) : GrpcTransport.create(config, lifecycle);
  }

  /**
   * An attempt that failed.
   *
   * @param code the gRPC status, or the one an HTTP status maps to (counted in {@code failed})
   * @param retryable whether the protocol allows another attempt
   * @param serverDelay how long the downstream asked to wait ({@code RetryInfo}, {@code Retry-After})
   * @param uncertain the request may have been applied: it left and no answer came, or the answer was
   *     a timeout or cancellation
   * @param permanentReason how points are counted when not retryable
   */
  final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Status.Code code;
    final boolean retryable;
    final transient Optional<Duration> serverDelay;
    final boolean uncertain;
    final DropReason permanentReason;

    Failure(Status.Code code, boolean retryable, Optional<Duration> serverDelay, boolean uncertain,
        DropReason permanentReason, String description, Throwable cause) {
      super(description, cause, false, false);
      this.code = code;
      this.retryable = retryable;
      this.serverDelay = serverDelay;
      this.uncertain = uncertain;
      this.permanentReason = permanentReason;
    }
  }
}
