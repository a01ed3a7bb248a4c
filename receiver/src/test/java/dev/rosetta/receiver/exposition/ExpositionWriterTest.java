package dev.rosetta.receiver.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExpositionWriterTest {
  @Test
  void encodesEverythingWrittenIncludingSurrogatePairsAcrossChunks() throws Exception {
    StringBuilder expected = new StringBuilder();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ExpositionWriter w = new ExpositionWriter(bytes)) {
      // fill up to one char before the chunk size, then a pair that straddles the boundary
      String filler = "a".repeat((1 << 16) - 1);
      w.write(filler);
      expected.append(filler);
      String emoji = "\uD83D\uDE00";
      for (char c : emoji.toCharArray()) {
        w.write(c);
      }
      expected.append(emoji);
      w.append("é label=\"ü\"\n").append('x');
      expected.append("é label=\"ü\"\nx");
      char[] arr = "ŋ-end".toCharArray();
      w.write(arr, 0, arr.length);
      expected.append("ŋ-end");
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
  }
}
