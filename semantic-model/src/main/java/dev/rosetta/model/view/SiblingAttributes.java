package dev.rosetta.model.view;

import dev.rosetta.model.Labels;
import dev.rosetta.model.name.ObjectName;
import java.util.Optional;

/**
 * Looks up the value of another attribute of the same MBean, for labels such as {@code
 * jvm.memory.type} taken from a memory pool's {@code Type} attribute. The pipeline builds one per
 * resource from what the batch carries. Implementations must be thread-safe when shared.
 *
 * <p>A decoder that reads MBeans (Jolokia) carries an MBean's scalar attributes on its points as
 * labels named {@link #LABEL_PREFIX}{@code <attribute>}; {@link #fromLabels} reads them back.
 */
@FunctionalInterface
public interface SiblingAttributes {
  /** The attribute's value rendered as text, or empty when unknown. */
  Optional<String> get(ObjectName mbean, String attribute);

  /** Prefix of the point labels that carry sibling attributes: {@code __attr_<attribute>}. */
  String LABEL_PREFIX = "__attr_";

  /** Knows no attribute. */
  static SiblingAttributes none() {
    return (mbean, attribute) -> Optional.empty();
  }

  /** The attributes carried by {@code labels} as {@link #LABEL_PREFIX} labels, for any MBean. */
  static SiblingAttributes fromLabels(Labels labels) {
    if (!labels.hasNameWithPrefix(LABEL_PREFIX)) {
      return none();
    }
    return (mbean, attribute) -> Optional.ofNullable(labels.get(LABEL_PREFIX + attribute));
  }
}
