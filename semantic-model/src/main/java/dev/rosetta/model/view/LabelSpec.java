package dev.rosetta.model.view;

import java.util.Map;

/**
 * A label computed from the name alone: a constant, a template over captures, or a capture with a
 * join string and a value map. Immutable.
 */
final class LabelSpec {
  private final String name;
  private final Template template; // null for the capture form
  private final int slot;
  private final String join;
  private final Map<String, String> map;

  private LabelSpec(String name, Template template, int slot, String join, Map<String, String> map) {
    this.name = name;
    this.template = template;
    this.slot = slot;
    this.join = join;
    this.map = map;
  }

  static LabelSpec template(String name, Template template) {
    return new LabelSpec(name, template, -1, "/", Map.of());
  }

  static LabelSpec capture(String name, int slot, String join, Map<String, String> map) {
    return new LabelSpec(name, null, slot, join, Map.copyOf(map));
  }

  String name() {
    return name;
  }

  String render(Captures captures) {
    if (template != null) {
      return template.render(captures);
    }
    String value = captures.get(slot, join);
    return map.getOrDefault(value, value);
  }
}
