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
    ConfigError e = asWritten(new ConfigError(source, path, value, message));
    errors.add(e.locatedBy(positions));
  }

  /** A string value whose {@code ${env:NAME}} references were replaced: as written, and as used. */
  private record Expansion(String path, String written, String expanded) {}

  private final List<Expansion> expansions = new ArrayList<>();

  /**
   * Records that the value at {@code path} was written as {@code written} and is {@code expanded}
   * after the environment was substituted: problems about it show what was written, so that a
   * secret from the environment never appears in an error.
   */
  void expanded(String path, String written, String expanded) {
    if (!expanded.isEmpty() && !expanded.equals(written)) {
      expansions.add(new Expansion(path, written, expanded));
    }
  }

  private ConfigError asWritten(ConfigError e) {
    if (expansions.isEmpty()) {
      return e;
    }
    String value = e.value();
    String message = e.message();
    for (Expansion x : expansions) {
      if (!related(e.path(), x.path())) {
        continue;
      }
      if (value.equals(Values.render(x.expanded()))) {
        value = Values.render(x.written());
      }
      message = message.replace(Values.quote(x.expanded()), Values.quote(x.written()));
      if (x.expanded().length() >= 4) {
        message = message.replace(x.expanded(), x.written());
        value = value.replace(x.expanded(), x.written());
      }
    }
    return value.equals(e.value()) && message.equals(e.message()) ? e
        : new ConfigError(e.source(), e.path(), value, message);
  }

  /** Whether one path is the other, or inside it. */
  private static boolean related(String a, String b) {
    return a.equals(b) || inside(a, b) || inside(b, a);
  }

  private static boolean inside(String inner, String outer) {
    return outer.isEmpty() || inner.startsWith(outer + ".") || inner.startsWith(outer + "[");
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
