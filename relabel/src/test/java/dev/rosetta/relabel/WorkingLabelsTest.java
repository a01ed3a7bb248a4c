package dev.rosetta.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Labels;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkingLabelsTest {

  /** Many writes merged at once give what the same writes one at a time give. */
  @Test
  void setAllAgreesWithSetOneAfterTheOther() {
    Random r = new Random(11);
    for (int round = 0; round < 300; round++) {
      Labels.Builder b = Labels.builder();
      int n = r.nextInt(60);
      for (int i = 0; i < n; i++) {
        b.put("l" + r.nextInt(80), r.nextInt(4) == 0 ? "" : "v" + r.nextInt(5));
      }
      Labels input = b.build();
      int count = 2 * r.nextInt(60);
      String[] writes = new String[count];
      for (int k = 0; k < count; k += 2) {
        writes[k] = "l" + r.nextInt(80);
        writes[k + 1] = r.nextInt(5) == 0 ? "" : "v" + r.nextInt(5);
      }
      WorkingLabels one = new WorkingLabels(input);
      for (int k = 0; k < count; k += 2) {
        one.set(writes[k], writes[k + 1]);
      }
      WorkingLabels all = new WorkingLabels(input);
      all.setAll(writes, count);
      assertThat(all.result()).isEqualTo(one.result());
    }
  }

  @Test
  void writesThatChangeNothingKeepTheInputInstance() {
    Labels.Builder b = Labels.builder();
    String[] writes = new String[40];
    for (int i = 0; i < 20; i++) {
      b.add("l" + i, "v" + i);
      writes[2 * i] = "l" + i;
      writes[2 * i + 1] = "v" + i;
    }
    Labels input = b.build();
    WorkingLabels w = new WorkingLabels(input);
    w.setAll(writes, writes.length);
    assertThat(w.result()).isSameAs(input);
  }
}
