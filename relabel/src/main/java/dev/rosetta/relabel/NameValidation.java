package dev.rosetta.relabel;

import com.google.re2j.Pattern;

/**
 * Which label names rules may write, as Prometheus's name validation scheme decides it.
 *
 * <p>{@link #UTF8} is the default of Prometheus 3: any non-empty, well-formed Unicode string.
 * {@link #LEGACY} is the rule of Prometheus 2: {@code [a-zA-Z_][a-zA-Z0-9_]*}, where templates
 * ({@code $1}, {@code ${name}}) are allowed in a {@code replace} target and a {@code labelmap}
 * replacement as Prometheus allows them. Thread-safe.
 */
public enum NameValidation {
  UTF8,
  LEGACY;

  // Prometheus's pattern for a legacy name that may carry $-templates (relabelTarget in Go).
  private static final Pattern LEGACY_TEMPLATE =
      Pattern.compile("^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$");

  /** Whether {@code name} is a valid label name under this scheme. */
  public boolean isValidLabelName(String name) {
    return this == UTF8 ? isValidUtf8Name(name) : isValidLegacyName(name);
  }

  /**
   * Whether {@code template} may stand as a {@code replace} target that contains {@code $}, or as a
   * {@code labelmap} replacement.
   */
  boolean isValidNameTemplate(String template) {
    return this == UTF8 ? isValidUtf8Name(template) : LEGACY_TEMPLATE.matches(template);
  }

  private static boolean isValidUtf8Name(String name) {
    if (name.isEmpty()) {
      return false;
    }
    // well-formed UTF-16 is exactly what encodes to valid UTF-8
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isValidLegacyName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      boolean ok = letter || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
