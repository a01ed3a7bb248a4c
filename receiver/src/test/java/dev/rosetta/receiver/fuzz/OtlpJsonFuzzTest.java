package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.receiver.otlp.OtlpDecoder;
import dev.rosetta.receiver.otlp.OtlpJson;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** OTLP/JSON bodies: MalformedJsonException (400) with a message, or a valid batch through the pipeline. */
class OtlpJsonFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void decode(byte[] body) {
    ExportMetricsServiceRequest request;
    try {
      request = OtlpJson.parseRequest(body);
    } catch (OtlpJson.MalformedJsonException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
      return;
    }
    OtlpDecoder.Result r = OtlpDecoder.decode(request);
    assertThat(r.acceptedPoints()).isEqualTo(r.batch().pointCount());
    FuzzPipeline.ingest(r.batch(), r.rejectedPoints(), r.errorMessage());
  }
}
