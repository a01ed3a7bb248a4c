package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.DebugInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

  /** The OTLP/gRPC table: retryable codes, and RESOURCE_EXHAUSTED only with RetryInfo. */
  @ParameterizedTest(name = "{0}: without RetryInfo {1}, with RetryInfo {2}")
  @CsvSource({
    "OK,                  false, false",
    "CANCELLED,           true,  true",
    "UNKNOWN,             false, false",
    "INVALID_ARGUMENT,    false, false",
    "DEADLINE_EXCEEDED,   true,  true",
    "NOT_FOUND,           false, false",
    "ALREADY_EXISTS,      false, false",
    "PERMISSION_DENIED,   false, false",
    "RESOURCE_EXHAUSTED,  false, true",
    "FAILED_PRECONDITION, false, false",
    "ABORTED,             true,  true",
    "OUT_OF_RANGE,        true,  true",
    "UNIMPLEMENTED,       false, false",
    "INTERNAL,            false, false",
    "UNAVAILABLE,         true,  true",
    "DATA_LOSS,           true,  true",
    "UNAUTHENTICATED,     false, false",
  })
  void retryableCodes(Status.Code code, boolean plain, boolean withRetryInfo) {
    assertThat(RetryPolicy.isRetryable(code, false)).isEqualTo(plain);
    assertThat(RetryPolicy.isRetryable(code, true)).isEqualTo(withRetryInfo);
  }

  @Test
  void everyCodeIsInTheTable() {
    assertThat(Status.Code.values()).hasSize(17);
  }

  @Test
  void readsRetryDelayFromStatusDetails() {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
            .addDetails(Any.pack(DebugInfo.newBuilder().setDetail("first, not RetryInfo").build()))
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(
                            com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(5))
                        .build()))
            .build();
    assertThat(RetryPolicy.retryDelay(StatusProto.toStatusRuntimeException(status)))
        .contains(Duration.ofSeconds(1, 5));
  }

  @Test
  void noDetailsNoDelay() {
    assertThat(RetryPolicy.retryDelay(Status.UNAVAILABLE.asRuntimeException())).isEmpty();
    assertThat(RetryPolicy.retryDelay(new IllegalStateException("not grpc"))).isEmpty();
  }

  @Test
  void negativeDelayReadsAsZero() {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.UNAVAILABLE.value())
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(-3))
                        .build()))
            .build();
    assertThat(RetryPolicy.retryDelay(StatusProto.toStatusException(status)))
        .contains(Duration.ZERO);
  }
}
