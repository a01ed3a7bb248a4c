package dev.rosetta.model.view;

import java.util.List;

/**
 * A view's {@code derive}: raw names (templates over the match's captures) whose values, from the
 * same resource in the same batch, are added to or subtracted from the matched value. Immutable.
 */
record Derivation(List<Template> add, List<Template> subtract) {
  static final Derivation NONE = new Derivation(List.of(), List.of());

  Derivation {
    add = List.copyOf(add);
    subtract = List.copyOf(subtract);
  }

  boolean isEmpty() {
    return add.isEmpty() && subtract.isEmpty();
  }
}
