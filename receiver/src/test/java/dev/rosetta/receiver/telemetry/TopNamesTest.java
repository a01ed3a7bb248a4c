package dev.rosetta.receiver.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopNamesTest {
  @Test
  void exactWhileEveryNameFits() {
    TopNames t = new TopNames(4, 100);
    t.add("a", 3);
    t.add("b", 1);
    t.add("c", 5);
    t.add("a", 4);
    assertThat(t.top(10)).containsExactly(new TopNames.Entry("a", 7, 0), new TopNames.Entry("c", 5, 0),
        new TopNames.Entry("b", 1, 0));
    assertThat(t.top(1)).extracting(TopNames.Entry::name).containsExactly("a");
    assertThat(t.total()).isEqualTo(13);
  }

  @Test
  void memoryStaysBoundedAndFrequentNamesSurviveAFloodOfRareOnes() {
    TopNames t = new TopNames(16, 100);
    Random r = new Random(7);
    Map<String, Long> heavy = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      if (r.nextInt(4) == 0) {
        String h = "heavy_" + r.nextInt(3);
        t.add(h, 1);
        heavy.merge(h, 1L, Long::sum);
      } else {
        t.add("rare_" + i, 1); // each seen once
      }
    }
    List<TopNames.Entry> top = t.top(100);
    assertThat(top).hasSize(16);
    assertThat(top.subList(0, 3)).extracting(TopNames.Entry::name)
        .containsExactlyInAnyOrderElementsOf(heavy.keySet());
    for (TopNames.Entry e : top.subList(0, 3)) {
      // never counted low; too high by at most the count it inherited
      assertThat(e.count()).isGreaterThanOrEqualTo(heavy.get(e.name()));
      assertThat(e.count() - e.error()).isLessThanOrEqualTo(heavy.get(e.name()));
    }
  }

  @Test
  void longNamesAreCutAndMarked() {
    TopNames t = new TopNames(2, 10);
    t.add("x".repeat(50), 1);
    assertThat(t.top(1).get(0).name()).isEqualTo("x".repeat(9) + "\u2026");
  }

  @Test
  void refusesNonsenseBounds() {
    assertThatThrownBy(() -> new TopNames(0, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
