package dev.rosetta.model.name;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A dotted metric name, the grammar of everything that is neither a Go runtime path nor a JVM
 * path: OTLP names ({@code http.server.request.duration}), Micrometer and Dropwizard names ({@code
 * jvm.gc.G1-Young-Generation.count}). Any non-empty text is valid; its segments are the parts
 * between {@code .} characters (possibly empty, as in {@code a..b}).
 *
 * <p>Immutable and thread-safe; equal when the texts are equal.
 *
 * @param text the name as given
 * @param segments the {@code .}-separated parts; unmodifiable
 */
public record DottedName(String text, List<String> segments) implements MetricName {

  public DottedName {
    Objects.requireNonNull(text, "text");
    segments = List.copyOf(segments);
  }

  /** Parses a dotted name; only the empty name is malformed. Never throws for bad input. */
  public static ParseResult<DottedName> parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      return ParseResult.failure(text, 0, "empty metric name");
    }
    List<String> segments = new ArrayList<>(6);
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '.') {
        segments.add(text.substring(start, i));
        start = i + 1;
      }
    }
    return ParseResult.ok(new DottedName(text, segments));
  }

  @Override
  public Grammar grammar() {
    return Grammar.DOTTED;
  }

  @Override
  public String toString() {
    return text;
  }
}
