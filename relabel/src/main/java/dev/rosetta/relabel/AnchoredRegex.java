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
 * a|b|c}, also in one capture group), a literal prefix and suffix around one {@code .*} or {@code
 * .+}, captured or not ({@code __meta_(.+)}, {@code (.*)}), and alternatives of uncaptured such
 * wildcards ({@code http_.*|go_.*|up}). Under {@code (?s)} these shapes mean exactly what plain
 * string operations compute. Anything else goes to re2j, which also compiles every regex to
 * validate it and to give the group count and names; its results are kept in a small
 * direct-mapped cache, since the same names and values come back series after series.
 *
 * <p>Immutable as far as results go, and thread-safe: the cache is written without locks, each
 * entry an immutable pair published through a final field, so a reader sees a whole entry or
 * none.
 */
final class AnchoredRegex {
  private enum Shape {
    LITERAL,
    LITERAL_SET,
    WILDCARD,
    ALTERNATIVES,
    GENERAL
  }

  /** Entries of the result cache of a general regex; at most this many characters are cached. */
  private static final int CACHE_SIZE = 4096;

  private static final int CACHE_MAX_KEY = 256;

  /** A cached outcome: the group offsets, or null for no match. Immutable once published. */
  private record Cached(String input, int[] offsets) {}

  private final String source;
  private final Pattern pattern;
  private final Shape shape;
  private final String literal;
  private final Set<String> literals;
  private final String prefix;
  private final String suffix;
  private final int minMiddle;
  private final boolean captured;
  // for ALTERNATIVES: each alternative as a wildcard (prefix, suffix, minimum middle or -1 for none)
  private final String[] altPrefixes;
  private final String[] altSuffixes;
  private final int[] altMinMiddle;
  // for GENERAL: a direct-mapped cache of results, written racily, read by identity of the entry
  private final Cached[] cache;

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
    this.altPrefixes = null;
    this.altSuffixes = null;
    this.altMinMiddle = null;
    this.cache = shape == Shape.GENERAL ? new Cached[CACHE_SIZE] : null;
  }

  private AnchoredRegex(
      String source, Pattern pattern, String[] prefixes, String[] suffixes, int[] minMiddle) {
    this.source = source;
    this.pattern = pattern;
    this.shape = Shape.ALTERNATIVES;
    this.literal = "";
    this.literals = Set.of();
    this.prefix = "";
    this.suffix = "";
    this.minMiddle = 0;
    this.captured = false;
    this.altPrefixes = prefixes;
    this.altSuffixes = suffixes;
    this.altMinMiddle = minMiddle;
    this.cache = null;
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
    AnchoredRegex wildcards = alternativesOfWildcards(regex, p);
    if (wildcards != null) {
      return wildcards;
    }
    return new AnchoredRegex(regex, p, Shape.GENERAL, "", Set.of(), "", "", 0, false);
  }

  /** {@code http_.*|node_.+|up}: alternatives, each a literal or one uncaptured wildcard. */
  private static AnchoredRegex alternativesOfWildcards(String regex, Pattern p) {
    if (regex.indexOf('|') < 0 || regex.indexOf('(') >= 0 || p.groupCount() != 0) {
      return null;
    }
    String[] alts = regex.split("\\|", -1);
    String[] prefixes = new String[alts.length];
    String[] suffixes = new String[alts.length];
    int[] min = new int[alts.length];
    for (int i = 0; i < alts.length; i++) {
      String alt = alts[i];
      if (noMeta(alt)) {
        prefixes[i] = alt;
        suffixes[i] = "";
        min[i] = -1; // exact
        continue;
      }
      int at = alt.indexOf(".*");
      int m = 0;
      if (at < 0) {
        at = alt.indexOf(".+");
        m = 1;
      }
      if (at < 0 || !noMeta(alt.substring(0, at)) || !noMeta(alt.substring(at + 2))) {
        return null;
      }
      prefixes[i] = alt.substring(0, at);
      suffixes[i] = alt.substring(at + 2);
      min[i] = m;
    }
    return new AnchoredRegex(regex, p, prefixes, suffixes, min);
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
      case ALTERNATIVES -> alternativesMatch(s);
      case GENERAL -> general(s) != null;
    };
  }

  private boolean alternativesMatch(String s) {
    for (int i = 0; i < altPrefixes.length; i++) {
      String pre = altPrefixes[i];
      int min = altMinMiddle[i];
      if (min < 0) {
        if (pre.equals(s)) {
          return true;
        }
      } else if (s.length() >= pre.length() + altSuffixes[i].length() + min
          && s.startsWith(pre)
          && s.endsWith(altSuffixes[i])) {
        return true;
      }
    }
    return false;
  }

  /**
   * The leftmost match of a general regex, through the cache: label names and values repeat from
   * one series to the next, and a hit costs a hash and a string comparison instead of an NFA run.
   * The offsets returned are shared and must not be modified.
   */
  private int[] general(String s) {
    if (s.length() > CACHE_MAX_KEY) {
      return find(s);
    }
    int h = s.hashCode();
    int slot = (h ^ (h >>> 16)) & (CACHE_SIZE - 1);
    Cached c = cache[slot];
    if (c != null && c.input().equals(s)) {
      return c.offsets();
    }
    int[] offsets = find(s);
    cache[slot] = new Cached(s, offsets); // a racing writer only costs a later miss
    return offsets;
  }

  private int[] find(String s) {
    Matcher m = pattern.matcher(s);
    return m.find() ? offsets(m) : null;
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
    if (!matches(s)) {
      return null; // the common case, answered from the cache
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
   * the group offsets (not to be modified): start and end of group 0, of
   * group 1, and so on, -1 for a group that did not take part; {@code null} when there is no match.
   */
  int[] match(String s) {
    if (shape == Shape.GENERAL) {
      return general(s);
    }
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

  @Override
  public String toString() {
    return source;
  }
}
