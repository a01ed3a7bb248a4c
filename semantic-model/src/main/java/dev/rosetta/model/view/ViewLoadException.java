package dev.rosetta.model.view;

import java.util.List;

/**
 * Views could not be loaded; {@link #errors()} lists every problem found, each naming the file, the
 * view and the field. The message repeats them one per line. Immutable.
 */
public final class ViewLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<ViewLoadError> errors;

  /**
   * @param errors the problems, at least one
   * @throws IllegalArgumentException when {@code errors} is empty
   */
  public ViewLoadException(List<ViewLoadError> errors) {
    super(describe(errors));
    this.errors = List.copyOf(errors);
  }

  /** The problems, never empty, unmodifiable. */
  public List<ViewLoadError> errors() {
    return errors;
  }

  private static String describe(List<ViewLoadError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ViewLoadException needs at least one error");
    }
    if (errors.size() == 1) {
      return errors.get(0).toString();
    }
    StringBuilder sb = new StringBuilder().append(errors.size()).append(" view errors:");
    for (ViewLoadError e : errors) {
      sb.append(System.lineSeparator()).append("  ").append(e);
    }
    return sb.toString();
  }
}
