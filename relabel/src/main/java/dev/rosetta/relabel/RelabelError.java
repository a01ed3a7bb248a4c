package dev.rosetta.relabel;

import java.util.Objects;

/**
 * One problem found in a list of relabel configs. Immutable and thread-safe.
 *
 * @param ruleIndex zero-based position of the rule in its list, or -1 for the list itself
 * @param field the YAML key concerned ({@code regex}, {@code target_label}, ...), or empty for the
 *     rule as a whole
 * @param value the offending value as written, or empty
 * @param message what is wrong, in words
 */
public record RelabelError(int ruleIndex, String field, String value, String message) {
  public RelabelError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(message, "message");
  }

  /** {@code rule[2].regex "(": invalid regex: ...}, the form used in messages. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (ruleIndex >= 0) {
      sb.append("rule[").append(ruleIndex).append(']');
      if (!field.isEmpty()) {
        sb.append('.');
      }
    }
    sb.append(field);
    if (!value.isEmpty()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(value));
    }
    if (sb.length() > 0) {
      sb.append(": ");
    }
    return sb.append(message).toString();
  }

  /** Go-like quoting so that empty strings, spaces and control characters stay visible. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
