package dev.rosetta.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ValueInternerTest {
  @Test
  void equalValuesComeBackAsTheFirstInstance() {
    ValueInterner interner = new ValueInterner(100);
    String first = new String("checkout");
    assertThat(interner.intern(first)).isSameAs(first);
    String again = new String("checkout");
    assertThat(interner.intern(again)).isSameAs(first).isNotSameAs(again);
  }

  @Test
  void valuesInUseStayWhileOneOffValuesAgeOutWithinTheCapacity() {
    ValueInterner interner = new ValueInterner(100);
    String hot = new String("pod-1");
    interner.intern(hot);
    for (int i = 0; i < 10_000; i++) {
      interner.intern("one-off-" + i);
      assertThat(interner.size()).isLessThanOrEqualTo(100);
      if (i % 10 == 0) {
        assertThat(interner.intern(new String("pod-1"))).isSameAs(hot);
      }
    }
    String cold = new String("one-off-0");
    assertThat(interner.intern(cold)).isSameAs(cold);
  }
}
