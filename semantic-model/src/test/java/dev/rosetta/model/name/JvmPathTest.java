package dev.rosetta.model.name;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JvmPathTest {

  private static JvmPath parse(String text) {
    ParseResult<JvmPath> r = JvmPath.parse(text);
    assertThat(r.isOk()).as(text + " -> " + r).isTrue();
    return r.value();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        // path | canonical ObjectName | segments (joined with ' > ')
        "java.nio:type=BufferPool,name=direct/MemoryUsed | java.nio:name=direct,type=BufferPool | MemoryUsed",
        "java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used | java.lang:name=G1 Eden Space,type=MemoryPool | Usage > used",
        "x:type=a/b,name=c/Attr | x:name=c,type=a/b | Attr",
        "x:type=a/b/c,name=d/Attr/item | x:name=d,type=a/b/c | Attr > item",
        "x:name=\"a/b\"/Attr | x:name=\"a/b\" | Attr",
        "x:name=\"a/b\",type=t/Attr | x:name=\"a/b\",type=t | Attr",
        "x:name=\"q\\\"/x\"/A!/B/c!!d | x:name=\"q\\\"/x\" | A/B > c!d",
        "java.lang:type=Memory | java.lang:type=Memory | ''",
        "java.lang:type=Memory/HeapMemoryUsage | java.lang:type=Memory | HeapMemoryUsage",
        "x:type=a/Attr/k1,k2 | x:type=a | Attr > k1,k2",
        "x:type=a/b=c | x:type=a | b=c",
      })
  void splitRule(String text, String canonicalObjectName, String segments) {
    JvmPath p = parse(text);
    assertThat(p.objectName().canonicalName()).isEqualTo(canonicalObjectName);
    assertThat(p.segments())
        .containsExactlyElementsOf(segments.isEmpty() ? List.of() : List.of(segments.split(" > ")));
    assertThat(p.text()).isEqualTo(text);
    assertThat(p.grammar()).isEqualTo(Grammar.JVM);
    assertThat(MetricName.parse(text).value()).isEqualTo(p);
  }

  @Test
  void attributeAndItems() {
    JvmPath p = parse("java.lang:type=GarbageCollector,name=G1 Young Generation/LastGcInfo/memoryUsageAfterGc/G1 Eden Space/used");
    assertThat(p.attribute()).contains("LastGcInfo");
    assertThat(p.items()).containsExactly("memoryUsageAfterGc", "G1 Eden Space", "used");
    assertThat(p.objectName().value("name")).contains("G1 Young Generation");
    assertThat(parse("java.lang:type=Memory").attribute()).isEmpty();
    assertThat(parse("java.lang:type=Memory").items()).isEmpty();
  }

  @Test
  void identityIsCanonical() {
    JvmPath a = parse("java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used");
    JvmPath b = parse("java.lang:name=G1 Eden Space,type=MemoryPool/Usage/used");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.canonical()).isEqualTo("java.lang:name=G1 Eden Space,type=MemoryPool/Usage/used");
    assertThat(parse(a.canonical())).isEqualTo(a);
    assertThat(a).isNotEqualTo(parse("java.lang:type=MemoryPool,name=G1 Eden Space/Usage/max"));
  }

  @Test
  void joinEscapesAndParseUnescapes() {
    String text = JvmPath.join("d:type=t", "a/b", "c!d", "!/!");
    assertThat(text).isEqualTo("d:type=t/a!/b/c!!d/!!!/!!");
    assertThat(parse(text).segments()).containsExactly("a/b", "c!d", "!/!");
  }

  @Test
  void randomRoundTrips() {
    Random random = new Random(42);
    String alphabet = "ab/!,=: \"\\*?.";
    for (int round = 0; round < 2000; round++) {
      List<String> segments = new ArrayList<>();
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        StringBuilder sb = new StringBuilder();
        int len = 1 + random.nextInt(6);
        for (int j = 0; j < len; j++) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        segments.add(sb.toString());
      }
      // a quoted value last: its closing quote ends the ObjectName whatever the path holds
      String value = ObjectName.quote(segments.get(0));
      String text = JvmPath.join("d:type=t,k=" + value, segments.toArray(String[]::new));
      JvmPath p = parse(text);
      assertThat(p.segments()).as(text).containsExactlyElementsOf(segments);
      assertThat(p.objectName().value("k")).contains(segments.get(0));
      // the canonical form puts the unquoted type=t last: it parses back unless a ',' in the
      // path reads as the start of another key property (the documented limit of the split rule)
      if (segments.stream().noneMatch(x -> x.contains(","))) {
        assertThat(parse(p.canonical())).as(p.canonical()).isEqualTo(p);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "x:type=a/ | 9 | empty attribute after the ObjectName",
        "x:type=a//b | 9 | empty attribute after the ObjectName",
        "x:type=a/b/ | 11 | empty path segment",
        "x:type=a/b//c | 11 | empty path segment",
        "x:type=a/b!c | 10 | '!' in the path must be followed by '/' or '!'",
        "x:type=a/b! | 10 | '!' in the path must be followed by '/' or '!'",
        "x:name=\"a/b/Attr | 7 | quoted value of key \"name\" is not closed",
        "x:name=\"a\"x/Attr | 10 | expected ',', '/' or the end after the quoted value of key \"name\"",
        "x:type=*/Attr | 7 | wildcard '*' in the value of key \"type\"",
        "x:ty/pe=a | 4 | character '/' is not allowed in a key",
        "x:type=a,=b/c | 9 | empty key before '='",
      })
  void malformed(String text, int position, String reason) {
    NameError e = JvmPath.parse(text).error();
    assertThat(e.reason()).startsWith(reason);
    assertThat(e.position()).isEqualTo(position);
    assertThat(MetricName.parse(text).error()).isEqualTo(e);
  }

  @Test
  void patternsAcceptWildcards() {
    JvmPath p = JvmPath.parsePattern("*:type=GarbageCollector,name={gc},*/CollectionCount").value();
    assertThat(p.objectName().domain()).isEqualTo("*");
    assertThat(p.objectName().isPropertyListPattern()).isTrue();
    assertThat(p.objectName().value("name")).contains("{gc}");
    assertThat(p.segments()).containsExactly("CollectionCount");
    JvmPath q = JvmPath.parsePattern("x:type=a/b,*/Attr").value();
    assertThat(q.objectName().value("type")).contains("a/b");
    assertThat(q.objectName().isPropertyListPattern()).isTrue();
    assertThat(JvmPath.parsePattern("x:type=G1*/Attr").value().objectName().hasWildcard(0)).isTrue();
  }
}
