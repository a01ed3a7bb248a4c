package dev.rosetta.model.name;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Go runtime/metrics name: {@code /seg/seg/...:unit}, such as {@code /gc/heap/allocs:bytes}.
 *
 * <p>Syntax, after Go's {@code metrics.Description.Name}: the name starts with {@code /}; the path
 * runs to the first {@code :} and is split on {@code /} into non-empty segments; the unit after
 * the {@code :} is one or more non-empty words delimited by {@code *} or {@code /} and contains no
 * {@code :}. Segments may contain any other character. {@link #unit()} is the Go unit as written;
 * {@link #ucumUnit()} maps it with {@link GoUnits}.
 *
 * <p>Immutable and thread-safe; equal when the texts are equal.
 *
 * @param text the name as given
 * @param segments the path segments, without the unit; unmodifiable
 * @param unit the Go unit as written ({@code cpu-seconds})
 */
public record GoPath(String text, List<String> segments, String unit) implements MetricName {

  public GoPath {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(unit, "unit");
    segments = List.copyOf(segments);
  }

  /** Parses a Go runtime path; never throws for bad input. */
  public static ParseResult<GoPath> parse(String text) {
    return parse(text, false);
  }

  /**
   * Parses a Go path pattern: like {@link #parse(String)}, but the unit may also be {@code *} (any
   * unit). Segments such as {@code {name}} or {@code *} are ordinary text here; the view compiler
   * gives them their meaning.
   */
  public static ParseResult<GoPath> parsePattern(String text) {
    return parse(text, true);
  }

  private static ParseResult<GoPath> parse(String text, boolean pattern) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty() || text.charAt(0) != '/') {
      return ParseResult.failure(text, 0, "a Go runtime path must start with '/'");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return ParseResult.failure(
          text, text.length(), "a Go runtime path needs ':unit' after the path, as in /gc/heap/allocs:bytes");
    }
    List<String> segments = new ArrayList<>(6);
    int start = 1;
    for (int i = 1; i <= colon; i++) {
      if (i == colon || text.charAt(i) == '/') {
        if (i == start) {
          return ParseResult.failure(
              text, i, i == colon && i == 1 ? "a Go runtime path needs at least one segment before ':'" : "empty path segment");
        }
        segments.add(text.substring(start, i));
        start = i + 1;
      }
    }
    String unit = text.substring(colon + 1);
    if (unit.isEmpty()) {
      return ParseResult.failure(text, text.length(), "empty unit after ':'");
    }
    if (!(pattern && unit.equals("*"))) {
      int wordStart = colon + 1;
      for (int i = colon + 1; i <= text.length(); i++) {
        char c = i < text.length() ? text.charAt(i) : '\0';
        if (c == ':') {
          return ParseResult.failure(text, i, "a second ':' (the unit of a Go runtime path has no ':')");
        }
        if (i == text.length() || c == '*' || c == '/') {
          if (i == wordStart) {
            return ParseResult.failure(
                text, i, "empty unit word (unit words are delimited by '*' or '/')");
          }
          wordStart = i + 1;
        }
      }
    }
    return ParseResult.ok(new GoPath(text, segments, unit));
  }

  @Override
  public Grammar grammar() {
    return Grammar.GO;
  }

  /** The path before the {@code :}: {@code /gc/heap/allocs}. */
  public String path() {
    return text.substring(0, text.indexOf(':'));
  }

  /** The unit in UCUM, as OTLP carries it: {@code cpu-seconds} gives {@code s}. */
  public String ucumUnit() {
    return GoUnits.toUcum(unit);
  }

  @Override
  public String toString() {
    return text;
  }
}
