package dev.rosetta.model.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Labels;
import dev.rosetta.model.name.Grammar;
import dev.rosetta.model.name.MetricName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamePatternTest {

  /** Captures of {@code pattern} on {@code name} as labels, or null when it does not match. */
  private static Labels match(NamePattern pattern, String name) {
    MetricName n = MetricName.parse(name).value();
    if (n.grammar() != pattern.grammar()) {
      return null;
    }
    Captures c = new Captures(pattern.captures().size());
    if (!pattern.matches(n, c)) {
      return null;
    }
    Labels.Builder b = Labels.builder();
    for (int i = 0; i < pattern.captures().size(); i++) {
      b.add(pattern.captures().names().get(i), c.get(i, "/"));
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} ~ {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // pattern | name | captures (k=v;k=v) or NO
        "/gc/heap/{kind}:bytes | /gc/heap/allocs:bytes | kind=allocs",
        "/gc/heap/{kind}:bytes | /gc/heap/allocs:objects | NO",
        "/gc/heap/{kind}:{u} | /gc/heap/allocs:objects | kind=allocs;u=objects",
        "/gc/heap/*:* | /gc/heap/allocs:objects | ``",
        "/gc/{rest...}:bytes | /gc/heap/tiny/allocs:bytes | rest=heap/tiny/allocs",
        "/gc/{rest...}:bytes | /gc:bytes | NO",
        "/{a...}/total:cpu-seconds | /cpu/classes/gc/total:cpu-seconds | a=cpu/classes/gc",
        "/{a...}/total:cpu-seconds | /total:cpu-seconds | NO",
        "/x/{m...}/y/z:u | /x/1/2/y/z:u | m=1/2",
        "jvm.gc.{gc}.count | jvm.gc.G1.count | gc=G1",
        "jvm.{rest...} | jvm.gc.G1.count | rest=gc/G1/count",
        "jvm.{rest...}.count | jvm.gc.G1.count | rest=gc/G1",
        "*.gc.* | jvm.gc.x | ``",
        "java.lang:type=Memory/{attr}/{item} | java.lang:type=Memory/HeapMemoryUsage/used | attr=HeapMemoryUsage;item=used",
        "java.lang:type=Memory/{attr} | java.lang:type=Memory/HeapMemoryUsage/used | NO",
        "java.lang:type=Memory | java.lang:type=Memory | ``",
        "java.lang:type=Memory | java.lang:type=Memory/HeapMemoryUsage | NO",
        "java.lang:name={n},type=MemoryPool/{p...} | java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used | n=G1 Eden Space;p=Usage/used",
        "{d}:type=Threading/ThreadCount | java.lang:type=Threading/ThreadCount | d=java.lang",
        "*:type=Threading/ThreadCount | x:type=Threading/ThreadCount | ``",
        "*:type=Threading/ThreadCount | x:type=Threading,k=v/ThreadCount | NO",
        "*:type=Threading,*/ThreadCount | x:type=Threading,k=v/ThreadCount | ``",
        "*:*/ThreadCount | x:type=Threading,k=v/ThreadCount | ``",
        "Catalina:type=ThreadPool,name=\"http-nio-8080\"/{a} | Catalina:type=ThreadPool,name=\"http-nio-8080\"/currentThreadCount | a=currentThreadCount",
        "Catalina:type=ThreadPool,name=http-nio-8080/{a} | Catalina:type=ThreadPool,name=\"http-nio-8080\"/currentThreadCount | NO",
        "Catalina:type=ThreadPool,name={n}/{a} | Catalina:type=ThreadPool,name=\"http\\\"nio\"/c | n=http\"nio;a=c",
        "x:type=*/A | x:type=\"q\"/A | ``",
      })
  void matches(String pattern, String name, String expected) {
    Labels got = match(NamePattern.compile(pattern), name);
    if (expected.equals("NO")) {
      assertThat(got).isNull();
      return;
    }
    Labels.Builder b = Labels.builder();
    if (!expected.isEmpty()) {
      for (String kv : expected.split(";")) {
        b.add(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    assertThat(got).isEqualTo(b.build());
  }

  @Test
  void indexHints() {
    assertThat(NamePattern.compile("/gc/{x}:bytes").firstSegment()).isEqualTo("gc");
    assertThat(NamePattern.compile("/{x}/y:bytes").firstSegment()).isNull();
    assertThat(NamePattern.compile("jvm.{x}").firstSegment()).isEqualTo("jvm");
    NamePattern exact = NamePattern.compile("java.lang:type=MemoryPool,name={n}/Usage");
    assertThat(exact.domain()).isEqualTo("java.lang");
    assertThat(exact.keySet()).isEqualTo("name,type");
    NamePattern open = NamePattern.compile("*:type=GarbageCollector,*/CollectionCount");
    assertThat(open.domain()).isNull();
    assertThat(open.keySet()).isNull();
  }

  @Test
  void regexesMatchJvmNamesInCanonicalForm() {
    NamePattern p = NamePattern.compileRegex(
        "^java\\.lang:name=(?P<pool>[^,/]+),type=MemoryPool/Usage/(?P<kind>\\w+)$", Grammar.JVM);
    Labels expected = Labels.of("pool", "G1 Eden Space", "kind", "used");
    assertThat(match(p, "java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used")).isEqualTo(expected);
    assertThat(match(p, "java.lang:name=G1 Eden Space,type=MemoryPool/Usage/used")).isEqualTo(expected);
    NamePattern unanchored = NamePattern.compileRegex("heap/(?P<x>[a-z]+)", Grammar.GO);
    assertThat(match(unanchored, "/gc/heap/allocs:bytes")).isEqualTo(Labels.of("x", "allocs"));
    NamePattern optional = NamePattern.compileRegex("^/gc(?P<o>/x)?/heap", Grammar.GO);
    assertThat(match(optional, "/gc/heap/allocs:bytes")).isEqualTo(Labels.of("o", ""));
  }
}
