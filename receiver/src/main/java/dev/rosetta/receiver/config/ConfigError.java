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
 * quotes the value and says what is expected.
 */
public record ConfigError(String source, String path, String value, String message) {
  public ConfigError {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The form shown to users, one line: {@code config.yaml: exporters.otlp.timeout: invalid duration
   * "5 minutes": expected a duration such as 500ms, 5s, 1m}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(source.length() + path.length() + message.length() + 4);
    sb.append(source);
    if (!path.isEmpty()) {
      sb.append(": ").append(path);
    }
    return sb.append(": ").append(message).toString();
  }
}
