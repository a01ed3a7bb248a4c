package dev.rosetta.receiver.nativeformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.NumberPoint;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JolokiaDecoderTest {

  static Map<String, Metric> byName(JolokiaDecoder.Result r) {
    Map<String, Metric> m = new TreeMap<>();
    if (!r.batch().resources().isEmpty()) {
      for (Metric x : r.batch().resources().get(0).scopes().get(0).metrics()) {
        m.put(x.name(), x);
      }
    }
    return m;
  }

  static double value(Metric m) {
    return ((NumberPoint) m.points().get(0)).value();
  }

  @Test
  void singleCompositeAttribute() throws Exception {
    var r = JolokiaDecoder.decode("""
        {"request": {"mbean": "java.lang:type=Memory", "attribute": "HeapMemoryUsage", "type": "read"},
         "value": {"init": 1, "committed": 2, "max": -1, "used": 3}, "timestamp": 1700000000, "status": 200}""",
        Map.of("service.name", "api"), 1);
    var m = byName(r);
    assertThat(m).containsOnlyKeys("java.lang:type=Memory/HeapMemoryUsage/init",
        "java.lang:type=Memory/HeapMemoryUsage/committed", "java.lang:type=Memory/HeapMemoryUsage/max",
        "java.lang:type=Memory/HeapMemoryUsage/used");
    assertThat(value(m.get("java.lang:type=Memory/HeapMemoryUsage/used"))).isEqualTo(3);
    assertThat(m.get("java.lang:type=Memory/HeapMemoryUsage/used").points().get(0).epochNanos())
        .isEqualTo(1700000000L * 1_000_000_000L);
    assertThat(r.batch().resources().get(0).resource()).isEqualTo(Labels.of("service.name", "api"));
  }

  @Test
  void wildcardBulkWithSiblingsNullsAndErrors() throws Exception {
    var r = JolokiaDecoder.decode("""
        [{"request": {"mbean": "java.lang:type=MemoryPool,*", "type": "read"},
          "value": {
            "java.lang:name=G1 Eden Space,type=MemoryPool": {"Name": "G1 Eden Space", "Type": "HEAP",
               "Usage": {"used": 10, "max": -1}, "CollectionUsage": null, "Valid": true},
            "java.lang:name=Metaspace,type=MemoryPool": {"Name": "Metaspace", "Type": "NON_HEAP",
               "Usage": {"used": 20}}},
          "status": 200},
         {"request": {"mbean": "java.lang:type=Threading", "attribute": ["ThreadCount", "DaemonThreadCount",
            "AllThreadIds"], "type": "read"}, "value": {"ThreadCount": 12, "DaemonThreadCount": 9,
            "AllThreadIds": [1, 2, 17]}, "status": 200},
         {"request": {"mbean": "java.nio:type=BufferPool,name=direct", "attribute": "MemoryUsed", "type": "read"},
          "value": 4096, "status": 200},
         {"request": {"mbean": "java.lang:type=Nope", "type": "read"}, "error_type": "javax.management.InstanceNotFoundException",
          "error": "not found", "status": 404}]""", Map.of(), 1);
    var m = byName(r);
    Metric eden = m.get("java.lang:name=G1 Eden Space,type=MemoryPool/Usage/used");
    assertThat(value(eden)).isEqualTo(10);
    assertThat(eden.points().get(0).labels())
        .isEqualTo(Labels.of("__attr_Name", "G1 Eden Space", "__attr_Type", "HEAP", "__attr_Valid", "true"));
    assertThat(value(m.get("java.lang:name=Metaspace,type=MemoryPool/Usage/used"))).isEqualTo(20);
    assertThat(value(m.get("java.lang:type=Threading/ThreadCount"))).isEqualTo(12);
    assertThat(value(m.get("java.nio:type=BufferPool,name=direct/MemoryUsed"))).isEqualTo(4096);
    assertThat(m.keySet()).noneMatch(k -> k.contains("AllThreadIds"));
    assertThat(r.errorEntries()).isEqualTo(1);
    assertThat(r.skippedValues()).isEqualTo(2); // the null CollectionUsage and the id array
  }

  @Test
  void readWithPathAndAttributeNamesNeedingEscapes() throws Exception {
    var r = JolokiaDecoder.decode("""
        {"request": {"mbean": "x:type=a/b", "attribute": "Odd/Name!", "path": "used", "type": "read"},
         "value": 7, "status": 200}""", Map.of(), 1);
    assertThat(byName(r)).containsOnlyKeys("x:type=a/b/Odd!/Name!!/used");
  }

  @Test
  void notAJolokiaResponse() {
    assertThatThrownBy(() -> JolokiaDecoder.decode("42", Map.of(), 1)).hasMessageContaining("Jolokia response");
    assertThatThrownBy(() -> JolokiaDecoder.decode("[{\"value\": 1}]", Map.of(), 1))
        .hasMessageStartingWith("[0].status");
    assertThatThrownBy(() -> JolokiaDecoder.decode("{\"status\": 200, \"request\": {\"type\": \"read\"}, \"value\": 1}",
        Map.of(), 1)).hasMessageStartingWith("request.mbean");
  }
}
