package dev.rosetta.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON every body is read with: each malformation refused with what and where. */
class StrictJsonTest {

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("empty", "", "the body is empty"),
        Arguments.of("whitespace only", "  \n", "the body is empty"),
        Arguments.of("truncated", "{\"a\": [1, 2", "the body ends early"),
        Arguments.of("syntax error", "{\"a\" 1}", "Expected ':' at line 1 column 7 path $.a"),
        Arguments.of("trailing data", "{} {}", "data after the end of the document"),
        Arguments.of("single quotes", "{'a': 1}", "malformed JSON at line 1 column 3"),
        Arguments.of("comment", "{\"a\": 1 /* x */}", "invalid JSON"),
        Arguments.of("NaN literal", "{\"a\": NaN}", "invalid JSON"),
        Arguments.of("trailing comma", "{\"a\": 1,}", "invalid JSON"),
        Arguments.of("duplicate key", "{\"a\": 1, \"b\": 2, \"a\": 3}", "duplicate key \"a\" at $.a"),
        Arguments.of("duplicate key deep", "{\"x\": [{\"k\": 1}, {\"k\": 1, \"k\": 2}]}", "duplicate key \"k\" at $.x[1].k"),
        Arguments.of("lone high surrogate", "{\"a\": \"\\ud800\"}", "lone surrogate \\ud800"),
        Arguments.of("lone low surrogate in a key", "{\"\\udc00\": 1}", "lone surrogate \\udc00"),
        Arguments.of("reversed pair", "[\"\\udc00\\ud800\"]", "lone surrogate"),
        Arguments.of("nesting 65 deep", "[".repeat(65) + "]".repeat(65), "nesting deeper than 64 levels"),
        Arguments.of("objects 65 deep", "{\"a\":".repeat(65) + "1" + "}".repeat(65), "nesting deeper than 64 levels"),
        Arguments.of("huge nesting", "[".repeat(100_000), "nesting deeper than 64 levels"),
        Arguments.of("number too long for the reader", "[" + "1".repeat(5000) + "]", "invalid JSON"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedJsonIsRefusedWithTheReason(String name, String body, String reason) {
    assertThatThrownBy(() -> StrictJson.parse(body))
        .isInstanceOf(StrictJson.MalformedException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void wellFormedJsonIsRead() throws Exception {
    var tree = StrictJson.parse("{\"a\": [1, 2.5e3, -0, \"\\ud83d\\ude00\", true, null, {}], \"b\": {\"c\": \"\"}}");
    assertThat(tree.getAsJsonObject().getAsJsonArray("a")).hasSize(7);
    assertThat(tree.getAsJsonObject().getAsJsonArray("a").get(3).getAsString()).isEqualTo("\uD83D\uDE00");
    assertThat(StrictJson.parse("[" + "[".repeat(63) + "]".repeat(63) + "]").isJsonArray()).isTrue();
  }

  @Test
  void utf8IsCheckedAndTheOffsetNamed() throws Exception {
    assertThat(StrictJson.utf8("{\"é\": \"😀\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"é\": \"😀\"}");
    byte[] bad = "{\"a\": \"xx\"}".getBytes(StandardCharsets.UTF_8);
    bad[7] = (byte) 0xC3; // a lead byte followed by an ASCII byte
    assertThatThrownBy(() -> StrictJson.utf8(bad)).hasMessageContaining("not valid UTF-8")
        .hasMessageContaining("offset 7");
    byte[] overlong = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
    assertThatThrownBy(() -> StrictJson.utf8(overlong)).hasMessageContaining("offset 1");
    byte[] surrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
    assertThatThrownBy(() -> StrictJson.utf8(surrogate)).hasMessageContaining("not valid UTF-8");
    byte[] truncated = {'"', (byte) 0xF0, (byte) 0x9F};
    assertThatThrownBy(() -> StrictJson.utf8(truncated)).hasMessageContaining("not valid UTF-8");
  }
}
