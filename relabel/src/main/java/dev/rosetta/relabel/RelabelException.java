package dev.rosetta.relabel;

import java.util.List;
import java.util.Objects;

/**
 * Relabel configs that cannot be used, with every problem found (not only the first).
 *
 * <p>Immutable.
 */
public final class RelabelException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<RelabelError> errors;

  /**
   * @param source where the configs came from (a file name), used as the message prefix
   * @param errors at least one error
   */
  public RelabelException(String source, List<RelabelError> errors) {
    super(format(Objects.requireNonNull(source, "source"), errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("no errors");
    }
    this.source = source;
    this.errors = List.copyOf(errors);
  }

  /** Where the configs came from. */
  public String source() {
    return source;
  }

  /** The problems, in rule order. */
  public List<RelabelError> errors() {
    return errors;
  }

  private static String format(String source, List<RelabelError> errors) {
    StringBuilder sb = new StringBuilder(source).append(": ");
    if (errors.size() == 1) {
      return sb.append(errors.get(0)).toString();
    }
    sb.append(errors.size()).append(" errors");
    for (RelabelError e : errors) {
      sb.append("\n  ").append(e);
    }
    return sb.toString();
  }
}
