package dev.rosetta.receiver.forward;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Optional;

/**
 * The OTLP/gRPC retry rules: which status codes are retryable and how long the server asked the
 * client to wait. Stateless.
 *
 * <p>Retryable: {@code CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS},
 * and {@code RESOURCE_EXHAUSTED} only when the status carries {@code google.rpc.RetryInfo} (the
 * server signals that it may recover). Every other code is permanent.
 */
final class RetryPolicy {
  private RetryPolicy() {}

  static boolean isRetryable(Status.Code code, boolean hasRetryInfo) {
    return switch (code) {
      case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS -> true;
      case RESOURCE_EXHAUSTED -> hasRetryInfo;
      default -> false;
    };
  }

  /**
   * The {@code RetryInfo.retry_delay} in the status details of {@code failure}, if any; a negative
   * delay reads as zero.
   */
  static Optional<Duration> retryDelay(Throwable failure) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return Optional.empty();
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
          Duration delay = Duration.ofSeconds(d.getSeconds(), d.getNanos());
          return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
