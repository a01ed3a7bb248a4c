package dev.rosetta.receiver.config;

import java.util.Objects;

/**
 * One problem found in a configuration.
 *
 * <p>{@code source} names where the text came from (a file name, or {@code "embedded default"});
 * {@code path} is the dotted key path ({@code exporters.otlp.retry_on_failure.max_interval}, list
 * elements as {@code key[2]}), empty for problems with the document as a whole (a missing file,
 * malformed YAML); {@code value} is the offending value as written (strings unquoted), empty when
 * there is none (a missing key); {@code message} is a complete, human-readable sentence that also
 * quotes the value and says what is expected; {@code line} and {@code column} are 1-based, where the
 * value (or key) is written, 0 when unknown.
 */
public record ConfigError(String source, String path, String value, String message, int line, int column) {
  public ConfigError {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(message, "message");
  }

  /** A problem whose position is not known (yet): see {@link #at}. */
  public ConfigError(String source, String path, String value, String message) {
    this(source, path, value, message, 0, 0);
  }

  /** This error at {@code line} and {@code column}. */
  public ConfigError at(int line, int column) {
    return new ConfigError(source, path, value, message, line, column);
  }

  /** This error placed by {@code positions} when it has no position yet. */
  public ConfigError locatedBy(Positions positions) {
    if (line > 0 || path.isEmpty()) {
      return this;
    }
    Positions.Position p = positions.locate(path);
    return p == null ? this : at(p.line(), p.column());
  }

  /**
   * The form shown to users, one line: {@code config.yaml:12:14: exporters.otlp.timeout: invalid
   * duration "5 minutes": expected a duration such as 500ms, 5s, 1m}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(source.length() + path.length() + message.length() + 16);
    sb.append(source);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    if (!path.isEmpty()) {
      sb.append(": ").append(path);
    }
    return sb.append(": ").append(message).toString();
  }
}
