package dev.rosetta.relabel;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A relabel regex compiled as Prometheus compiles it: {@code ^(?s:R)$}, fully anchored, with
 * {@code .} matching a newline too. Matching runs in linear time (re2j).
 *
 * <p>Common shapes skip the regex engine: a literal ({@code up}), alternatives of literals ({@code
 * a|b|c}, also in one capture group) and a literal prefix and suffix around one {@code .*} or
 * {@code .+}, captured or not ({@code __meta_(.+)}, {@code (.*)}). Under {@code (?s)} these shapes
 * mean exactly what plain string operations compute; anything else goes to re2j, which also
 * compiles every regex to validate it and to give the group count and names. Immutable and
 * thread-safe.
 */
final class AnchoredRegex {
  private enum Shape {
    LITERAL,
    LITERAL_SET,
    WILDCARD,
    GENERAL
  }

  private final String source;
  private final Pattern pattern;
  private final Shape shape;
  private final String literal;
  private final Set<String> literals;
  private final String prefix;
  private final String suffix;
  private final int minMiddle;
  private final boolean captured;

  private AnchoredRegex(
      String source,
      Pattern pattern,
      Shape shape,
      String literal,
      Set<String> literals,
      String prefix,
      String suffix,
      int minMiddle,
      boolean captured) {
    this.source = source;
    this.pattern = pattern;
    this.shape = shape;
    this.literal = literal;
    this.literals = literals;
    this.prefix = prefix;
    this.suffix = suffix;
    this.minMiddle = minMiddle;
    this.captured = captured;
  }

  /**
   * Compiles {@code regex} the way Prometheus does.
   *
   * @throws com.google.re2j.PatternSyntaxException when re2j rejects it
   */
  static AnchoredRegex compile(String regex) {
    Pattern p = Pattern.compile("^(?s:" + regex + ")$");
    if (noMeta(regex)) {
      return new AnchoredRegex(regex, p, Shape.LITERAL, regex, Set.of(), "", "", 0, false);
    }
    String alternatives = regex;
    boolean captured = false;
    if (regex.length() >= 2 && regex.startsWith("(") && regex.endsWith(")")) {
      alternatives = regex.substring(1, regex.length() - 1);
      captured = true;
    }
    if (alternatives.indexOf('|') >= 0 && noMeta(alternatives.replace('|', 'a'))) {
      Set<String> set = new HashSet<>(Arrays.asList(alternatives.split("\\|", -1)));
      return shaped(regex, p, Shape.LITERAL_SET, "", Set.copyOf(set), "", "", 0, captured);
    }
    for (String core : new String[] {"(.*)", "(.+)", ".*", ".+"}) {
      int at = regex.indexOf(core);
      if (at < 0) {
        continue;
      }
      String pre = regex.substring(0, at);
      String suf = regex.substring(at + core.length());
      if (noMeta(pre) && noMeta(suf)) {
        boolean cap = core.startsWith("(");
        int min = core.contains("+") ? 1 : 0;
        return shaped(regex, p, Shape.WILDCARD, "", Set.of(), pre, suf, min, cap);
      }
    }
    return new AnchoredRegex(regex, p, Shape.GENERAL, "", Set.of(), "", "", 0, false);
  }

  private static AnchoredRegex shaped(
      String regex,
      Pattern p,
      Shape shape,
      String literal,
      Set<String> literals,
      String prefix,
      String suffix,
      int minMiddle,
      boolean captured) {
    // the shape must agree with re2j's reading of the groups, or we do not trust it
    if (p.groupCount() != (captured ? 1 : 0) || !p.namedGroups().isEmpty()) {
      return new AnchoredRegex(regex, p, Shape.GENERAL, "", Set.of(), "", "", 0, false);
    }
    return new AnchoredRegex(
        regex, p, shape, literal, literals, prefix, suffix, minMiddle, captured);
  }

  /** Whether {@code s} has no character with a meaning in RE2 syntax. */
  private static boolean noMeta(String s) {
    for (int i = 0; i < s.length(); i++) {
      switch (s.charAt(i)) {
        case '\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$':
          return false;
        default:
          // a literal character
      }
    }
    return true;
  }

  /** The regex as written, without the anchors. */
  String source() {
    return source;
  }

  /** Number of capture groups, not counting group 0. */
  int groupCount() {
    return pattern.groupCount();
  }

  /** Capture group names and their numbers. */
  Map<String, Integer> namedGroups() {
    return pattern.namedGroups();
  }

  /**
   * Whether the regex matches {@code s}, as Go's {@code MatchString}. The anchors make that a match
   * of the whole string, unless the written regex breaks out of its group ({@code a)|(b}); then,
   * as in Prometheus, a match of a part counts.
   */
  boolean matches(String s) {
    return switch (shape) {
      case LITERAL -> literal.equals(s);
      case LITERAL_SET -> literals.contains(s);
      case WILDCARD -> wildcardMatches(s);
      case GENERAL -> pattern.matcher(s).find();
    };
  }

  private boolean wildcardMatches(String s) {
    return s.length() >= prefix.length() + suffix.length() + minMiddle
        && s.startsWith(prefix)
        && s.endsWith(suffix);
  }

  /**
   * Go's {@code ReplaceAllString(s, template)} for a string the regex matches, {@code null} when
   * it does not match. With the anchors in force there is one match, the whole string; the loop
   * over further matches only matters for a regex that breaks out of its group.
   */
  String replaceAll(String s, ExpandTemplate template) {
    if (shape != Shape.GENERAL) {
      if (!template.hasReferences()) {
        return matches(s) ? template.constant() : null;
      }
      int[] m = match(s);
      return m == null ? null : template.expand(s, m);
    }
    Matcher m = pattern.matcher(s);
    StringBuilder out = null;
    int lastMatchEnd = 0;
    int searchPos = 0;
    int end = s.length();
    while (searchPos <= end && m.find(searchPos)) {
      if (out == null) {
        out = new StringBuilder();
      }
      int start = m.start();
      int matchEnd = m.end();
      out.append(s, lastMatchEnd, start);
      // no replacement for an empty match right after the previous match (Go's rule)
      if (matchEnd > lastMatchEnd || start == 0) {
        out.append(template.expand(s, offsets(m)));
      }
      lastMatchEnd = matchEnd;
      int width = searchPos < end ? Character.charCount(s.codePointAt(searchPos)) : 0;
      if (searchPos + width > matchEnd) {
        searchPos += width;
      } else if (searchPos + 1 > matchEnd) {
        searchPos++;
      } else {
        searchPos = matchEnd;
      }
    }
    if (out == null) {
      return null;
    }
    return out.append(s, lastMatchEnd, end).toString();
  }

  private static int[] offsets(Matcher m) {
    int groups = m.groupCount();
    int[] offsets = new int[2 * groups + 2];
    for (int g = 0; g <= groups; g++) {
      offsets[2 * g] = m.start(g);
      offsets[2 * g + 1] = m.end(g);
    }
    return offsets;
  }

  /**
   * Finds the leftmost match in {@code s}, the whole of it with the anchors in force, and returns
   * the group offsets: start and end of group 0, of
   * group 1, and so on, -1 for a group that did not take part; {@code null} when there is no match.
   */
  int[] match(String s) {
    switch (shape) {
      case LITERAL, LITERAL_SET, WILDCARD -> {
        if (!matches(s)) {
          return null;
        }
        int n = s.length();
        if (!captured) {
          return new int[] {0, n};
        }
        return shape == Shape.WILDCARD
            ? new int[] {0, n, prefix.length(), n - suffix.length()}
            : new int[] {0, n, 0, n};
      }
      default -> {
        Matcher m = pattern.matcher(s);
        return m.find() ? offsets(m) : null;
      }
    }
  }

  @Override
  public String toString() {
    return source;
  }
}
