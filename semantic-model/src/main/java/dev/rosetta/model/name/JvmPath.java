package dev.rosetta.model.name;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A JVM metric name: {@code <ObjectName>[/<attribute>[/<item>...]]}, such as {@code
 * java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used}.
 *
 * <h2>Where the ObjectName ends</h2>
 *
 * The ObjectName follows the JMX lexical rules ({@link ObjectName}), and unquoted values may
 * contain {@code /}. The ObjectName ends at the first {@code /} that is outside a quoted value and
 * is not followed, at the next {@code ,}, by another {@code key=} property (a key being a
 * non-empty run of characters other than {@code , = : * ? /} and newline). So:
 *
 * <ul>
 *   <li>{@code java.nio:type=BufferPool,name=direct/MemoryUsed}: ObjectName {@code
 *       java.nio:type=BufferPool,name=direct}, attribute {@code MemoryUsed};
 *   <li>{@code x:type=a/b,name=c/Attr}: {@code type} is {@code a/b} (a property follows), {@code
 *       name} is {@code c}, attribute {@code Attr};
 *   <li>{@code x:name="a/b"/Attr}: a quoted value always runs to its closing quote.
 * </ul>
 *
 * Two consequences, both avoidable because key order is not significant: when a path follows, the
 * last property written cannot have a {@code /} in an unquoted value (write it earlier: {@code
 * x:name=a/b,type=t/Attr}), and a path after an unquoted last value must not contain a {@code ,}
 * followed by {@code key=} (end with a quoted value, whose closing quote always ends the
 * ObjectName). Keys may not contain {@code /} in a JVM path.
 *
 * <h2>The path</h2>
 *
 * After the ObjectName, the path is split on {@code /} into non-empty segments: the attribute,
 * then the items inside its value (composite data keys, map keys, list indexes). Inside a segment
 * {@code !/} is a literal {@code /} and {@code !!} a literal {@code !} (Jolokia's escaping); any
 * other {@code !} is an error. A Jolokia request {@code {mbean, attribute, path}} therefore maps to
 * {@code mbean + "/" + attribute + "/" + path}, with {@code /} and {@code !} in the attribute
 * escaped ({@link #escapeSegment(String)}).
 *
 * <p>Identity is {@link #canonical()}: the canonical ObjectName followed by the escaped segments,
 * so names that differ only in key order are equal. Immutable and thread-safe.
 */
public final class JvmPath implements MetricName {
  private final String text;
  private final ObjectName objectName;
  private final List<String> segments;
  private String canonical; // computed on first use; a racy but safe cache

  private JvmPath(String text, ObjectName objectName, List<String> segments) {
    this.text = text;
    this.objectName = objectName;
    this.segments = segments;
  }

  /** Parses a JVM path; never throws for bad input. */
  public static ParseResult<JvmPath> parse(String text) {
    return parse(text, false);
  }

  /**
   * Parses a JVM path pattern: like {@link #parse(String)}, but wildcards are accepted in the
   * domain and values ({@link ObjectName#hasWildcard(int)}) and a {@code *} element makes a
   * property list pattern ({@link ObjectName#isPropertyListPattern()}). Values and segments such
   * as {@code {name}} are ordinary text here; the view compiler gives them their meaning.
   */
  public static ParseResult<JvmPath> parsePattern(String text) {
    return parse(text, true);
  }

  private static ParseResult<JvmPath> parse(String text, boolean pattern) {
    Objects.requireNonNull(text, "text");
    ObjectName.Scan scan = ObjectName.scan(text, pattern, true);
    if (scan.error != null) {
      return ParseResult.failure(scan.error);
    }
    List<String> segments = new ArrayList<>(3);
    int len = text.length();
    if (scan.end < len) {
      StringBuilder sb = new StringBuilder();
      int segmentStart = scan.end + 1;
      for (int i = scan.end + 1; i <= len; i++) {
        char c = i < len ? text.charAt(i) : '/';
        if (i < len && c == '!') {
          char n = i + 1 < len ? text.charAt(i + 1) : '\0';
          if (n != '/' && n != '!') {
            return ParseResult.failure(
                text, i, "'!' in the path must be followed by '/' or '!' (write !! for a literal '!')");
          }
          sb.append(n);
          i++;
        } else if (c == '/') {
          if (i == segmentStart) {
            return ParseResult.failure(
                text, i, segments.isEmpty() ? "empty attribute after the ObjectName" : "empty path segment");
          }
          segments.add(sb.toString());
          sb.setLength(0);
          segmentStart = i + 1;
        } else {
          sb.append(c);
        }
      }
    }
    return ParseResult.ok(new JvmPath(text, scan.name, List.copyOf(segments)));
  }

  /**
   * Escapes a path segment for a JVM path: {@code !} becomes {@code !!} and {@code /} becomes
   * {@code !/}, as Jolokia writes them.
   */
  public static String escapeSegment(String segment) {
    if (segment.indexOf('!') < 0 && segment.indexOf('/') < 0) {
      return segment;
    }
    StringBuilder sb = new StringBuilder(segment.length() + 4);
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '!' || c == '/') {
        sb.append('!');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /**
   * The text of a JVM path for an MBean name as JMX writes it and unescaped path segments
   * (attribute, then items): {@code join("java.lang:type=Memory", "HeapMemoryUsage", "used")}.
   */
  public static String join(String objectName, String... segments) {
    StringBuilder sb = new StringBuilder(objectName);
    for (String segment : segments) {
      sb.append('/').append(escapeSegment(segment));
    }
    return sb.toString();
  }

  @Override
  public Grammar grammar() {
    return Grammar.JVM;
  }

  @Override
  public String text() {
    return text;
  }

  /** The MBean's name. */
  public ObjectName objectName() {
    return objectName;
  }

  /** The attribute and item segments, unescaped; empty for a bare ObjectName. Unmodifiable. */
  @Override
  public List<String> segments() {
    return segments;
  }

  /** The attribute, or empty for a bare ObjectName. */
  public Optional<String> attribute() {
    return segments.isEmpty() ? Optional.empty() : Optional.of(segments.get(0));
  }

  /** The item segments after the attribute. Unmodifiable. */
  public List<String> items() {
    return segments.isEmpty() ? List.of() : segments.subList(1, segments.size());
  }

  /**
   * The identity of this name: the canonical ObjectName, then {@code /} and each escaped segment.
   * Meant as a key; it parses back to an equal name unless one of the two limits of the split rule
   * (see the class documentation) applies to the sorted form.
   */
  public String canonical() {
    String c = canonical;
    if (c == null) {
      StringBuilder sb = new StringBuilder(text.length() + 8).append(objectName.canonicalName());
      for (String segment : segments) {
        sb.append('/').append(escapeSegment(segment));
      }
      c = sb.toString();
      canonical = c;
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JvmPath p && canonical().equals(p.canonical());
  }

  @Override
  public int hashCode() {
    return canonical().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
