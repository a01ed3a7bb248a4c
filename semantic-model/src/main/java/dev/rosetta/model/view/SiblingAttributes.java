package dev.rosetta.model.view;

import dev.rosetta.model.name.ObjectName;
import java.util.Optional;

/**
 * Looks up the value of another attribute of the same MBean, for labels such as {@code
 * jvm.memory.type} taken from a memory pool's {@code Type} attribute. The pipeline builds one per
 * resource from what the batch carries. Implementations must be thread-safe when shared.
 */
@FunctionalInterface
public interface SiblingAttributes {
  /** The attribute's value rendered as text, or empty when unknown. */
  Optional<String> get(ObjectName mbean, String attribute);

  /** Knows no attribute. */
  static SiblingAttributes none() {
    return (mbean, attribute) -> Optional.empty();
  }
}
