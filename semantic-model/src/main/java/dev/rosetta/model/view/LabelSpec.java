package dev.rosetta.model.view;

import java.util.Map;

/**
 * A label computed from the name alone: a constant, a template over captures, or a capture with a
 * join string, a value map and an optional default for values the map does not have. Immutable.
 */
final class LabelSpec {
  private final String name;
  private final Template template; // null for the capture form
  private final int slot;
  private final String join;
  private final Map<String, String> map;
  private final String fallback; // null: a value not in the map is kept

  private LabelSpec(String name, Template template, int slot, String join, Map<String, String> map, String fallback) {
    this.name = name;
    this.template = template;
    this.slot = slot;
    this.join = join;
    this.map = map;
    this.fallback = fallback;
  }

  static LabelSpec template(String name, Template template) {
    return new LabelSpec(name, template, -1, "/", Map.of(), null);
  }

  /**
   * A capture, its value replaced through {@code map}; a value the map does not have is kept, or
   * replaced by {@code fallback} when one is given (YAML key {@code default}).
   */
  static LabelSpec capture(String name, int slot, String join, Map<String, String> map, String fallback) {
    return new LabelSpec(name, null, slot, join, Map.copyOf(map), fallback);
  }

  String name() {
    return name;
  }

  String render(Captures captures) {
    if (template != null) {
      return template.render(captures);
    }
    String value = captures.get(slot, join);
    return map.getOrDefault(value, fallback != null ? fallback : value);
  }
}
