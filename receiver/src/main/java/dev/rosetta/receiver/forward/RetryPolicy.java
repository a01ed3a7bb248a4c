package dev.rosetta.receiver.forward;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The OTLP/gRPC retry rules: which status codes are retryable and how long the server asked the
 * client to wait. Stateless.
 *
 * <p>Retryable: {@code CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS},
 * and {@code RESOURCE_EXHAUSTED} only when the status carries {@code google.rpc.RetryInfo} (the
 * server signals that it may recover). Every other code is permanent.
 *
 * <p>The wait the server asks for is the {@code RetryInfo.retry_delay} in the status details or,
 * without it, a {@code Retry-After} header in the trailers (seconds or an HTTP date): what a proxy
 * or load balancer in front of the downstream sends with an HTTP 429 or 503, which gRPC turns into
 * {@code UNAVAILABLE} keeping the response headers.
 */
final class RetryPolicy {
  private static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
  /** A server cannot make a client wait longer than this. */
  static final Duration MAX_SERVER_DELAY = Duration.ofMinutes(10);

  private RetryPolicy() {}

  static boolean isRetryable(Status.Code code, boolean hasRetryInfo) {
    return switch (code) {
      case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS -> true;
      case RESOURCE_EXHAUSTED -> hasRetryInfo;
      default -> false;
    };
  }

  /** The {@code RetryInfo.retry_delay} in the status details of {@code failure}, if any. */
  static Optional<Duration> retryInfo(Throwable failure) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return Optional.empty();
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
          return Optional.of(clamp(Duration.ofSeconds(d.getSeconds(), d.getNanos())));
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * How long the server asked to wait: {@link #retryInfo}, else the {@code Retry-After} of the
   * trailers (seconds, or an HTTP date measured against {@code now}). Negative reads as zero; more
   * than {@link #MAX_SERVER_DELAY} reads as that.
   */
  static Optional<Duration> retryDelay(Throwable failure, Metadata trailers, ZonedDateTime now) {
    Optional<Duration> info = retryInfo(failure);
    if (info.isPresent() || trailers == null) {
      return info;
    }
    return retryAfter(trailers.get(RETRY_AFTER), now);
  }

  /**
   * A {@code Retry-After} value (seconds, or an HTTP date measured against {@code now}), clamped as
   * {@link #retryDelay}; empty when absent or unreadable.
   */
  static Optional<Duration> retryAfter(String header, ZonedDateTime now) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    try {
      return Optional.of(clamp(Duration.ofSeconds(Long.parseLong(value))));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Optional.of(clamp(Duration.between(now, at)));
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }

  private static Duration clamp(Duration d) {
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(MAX_SERVER_DELAY) > 0 ? MAX_SERVER_DELAY : d;
  }
}
