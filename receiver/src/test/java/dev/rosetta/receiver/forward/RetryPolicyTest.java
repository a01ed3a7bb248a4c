package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.DebugInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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
    assertThat(RetryPolicy.retryInfo(StatusProto.toStatusRuntimeException(status)))
        .contains(Duration.ofSeconds(1, 5));
  }

  @Test
  void noDetailsNoDelay() {
    assertThat(RetryPolicy.retryInfo(Status.UNAVAILABLE.asRuntimeException())).isEmpty();
    assertThat(RetryPolicy.retryInfo(new IllegalStateException("not grpc"))).isEmpty();
    assertThat(RetryPolicy.retryDelay(Status.UNAVAILABLE.asRuntimeException(), new Metadata(), NOW)).isEmpty();
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
    assertThat(RetryPolicy.retryInfo(StatusProto.toStatusException(status)))
        .contains(Duration.ZERO);
  }

  private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

  private static Metadata retryAfter(String value) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER), value);
    return m;
  }

  /** What a proxy in front of the downstream sends with a 429 or 503, as gRPC hands it over. */
  @ParameterizedTest(name = "Retry-After: {0}")
  @CsvSource(delimiter = '|', textBlock = """
      7                             | PT7S
      0                             | PT0S
      ' 3 '                         | PT3S
      Sun, 01 Mar 2026 12:00:30 GMT | PT30S
      Sun, 01 Mar 2026 11:00:00 GMT | PT0S
      99999                         | PT10M
      """)
  void retryAfterHeaderGivesTheDelay(String header, Duration expected) {
    assertThat(RetryPolicy.retryDelay(Status.UNAVAILABLE.asRuntimeException(), retryAfter(header), NOW))
        .contains(expected);
  }

  @Test
  void aMalformedRetryAfterIsIgnored() {
    assertThat(RetryPolicy.retryDelay(Status.UNAVAILABLE.asRuntimeException(), retryAfter("soon"), NOW)).isEmpty();
  }

  @Test
  void retryInfoWinsOverRetryAfter() {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.UNAVAILABLE.value())
        .addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(2)).build()))
        .build();
    assertThat(RetryPolicy.retryDelay(StatusProto.toStatusRuntimeException(status), retryAfter("9"), NOW))
        .contains(Duration.ofSeconds(2));
  }
}
