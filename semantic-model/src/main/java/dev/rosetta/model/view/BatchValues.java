package dev.rosetta.model.view;

import dev.rosetta.model.Labels;
import java.util.OptionalDouble;

/**
 * Looks up the value of another raw metric of the same resource in the same batch, for views that
 * {@code derive} their value ({@code derive: {subtract: [java.lang:type=Threading/DaemonThreadCount]}}).
 * Names are canonical raw names ({@link ViewDecision#operands()}): for JVM paths the canonical
 * (sorted-key) ObjectName, otherwise the text. The pipeline builds one per resource from what the
 * batch carries. Implementations must be thread-safe when shared.
 */
@FunctionalInterface
public interface BatchValues {
  /**
   * The value of the number point of raw metric {@code canonicalName} with the given point labels
   * (or its only point, when it has one), or empty when the batch has none.
   */
  OptionalDouble value(String canonicalName, Labels labels);

  /** Knows no value. */
  static BatchValues none() {
    return (name, labels) -> OptionalDouble.empty();
  }
}
