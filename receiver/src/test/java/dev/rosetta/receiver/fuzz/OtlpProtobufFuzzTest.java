package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rosetta.receiver.otlp.OtlpDecoder;
import dev.rosetta.receiver.otlp.OtlpWireDecoder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/**
 * OTLP protobuf bodies (gRPC and HTTP): a body either fails to parse (400 / INVALID_ARGUMENT) or
 * decodes into a valid batch plus refused points, and the batch goes through the pipeline. The wire
 * decoder the receivers use gives exactly what protobuf-java and {@link OtlpDecoder} give: the same
 * error, or the same batch, counts and reasons.
 */
class OtlpProtobufFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void decode(byte[] body) {
    ExportMetricsServiceRequest request;
    try {
      request = ExportMetricsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      assertThatThrownBy(() -> OtlpWireDecoder.decode(body))
          .isInstanceOf(InvalidProtocolBufferException.class).hasMessage(e.getMessage());
      return;
    }
    OtlpDecoder.Result r = OtlpDecoder.decode(request);
    OtlpDecoder.Result wire;
    try {
      wire = OtlpWireDecoder.decode(body).result();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the wire decoder refused a body protobuf-java takes", e);
    }
    assertThat(wire.batch()).isEqualTo(r.batch());
    assertThat(wire.acceptedPoints()).isEqualTo(r.acceptedPoints());
    assertThat(wire.rejectedPoints()).isEqualTo(r.rejectedPoints());
    assertThat(wire.errorMessage()).isEqualTo(r.errorMessage());
    assertThat(r.acceptedPoints()).isEqualTo(r.batch().pointCount());
    assertThat(r.rejectedPoints()).isNotNegative();
    FuzzPipeline.ingest(r.batch(), r.rejectedPoints(), r.errorMessage());
  }
}
