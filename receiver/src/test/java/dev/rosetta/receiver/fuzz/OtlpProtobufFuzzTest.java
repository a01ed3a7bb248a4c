package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rosetta.receiver.otlp.OtlpDecoder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/**
 * OTLP protobuf bodies (gRPC and HTTP): a body either fails to parse (400 / INVALID_ARGUMENT) or
 * decodes into a valid batch plus refused points, and the batch goes through the pipeline.
 */
class OtlpProtobufFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void decode(byte[] body) {
    ExportMetricsServiceRequest request;
    try {
      request = ExportMetricsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    OtlpDecoder.Result r = OtlpDecoder.decode(request);
    assertThat(r.acceptedPoints()).isEqualTo(r.batch().pointCount());
    assertThat(r.rejectedPoints()).isNotNegative();
    FuzzPipeline.ingest(r.batch(), r.rejectedPoints(), r.errorMessage());
  }
}
