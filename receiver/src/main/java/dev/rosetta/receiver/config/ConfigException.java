package dev.rosetta.receiver.config;

import java.util.List;

/**
 * A configuration could not be loaded; {@link #errors()} lists every problem found, in the order
 * they were detected. The message repeats them one per line, so logging the exception is enough.
 * Carries no useful stack trace for users: print {@link #errors()} instead.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<ConfigError> errors;

  /**
   * @param errors the problems, at least one
   * @throws IllegalArgumentException when {@code errors} is empty
   */
  public ConfigException(List<ConfigError> errors) {
    super(describe(errors));
    this.errors = List.copyOf(errors);
  }

  /** The problems, never empty, unmodifiable. */
  public List<ConfigError> errors() {
    return errors;
  }

  private static String describe(List<ConfigError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    if (errors.size() == 1) {
      return errors.get(0).toString();
    }
    StringBuilder sb = new StringBuilder().append(errors.size()).append(" configuration errors:");
    for (ConfigError e : errors) {
      sb.append(System.lineSeparator()).append("  ").append(e);
    }
    return sb.toString();
  }
}
