package dev.rosetta.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void builderSortsAndRejectsDuplicateAdds() {
    Labels l = Labels.builder().add("b", "2").add("a", "1").add("c", "3").build();
    assertThat(l.names()).containsExactly("a", "b", "c");
    assertThat(l.values()).containsExactly("1", "2", "3");
    assertThatThrownBy(() -> Labels.builder().add("a", "1").add("b", "2").add("a", "3").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate label name: a");
  }

  @Test
  void putReplacesEarlierEntriesAndTheLastPutWins() {
    assertThat(Labels.builder().add("a", "1").put("a", "2").put("a", "3").build()).isEqualTo(Labels.of("a", "3"));
    assertThat(Labels.builder().put("z", "1").add("a", "0").put("z", "2").build())
        .isEqualTo(Labels.of("a", "0", "z", "2"));
    // an add after a put of the same name is a duplicate, as an add after an add
    assertThatThrownBy(() -> Labels.builder().put("a", "1").add("a", "2").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Labels.builder().add("a", "1").put("a", "2").add("a", "3").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderAgreesWithASortedMapForManyShuffledPuts() {
    Random r = new Random(7);
    for (int round = 0; round < 50; round++) {
      int n = 1 + r.nextInt(round < 40 ? 40 : 5000);
      TreeMap<String, String> oracle = new TreeMap<>();
      Labels.Builder b = Labels.builder();
      for (int i = 0; i < n; i++) {
        String k = "k" + r.nextInt(n);
        String v = "v" + i;
        b.put(k, v);
        oracle.put(k, v);
      }
      assertThat(b.build().asMap()).containsExactlyEntriesOf(oracle);
    }
  }

  @Test
  void toBuilderKeepsTheLabelsAndTakesPuts() {
    Labels l = Labels.of("a", "1", "c", "3");
    assertThat(l.toBuilder().put("b", "2").put("a", "0").build()).isEqualTo(Labels.of("a", "0", "b", "2", "c", "3"));
    assertThat(l.toBuilder().build()).isEqualTo(l);
    assertThatThrownBy(() -> l.toBuilder().add("a", "x").build()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withAllOverlaysOneSortedSetOnAnother() {
    Labels base = Labels.of("a", "1", "c", "3", "e", "5");
    Labels over = Labels.of("b", "x", "c", "y", "f", "z");
    assertThat(base.withAll(over)).isEqualTo(Labels.of("a", "1", "b", "x", "c", "y", "e", "5", "f", "z"));
    assertThat(base.withAll(Labels.empty())).isSameAs(base);
    assertThat(Labels.empty().withAll(over)).isSameAs(over);
    Random r = new Random(3);
    for (int round = 0; round < 100; round++) {
      Map<String, String> m1 = randomMap(r);
      Map<String, String> m2 = randomMap(r);
      TreeMap<String, String> oracle = new TreeMap<>(m1);
      oracle.putAll(m2);
      assertThat(Labels.of(m1).withAll(Labels.of(m2)).asMap()).containsExactlyEntriesOf(oracle);
    }
  }

  @Test
  void namesWithAPrefixAreFoundAndRemovedWhereverTheySort() {
    // "0", "A" and "Z" sort before "__"; "a" after it
    Labels l = Labels.of("0", "d", "A", "u", "Z", "z", "__attr_Type", "HEAP", "__attr_Name", "n", "a", "l");
    assertThat(l.hasNameWithPrefix("__")).isTrue();
    assertThat(l.withoutPrefix("__")).isEqualTo(Labels.of("0", "d", "A", "u", "Z", "z", "a", "l"));
    assertThat(Labels.of("a", "1").withoutPrefix("__")).isEqualTo(Labels.of("a", "1"));
    Labels none = Labels.of("A", "1", "b", "2");
    assertThat(none.hasNameWithPrefix("__")).isFalse();
    assertThat(none.withoutPrefix("__")).isSameAs(none);
    assertThat(Labels.of("__a", "1").withoutPrefix("__")).isSameAs(Labels.empty());
  }

  @Test
  void largeShuffledSetsBuildInOrder() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      keys.add(String.format("attr.%06d", i));
    }
    Collections.shuffle(keys, new Random(42));
    Labels.Builder b = Labels.builder();
    for (String k : keys) {
      b.put(k, k);
    }
    Labels l = b.build();
    assertThat(l.size()).isEqualTo(100_000);
    for (int i = 1; i < l.size(); i++) {
      assertThat(l.name(i - 1).compareTo(l.name(i))).isNegative();
    }
  }

  private static Map<String, String> randomMap(Random r) {
    Map<String, String> m = new TreeMap<>();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      m.put(Character.toString('a' + r.nextInt(20)), "v" + r.nextInt(100));
    }
    return m;
  }
}
