package dev.rosetta.receiver.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects the {@link ConfigError}s of one load, all for the same source.
 *
 * <p>Not thread-safe: one instance belongs to one load on one thread.
 */
public final class ConfigErrors {
  private final String source;
  private final List<ConfigError> errors = new ArrayList<>();

  /** An empty collector for problems in {@code source} (a file name). */
  public ConfigErrors(String source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** The file name (or other origin) every error is attributed to. */
  public String source() {
    return source;
  }

  /** Records one problem; see {@link ConfigError} for what each part holds. */
  public void add(String path, String value, String message) {
    errors.add(new ConfigError(source, path, value, message));
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** The problems so far, as an unmodifiable copy. */
  public List<ConfigError> list() {
    return List.copyOf(errors);
  }

  /** Throws a {@link ConfigException} holding every problem so far, if there is any. */
  public void throwIfAny() throws ConfigException {
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
  }
}
