package dev.rosetta.model.view;

import java.util.List;

/**
 * The values captured by one match, by slot. A slot holds a {@code String} (one segment or value)
 * or a {@code List<String>} (the segments of a {@code {name...}} capture). Not thread-safe: one
 * instance per decision.
 */
final class Captures {
  private final Object[] values;

  Captures(int slots) {
    this.values = new Object[slots];
  }

  void set(int slot, String value) {
    values[slot] = value;
  }

  void set(int slot, List<String> segments) {
    values[slot] = segments;
  }

  /** The value of a slot, multi-segment captures joined with {@code join}; "" when unset. */
  String get(int slot, String join) {
    Object v = values[slot];
    if (v == null) {
      return "";
    }
    if (v instanceof String s) {
      return s;
    }
    @SuppressWarnings("unchecked")
    List<String> segments = (List<String>) v;
    return String.join(join, segments);
  }

  void clear() {
    java.util.Arrays.fill(values, null);
  }
}
