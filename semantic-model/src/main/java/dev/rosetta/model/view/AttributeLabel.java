package dev.rosetta.model.view;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A label whose value is a sibling attribute of the same MBean, resolved per metric through {@link
 * SiblingAttributes}: {@code jvm.memory.type: {attribute: Type, map: {HEAP: heap, NON_HEAP:
 * non_heap}}}. A value found in {@code map} is replaced, others are kept; when the attribute is
 * absent, {@code fallback} is used, and without one the metric's points are dropped. Immutable.
 *
 * @param attribute the sibling attribute's name
 * @param map value replacements; unmodifiable
 * @param fallback the value when the attribute is absent (YAML key {@code default})
 */
public record AttributeLabel(String attribute, Map<String, String> map, Optional<String> fallback) {
  public AttributeLabel {
    Objects.requireNonNull(attribute, "attribute");
    map = Map.copyOf(map);
    Objects.requireNonNull(fallback, "fallback");
  }

  /** The label value for an attribute value, after {@link #map()}. */
  public String valueFor(String attributeValue) {
    return map.getOrDefault(attributeValue, attributeValue);
  }
}
