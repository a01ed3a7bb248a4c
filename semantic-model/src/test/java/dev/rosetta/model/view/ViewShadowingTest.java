package dev.rosetta.model.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class ViewShadowingTest {
  static final List<String> SETS = BuiltinViews.NAMES;

  private static List<String> shadowed(String yaml) throws Exception {
    ViewSet set = ViewSet.builder().addYaml("v.yaml", yaml).build();
    List<String> out = new ArrayList<>();
    for (ViewShadowing.Shadow s : ViewShadowing.find(set.views())) {
      out.add(s.view().id() + " by " + s.by().id());
    }
    return out;
  }

  /** Two views, the first written {@code earlier}, the second {@code later} (each a match and maybe an exclude). */
  private static String two(String earlier, String later) {
    return "views:\n"
        + "  - {id: first, " + earlier + ", name: a}\n"
        + "  - {id: second, " + later + ", name: b}\n";
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // earlier | later | shadowed
      "match: '/gc/{x...}:bytes' | match: /gc/heap/allocs:bytes | true",
      "match: '/gc/{x...}:{u}' | match: '/gc/heap/{k}:objects' | true",
      "match: '/gc/*/allocs:{u}' | match: '/gc/{k...}/allocs:bytes' | false",
      "match: '/{a}/{b...}:bytes' | match: '/gc/{k...}/allocs:bytes' | true",
      "match: /gc/heap/allocs:bytes | match: '/gc/{x...}:bytes' | false",
      "match: /gc/heap/allocs:bytes | match: /gc/heap/allocs:objects | false",
      "match: '/gc/{x}:bytes' | match: /gc/heap/allocs:bytes | false",
      "match: '/cpu/{c...}:cpu-seconds', exclude: /cpu/classes/total:cpu-seconds | match: /cpu/classes/total:cpu-seconds | false",
      "match: '/cpu/{c...}:cpu-seconds', exclude: /cpu/classes/total:cpu-seconds | match: '/cpu/classes/{c}:cpu-seconds', exclude: '/cpu/classes/{x}:cpu-seconds' | true",
      "match: 'http.{rest...}' | match: http.server.duration | true",
      "match: 'http.*.duration' | match: http.client.duration | true",
      "match: 'http.*.duration' | match: http.client.request.duration | false",
      "match: 'java.lang:type=MemoryPool,name={pool}/Usage/{k}' | match: 'java.lang:type=MemoryPool,name=Metaspace/Usage/used' | true",
      "match: 'java.lang:type=MemoryPool,*/Usage/used' | match: 'java.lang:type=MemoryPool,name={pool}/Usage/used' | true",
      "match: 'java.lang:type=MemoryPool,name={pool}/Usage/used' | match: 'java.lang:type=MemoryPool,*/Usage/used' | false",
      "match: 'java.lang:type=MemoryPool,name={pool}/Usage/used' | match: 'java.lang:type=GarbageCollector,name={gc}/Usage/used' | false",
      "match: '*:type=MemoryPool,name={pool}/Usage/used' | match: 'java.lang:type=MemoryPool,name={pool}/Usage/used' | true",
      "match_regex: '^app\\..*', grammar: dotted | match_regex: '^app\\..*', grammar: dotted | true",
      "match_regex: '^app\\..*', grammar: dotted | match: app.requests | false",
  })
  void anEarlierViewThatMatchesEveryNameShadowsTheLaterOne(String earlier, String later, boolean shadowed)
      throws Exception {
    assertThat(shadowed(two(earlier, later))).isEqualTo(shadowed ? List.of("second by first") : List.of());
  }

  @ParameterizedTest
  @FieldSource("SETS")
  void noBuiltInSetHasAShadowedView(String set) throws Exception {
    ViewSet views = ViewSet.builder().builtin(set).build();
    assertThat(ViewShadowing.find(views.views())).isEmpty();
    views.overlay().ifPresent(o -> assertThat(ViewShadowing.find(o.views())).isEmpty());
  }

  @Test
  void theDefaultSetsTogetherHaveNoShadowedView() throws Exception {
    ViewSet views = ViewSet.builder().builtins(BuiltinViews.DEFAULTS).build();
    assertThat(ViewShadowing.find(views.views())).isEmpty();
  }

  @Test
  void aViewFileKnowsWhereEachViewIsWritten() throws Exception {
    ViewSet set = ViewSet.builder().addYaml("v.yaml", two("match: app.x", "match: app.x")).build();
    assertThat(set.views().get(1).line()).isEqualTo(3);
    assertThat(set.views().get(1).column()).isEqualTo(5);
  }
}
