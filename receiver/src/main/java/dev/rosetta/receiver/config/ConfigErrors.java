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
  private final Positions positions;
  private final List<ConfigError> errors = new ArrayList<>();

  /** An empty collector for problems in {@code source} (a file name), without positions. */
  public ConfigErrors(String source) {
    this(source, Positions.none());
  }

  /** An empty collector for problems in {@code source}, placed at their line and column by {@code positions}. */
  public ConfigErrors(String source, Positions positions) {
    this.source = Objects.requireNonNull(source, "source");
    this.positions = Objects.requireNonNull(positions, "positions");
  }

  /** Where the key paths of the document are written. */
  public Positions positions() {
    return positions;
  }

  /** The file name (or other origin) every error is attributed to. */
  public String source() {
    return source;
  }

  /** Records one problem; see {@link ConfigError} for what each part holds. */
  public void add(String path, String value, String message) {
    errors.add(new ConfigError(source, path, value, message).locatedBy(positions));
  }

  /** Records a problem with a key itself (an unknown key): placed at the key rather than its value. */
  public void addAtKey(String path, String value, String message) {
    Positions.Position p = positions.locateKey(path);
    ConfigError e = new ConfigError(source, path, value, message);
    errors.add(p == null ? e : e.at(p.line(), p.column()));
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** The problems so far, as an unmodifiable copy. */
  public List<ConfigError> list() {
    return List.copyOf(errors);
  }

  /** Throws a {@link ConfigException} holding every problem so far, if there is any, in file order. */
  public void throwIfAny() throws ConfigException {
    if (!errors.isEmpty()) {
      throw new ConfigException(inFileOrder(errors));
    }
  }

  /** The errors sorted by line and column (stable: errors at one place keep their order); unplaced ones first. */
  public static List<ConfigError> inFileOrder(List<ConfigError> errors) {
    List<ConfigError> sorted = new ArrayList<>(errors);
    sorted.sort(java.util.Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
    return sorted;
  }
}
