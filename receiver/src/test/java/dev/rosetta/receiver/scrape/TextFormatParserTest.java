package dev.rosetta.receiver.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TextFormatParserTest {
  record S(String name, Labels labels, double value, long ts, String family, FamilyType type, FamilyType.SampleRole role) {}

  static final class Collect implements ExpositionSink {
    final List<S> samples = new ArrayList<>();
    final Map<String, String> help = new TreeMap<>();
    final Map<String, String> units = new TreeMap<>();

    @Override
    public void sample(String name, Labels labels, double value, long ts, String family, FamilyType type,
        FamilyType.SampleRole role) {
      samples.add(new S(name, labels, value, ts, family, type, role));
    }

    @Override
    public void help(String family, String text) {
      help.put(family, text);
    }

    @Override
    public void unit(String family, String unit) {
      units.put(family, unit);
    }
  }

  static Collect text(String body) throws ExpositionException {
    Collect c = new Collect();
    TextFormatParser.parse(body.getBytes(StandardCharsets.UTF_8), false, c);
    return c;
  }

  static Collect om(String body) throws ExpositionException {
    Collect c = new Collect();
    TextFormatParser.parse(body.getBytes(StandardCharsets.UTF_8), true, c);
    return c;
  }

  @Test
  void textFormatFamiliesSamplesAndMetadata() throws Exception {
    Collect c = text("""
        # HELP go_gc_duration_seconds A summary of the wall-time pause (stop-the-world) duration.\\nSecond line \\\\ end
        # TYPE go_gc_duration_seconds summary
        go_gc_duration_seconds{quantile="0"} 1.2e-05
        go_gc_duration_seconds{quantile="1"} 0.000125
        go_gc_duration_seconds_sum 0.0023
        go_gc_duration_seconds_count 17
        # a free comment
        # TYPE http_requests_total counter
        http_requests_total{code="200",method="get",} 1027 1395066363000

        \thttp_requests_total{method="post",code="400"}    3   1395066363000\t
        # TYPE req histogram
        req_bucket{le="0.5"} 1
        req_bucket{le="+Inf"} 2
        req_sum 1.5
        req_count 2
        untyped_metric -Inf
        """);
    assertThat(c.help.get("go_gc_duration_seconds"))
        .isEqualTo("A summary of the wall-time pause (stop-the-world) duration.\nSecond line \\ end");
    assertThat(c.samples).hasSize(11);
    S q = c.samples.get(0);
    assertThat(q.family()).isEqualTo("go_gc_duration_seconds");
    assertThat(q.type()).isEqualTo(FamilyType.SUMMARY);
    assertThat(q.role()).isEqualTo(FamilyType.SampleRole.QUANTILE);
    assertThat(q.value()).isEqualTo(1.2e-05);
    assertThat(c.samples.get(3).role()).isEqualTo(FamilyType.SampleRole.COUNT);
    S r = c.samples.get(4);
    assertThat(r.labels()).isEqualTo(Labels.of("code", "200", "method", "get"));
    assertThat(r.ts()).isEqualTo(1395066363000L);
    assertThat(r.type()).isEqualTo(FamilyType.COUNTER);
    assertThat(c.samples.get(5).labels()).isEqualTo(Labels.of("code", "400", "method", "post"));
    assertThat(c.samples.get(6).role()).isEqualTo(FamilyType.SampleRole.BUCKET);
    assertThat(c.samples.get(6).family()).isEqualTo("req");
    S u = c.samples.get(10);
    assertThat(u.type()).isEqualTo(FamilyType.UNKNOWN);
    assertThat(u.value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(u.ts()).isEqualTo(ExpositionSink.NO_TIMESTAMP);
  }

  @Test
  void textFormat100QuotedNamesAndEscapes() throws Exception {
    Collect c = text("""
        # TYPE "my.dotted.metric" gauge
        {"my.dotted.metric", "label.with.dots"="a\\"b\\\\c\\nd", other="\\t"} 1
        """);
    S s = c.samples.get(0);
    assertThat(s.name()).isEqualTo("my.dotted.metric");
    assertThat(s.type()).isEqualTo(FamilyType.GAUGE);
    assertThat(s.labels().get("label.with.dots")).isEqualTo("a\"b\\c\nd");
    assertThat(s.labels().get("other")).isEqualTo("\\t");
  }

  @Test
  void openMetricsCountersInfoTimestampsInSecondsAndExemplars() throws Exception {
    Collect c = om("""
        # TYPE foo counter
        # UNIT foo seconds
        # HELP foo A counter \\"quoted\\".
        foo_total{a="b"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67
        foo_created{a="b"} 1520430000.123
        # TYPE build info
        build_info{version="1.2"} 1
        # TYPE state stateset
        state{state="a"} 1
        state{state="b"} 0
        # EOF
        """);
    assertThat(c.units).containsEntry("foo", "seconds");
    assertThat(c.help).containsEntry("foo", "A counter \"quoted\".");
    S t = c.samples.get(0);
    assertThat(t.role()).isEqualTo(FamilyType.SampleRole.VALUE);
    assertThat(t.family()).isEqualTo("foo");
    assertThat(t.ts()).isEqualTo(1520879607789L);
    assertThat(c.samples.get(1).role()).isEqualTo(FamilyType.SampleRole.CREATED);
    assertThat(c.samples.get(2).type()).isEqualTo(FamilyType.INFO);
    assertThat(c.samples.get(2).family()).isEqualTo("build");
    assertThat(c.samples.get(3).type()).isEqualTo(FamilyType.STATESET);
  }

  @Test
  void manyLabelsInAnyOrderAreSortedAndDuplicatesRefused() throws Exception {
    StringBuilder b = new StringBuilder("m{");
    for (int i = 99; i >= 0; i--) {
      b.append("l").append(String.format("%03d", i)).append("=\"v").append(i).append("\",");
    }
    b.append("} 1\n");
    Collect c = text(b.toString());
    assertThat(c.samples.get(0).labels().size()).isEqualTo(100);
    assertThat(c.samples.get(0).labels().name(0)).isEqualTo("l000");
    assertThatThrownBy(() -> text("m{b=\"1\",a=\"2\",b=\"3\"} 1\n"))
        .hasMessageContaining("label b given twice");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing value           | text | m{a=\"b\"}\\n                     | line 1: expected a space and a value",
      "bad float               | text | m 1.0d\\n                         | invalid value \"1.0d\"",
      "hex without exponent    | text | m 0x10\\n                         | invalid value \"0x10\"",
      "unterminated labels     | text | m{a=\"b\" 1\\n                    | expected ',' or '}'",
      "unterminated value      | text | m{a=\"b} 1\\n                     | line break inside a quoted label value",
      "float timestamp         | text | m 1 1.5\\n                        | expected integer milliseconds",
      "unknown type            | text | # TYPE m gauges\\nm 1\\n           | unknown metric type \"gauges\"",
      "trailing garbage        | text | m 1 2 3\\n                        | unexpected '3' before the end",
      "label without quotes    | text | m{a=b} 1\\n                       | expected a quoted value for label a",
      "name inside braces      | text | m{__name__=\"x\"} 1\\n            | label __name__ inside the braces",
      "no name                 | text | {a=\"b\"} 1\\n                    | a sample without a metric name",
      "hash after value        | text | m 1 # {a=\"b\"} 1\\n              | unexpected '#'",
      "om without eof          | om   | m 1\\n                            | does not end with # EOF",
      "om after eof            | om   | # EOF\\nm 1\\n                    | nothing may follow # EOF",
      "om empty line           | om   | m 1\\n\\n# EOF\\n                 | line 2: empty line",
      "om free comment         | om   | # hello\\n# EOF\\n                | unexpected comment",
  })
  void errorsNameTheLineAndTheProblem(String name, String format, String body, String message) {
    String b = body.replace("\\n", "\n");
    assertThatThrownBy(() -> {
      if (format.equals("om")) {
        om(b);
      } else {
        text(b);
      }
    }).isInstanceOf(ExpositionException.class).hasMessageContaining(message);
  }

  @Test
  void anOpenMetricsCounterWithoutTotalIsAFamilyOfItsOwn() throws Exception {
    Collect c = om("# TYPE c counter\nc 1\n# EOF\n");
    assertThat(c.samples.get(0).type()).isEqualTo(FamilyType.UNKNOWN);
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] body = {'m', '{', 'a', '=', '"', (byte) 0xff, '"', '}', ' ', '1', '\n'};
    assertThatThrownBy(() -> TextFormatParser.parse(body, false, new Collect()))
        .hasMessageContaining("not valid UTF-8");
  }

  @ParameterizedTest
  @CsvSource({"1,true", "-1.5e-3,true", "+.5,true", "0x1p-2,true", "0x1.8P3,true", "1e,false", "0x1,false",
      "1.0f,false", "..1,false", "1_000,false", "'',false", "e5,false"})
  void goFloatSyntax(String text, boolean ok) {
    assertThat(TextFormatParser.isGoFloat(text)).isEqualTo(ok);
  }
}
