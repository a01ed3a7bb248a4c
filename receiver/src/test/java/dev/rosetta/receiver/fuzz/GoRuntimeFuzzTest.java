package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.receiver.nativeformat.GoRuntimeDecoder;
import dev.rosetta.receiver.nativeformat.MalformedBodyException;
import dev.rosetta.receiver.otlp.StrictJson;
import java.util.Map;

/** Go runtime/metrics bodies: MalformedBodyException (400) naming where, or a valid batch through the pipeline. */
class GoRuntimeFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void decode(byte[] body) {
    GoRuntimeDecoder.Result r;
    try {
      r = GoRuntimeDecoder.decode(StrictJson.utf8(body), Map.of("service.name", "fuzz"), 1_700_000_000_000_000_000L);
    } catch (StrictJson.MalformedException | MalformedBodyException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
      return;
    }
    assertThat(r.skipped()).isNotNegative();
    FuzzPipeline.ingest(r.batch(), 0, "");
  }
}
