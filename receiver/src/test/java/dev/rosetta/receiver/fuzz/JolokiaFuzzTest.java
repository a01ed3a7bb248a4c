package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.receiver.nativeformat.JolokiaDecoder;
import dev.rosetta.receiver.nativeformat.MalformedBodyException;
import dev.rosetta.receiver.otlp.StrictJson;
import java.util.Map;

/** Jolokia read responses: MalformedBodyException (400), or a valid batch through the pipeline. */
class JolokiaFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void decode(byte[] body) {
    JolokiaDecoder.Result r;
    String text;
    try {
      text = StrictJson.utf8(body);
      r = JolokiaDecoder.decode(text, Map.of("service.name", "fuzz"), 1_700_000_000_000_000_000L);
    } catch (StrictJson.MalformedException | MalformedBodyException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
      return;
    }
    assertThat(r.errorEntries()).isNotNegative();
    long names = 0;
    for (var m : r.batch().resources().isEmpty() ? java.util.List.<dev.rosetta.model.Metric>of()
        : r.batch().resources().get(0).scopes().get(0).metrics()) {
      names += m.name().length();
    }
    assertThat(names).isLessThanOrEqualTo(JolokiaDecoder.MAX_EXPANSION * (long) text.length() + (1 << 20));
    FuzzPipeline.ingest(r.batch(), 0, "");
  }
}
