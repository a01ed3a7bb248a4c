package dev.rosetta.model.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricNameTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/gc/heap/allocs:bytes | GO",
        "/godebug/non-default-behavior/panicnil:events | GO",
        "/no/unit | GO",
        "java.lang:type=Memory/HeapMemoryUsage/used | JVM",
        "java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used | JVM",
        "jvm.gc.G1-Young-Generation.count | DOTTED",
        "http.server.duration | DOTTED",
        "job:http_requests:rate5m | DOTTED",
        "a=b:c | DOTTED",
      })
  void classification(String name, Grammar grammar) {
    assertThat(Grammar.classify(name)).isEqualTo(grammar);
  }

  @Test
  void dottedSegments() {
    MetricName n = MetricName.parse("jvm.gc.G1-Young-Generation.count").value();
    assertThat(n).isInstanceOf(DottedName.class);
    assertThat(n.segments()).containsExactly("jvm", "gc", "G1-Young-Generation", "count");
    assertThat(DottedName.parse("a..b").value().segments()).containsExactly("a", "", "b");
    assertThat(DottedName.parse("single").value().segments()).containsExactly("single");
  }

  @Test
  void emptyNameIsAnErrorNotAnException() {
    ParseResult<MetricName> r = MetricName.parse("");
    assertThat(r.isOk()).isFalse();
    assertThat(r.error().message()).isEqualTo("empty metric name (at position 0)");
    assertThat(r.toOptional()).isEmpty();
    assertThatThrownBy(r::value).isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
  }

  @Test
  void grammarWords() {
    assertThat(Grammar.fromWord("jvm")).contains(Grammar.JVM);
    assertThat(Grammar.fromWord("JVM")).isEmpty();
    assertThat(Grammar.GO.word()).isEqualTo("go");
  }
}
