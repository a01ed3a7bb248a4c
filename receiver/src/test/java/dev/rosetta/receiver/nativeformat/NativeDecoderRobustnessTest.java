package dev.rosetta.receiver.nativeformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.HistogramPoint;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The native decoders refuse malformed bodies whole, with what and where, and nothing else escapes. */
class NativeDecoderRobustnessTest {

  static String goSample(String sample) {
    return "{\"samples\": [" + sample + "]}";
  }

  static String histogram(String counts, String buckets) {
    return goSample("{\"name\": \"/h:seconds\", \"kind\": \"float64histogram\", \"counts\": " + counts
        + ", \"buckets\": " + buckets + "}");
  }

  static Stream<Arguments> goMalformed() {
    return Stream.of(
        Arguments.of("duplicate resource attribute", "{\"resource\": {\"a\": \"1\", \"a\": \"2\"}, \"samples\": []}",
            "duplicate key \"a\" at $.resource.a"),
        Arguments.of("duplicate sample field", goSample("{\"name\": \"/a:b\", \"name\": \"/c:d\"}"), "duplicate key \"name\""),
        Arguments.of("resource value an object", "{\"resource\": {\"a\": {\"b\": 1}}, \"samples\": []}",
            "resource.a: expected a string, number or boolean"),
        Arguments.of("negative count", histogram("[-1]", "[0, 1]"), "samples[0].counts[0]: expected a count"),
        Arguments.of("fractional count", histogram("[1.5]", "[0, 1]"), "samples[0].counts[0]: expected a count"),
        Arguments.of("count over 2^63-1", histogram("[9223372036854775808]", "[0, 1]"), "from 0 to 2^63-1"),
        Arguments.of("count of 1e400", histogram("[1e400]", "[0, 1]"), "samples[0].counts[0]"),
        Arguments.of("counts add up past 2^63-1", histogram("[9223372036854775807, 1]", "[0, 1, 2]"),
            "the counts add up to more than 2^63-1"),
        Arguments.of("count as a long numeral", histogram("[\"" + "1".repeat(100_000) + "\"]", "[0, 1]"),
            "samples[0].counts[0]"),
        Arguments.of("NaN boundary", histogram("[1]", "[\"NaN\", 1]"), "samples[0].buckets[0]: NaN is not a boundary"),
        Arguments.of("infinite inner boundary", histogram("[1, 1]", "[0, \"+Inf\", 2]"),
            "only the first and last boundary may be infinite"),
        Arguments.of("equal boundaries", histogram("[1, 1]", "[0, 1, 1]"), "boundaries must increase strictly"),
        Arguments.of("boundary a word", histogram("[1]", "[0, \"one\"]"), "samples[0].buckets[1]: expected a number"),
        Arguments.of("value a long numeral", goSample("{\"name\": \"/a:b\", \"kind\": \"uint64\", \"value\": \""
            + "9".repeat(1_000_000) + "\"}"), "samples[0].value: expected an unsigned 64-bit integer"),
        Arguments.of("value over 2^64-1", goSample("{\"name\": \"/a:b\", \"kind\": \"uint64\", \"value\": 18446744073709551616}"),
            "expected an unsigned 64-bit integer"),
        Arguments.of("time negative", "{\"time_unix_nano\": -5, \"samples\": []}", "time_unix_nano: expected Unix time"),
        Arguments.of("time 1e300", "{\"time_unix_nano\": 1e300, \"samples\": []}", "time_unix_nano: expected Unix time"),
        Arguments.of("cumulative a string", goSample("{\"name\": \"/a:b\", \"kind\": \"uint64\", \"value\": 1,"
            + " \"cumulative\": \"yes\"}"), "samples[0].cumulative: expected true or false"),
        Arguments.of("sample not an object", goSample("7"), "samples[0]: expected an object"),
        Arguments.of("deep nesting", "{\"resource\": " + "[".repeat(200) + "]".repeat(200) + "}", "nesting deeper than 64"),
        Arguments.of("lone surrogate", "{\"resource\": {\"a\": \"\\udfff\"}, \"samples\": []}", "lone surrogate"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goMalformed")
  void goBodiesAreRefusedWhole(String name, String body, String reason) {
    assertThatThrownBy(() -> GoRuntimeDecoder.decode(body, Map.of(), 1))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void goHistogramCountsAreExactUpTo2To63() throws Exception {
    var r = GoRuntimeDecoder.decode(histogram("[9007199254740993, 1]", "[\"-Inf\", 0, \"+Inf\"]"), Map.of(), 1);
    HistogramPoint h = (HistogramPoint) r.batch().resources().get(0).scopes().get(0).metrics().get(0).points().get(0);
    assertThat(h.counts()).containsExactly(9007199254740993L, 1);
    assertThat(h.count()).isEqualTo(9007199254740994L);
  }

  static String read(String mbean, String value) {
    return "{\"request\": {\"mbean\": \"" + mbean + "\", \"type\": \"read\"}, \"value\": " + value
        + ", \"timestamp\": 1700000000, \"status\": 200}";
  }

  static Stream<Arguments> jolokiaMalformed() {
    return Stream.of(
        Arguments.of("duplicate attribute", read("a:type=b", "{\"X\": 1, \"X\": 2}"), "duplicate key \"X\""),
        Arguments.of("timestamp far future", read("a:type=b", "{\"X\": 1}").replace("1700000000", "1e300"),
            "timestamp: expected Unix seconds"),
        Arguments.of("timestamp negative", read("a:type=b", "{\"X\": 1}").replace("1700000000", "-1"),
            "timestamp: expected Unix seconds"),
        Arguments.of("status a string", read("a:type=b", "{\"X\": 1}").replace("\"status\": 200", "\"status\": \"200\""),
            "status: expected the HTTP status number"),
        Arguments.of("wildcard value not keyed", read("a:type=*", "[1, 2]"), "keyed by ObjectName"),
        Arguments.of("deep nesting", read("a:type=b", "{\"X\": " + "{\"y\": ".repeat(100) + "1" + "}".repeat(100) + "}"),
            "nesting deeper than 64"),
        Arguments.of("bulk entry a number", "[" + read("a:type=b", "{\"X\": 1}") + ", 5]", "[1]: expected a Jolokia"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jolokiaMalformed")
  void jolokiaBodiesAreRefusedWhole(String name, String body, String reason) {
    assertThatThrownBy(() -> JolokiaDecoder.decode(body, Map.of(), 1))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining(reason);
  }

  /**
   * A long ObjectName over many one-digit attributes names every leaf by the whole path: past
   * {@link JolokiaDecoder#MAX_EXPANSION} times the body in names, the body is refused, so the work
   * stays linear in the body.
   */
  @Test
  void jolokiaBodiesThatExpandWithoutBoundAreRefused() throws Exception {
    StringBuilder attrs = new StringBuilder("{");
    for (int i = 0; i < 20_000; i++) {
      attrs.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":1");
    }
    attrs.append('}');
    String mbean = "x:type=" + "y".repeat(1000);
    assertThatThrownBy(() -> JolokiaDecoder.decode(read(mbean, attrs.toString()), Map.of(), 1))
        .hasMessageContaining("times its size");
    // the same attributes under a real name are taken
    var r = JolokiaDecoder.decode(read("java.lang:type=Memory", attrs.toString()), Map.of(), 1);
    assertThat(r.batch().pointCount()).isEqualTo(20_000);
  }

  @Test
  void jolokiaSiblingLabelsAreSharedByTheLeavesOfAnMBean() throws Exception {
    var r = JolokiaDecoder.decode(read("a:type=b", "{\"Type\": \"HEAP\", \"U\": {\"used\": 1, \"max\": 2}}"), Map.of(), 1);
    var ms = r.batch().resources().get(0).scopes().get(0).metrics();
    assertThat(ms).hasSize(2);
    assertThat(ms.get(0).points().get(0).labels()).isSameAs(ms.get(1).points().get(0).labels());
  }
}
