package dev.rosetta.model.view;

import java.util.Objects;

/**
 * One term of a derived value: a canonical raw name and its sign (+1 added, -1 subtracted).
 *
 * @param name the canonical raw name (see {@link BatchValues})
 * @param sign +1 or -1
 */
public record Operand(String name, int sign) {
  public Operand {
    Objects.requireNonNull(name, "name");
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("sign must be +1 or -1, got " + sign);
    }
  }
}
