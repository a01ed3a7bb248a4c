package dev.rosetta.model.view;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.rosetta.model.name.GoPath;
import dev.rosetta.model.name.Grammar;
import dev.rosetta.model.name.JvmPath;
import dev.rosetta.model.name.MetricName;
import dev.rosetta.model.name.ObjectName;
import dev.rosetta.model.name.ParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compiled match pattern of one grammar, with named captures, and the hints the view index uses.
 * Immutable and thread-safe; {@link #matches} writes only into the given {@link Captures}.
 */
abstract class NamePattern {
  private final String source;
  private final CaptureNames captures;

  private NamePattern(String source, CaptureNames captures) {
    this.source = source;
    this.captures = captures;
  }

  abstract Grammar grammar();

  /** Whether {@code name} (of this pattern's grammar) matches; captures go into {@code out}. */
  abstract boolean matches(MetricName name, Captures out);

  final String source() {
    return source;
  }

  final CaptureNames captures() {
    return captures;
  }

  /**
   * Whether every name {@code other} matches, this pattern matches too. Conservative: false when it
   * cannot tell (a regular expression covers only the same expression).
   */
  abstract boolean covers(NamePattern other);

  /** Go and dotted: the literal first segment, or null. */
  String firstSegment() {
    return null;
  }

  /** JVM: the literal domain, or null. */
  String domain() {
    return null;
  }

  /** JVM: the exact key set (sorted keys joined with ','), or null when extra keys are allowed. */
  String keySet() {
    return null;
  }

  @Override
  public String toString() {
    return source;
  }

  /**
   * Compiles a pattern written in one of the grammars (classified like names).
   *
   * @throws IllegalArgumentException with a message for users
   */
  static NamePattern compile(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty pattern");
    }
    return switch (classify(text)) {
      case GO -> GoPattern.compile(text);
      case JVM -> JvmPattern.compile(text);
      case DOTTED -> DottedPattern.compile(text);
    };
  }

  /**
   * Patterns classify like names ({@link Grammar#classify}), except that a {@code *} element right
   * after the first {@code :} also makes a JVM pattern (the domain followed by {@code :*} and a path), which has no {@code =}.
   */
  static Grammar classify(String text) {
    Grammar g = Grammar.classify(text);
    if (g == Grammar.DOTTED) {
      int colon = text.indexOf(':');
      int next = colon + 2;
      if (colon >= 0 && next <= text.length() && text.charAt(colon + 1) == '*'
          && (next == text.length() || text.charAt(next) == ',' || text.charAt(next) == '/')) {
        return Grammar.JVM;
      }
    }
    return g;
  }

  /**
   * Compiles an RE2 regular expression for names of {@code grammar}; named groups are the
   * captures. JVM names are matched in their canonical form ({@link JvmPath#canonical()}).
   *
   * @throws IllegalArgumentException with a message for users
   */
  static NamePattern compileRegex(String regex, Grammar grammar) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regular expression: " + e.getMessage());
    }
    CaptureNames names = new CaptureNames();
    Map<Integer, String> byGroup = new TreeMap<>();
    pattern.namedGroups().forEach((name, group) -> byGroup.put(group, name));
    int[] groups = new int[byGroup.size()];
    int i = 0;
    for (Map.Entry<Integer, String> e : byGroup.entrySet()) {
      names.add(e.getValue());
      groups[i++] = e.getKey();
    }
    return new RegexPattern(regex, names, grammar, pattern, groups);
  }

  private static String errorAt(String text, dev.rosetta.model.name.NameError e) {
    return "invalid pattern \"" + text + "\": " + e.message();
  }

  // ---------------------------------------------------------------------------------------------

  private static final class GoPattern extends NamePattern {
    private final SegmentMatcher path;
    private final SegmentMatcher.Element unit;
    private final int unitSlot;

    private GoPattern(String source, CaptureNames names, SegmentMatcher path, SegmentMatcher.Element unit, int unitSlot) {
      super(source, names);
      this.path = path;
      this.unit = unit;
      this.unitSlot = unitSlot;
    }

    static GoPattern compile(String text) {
      ParseResult<GoPath> parsed = GoPath.parsePattern(text);
      if (!parsed.isOk()) {
        throw new IllegalArgumentException(errorAt(text, parsed.error()));
      }
      GoPath p = parsed.value();
      CaptureNames names = new CaptureNames();
      SegmentMatcher path = SegmentMatcher.compile(p.segments(), names, "segment");
      SegmentMatcher.Element unit = SegmentMatcher.Element.parse(p.unit(), "unit", false);
      int unitSlot = unit.isCapture() ? SegmentMatcher.register(names, unit.name) : -1;
      return new GoPattern(text, names, path, unit, unitSlot);
    }

    @Override
    Grammar grammar() {
      return Grammar.GO;
    }

    @Override
    String firstSegment() {
      return path.firstLiteral();
    }

    @Override
    boolean covers(NamePattern other) {
      return other instanceof GoPattern o && unit.covers(o.unit) && path.covers(o.path);
    }

    @Override
    boolean matches(MetricName name, Captures out) {
      GoPath p = (GoPath) name;
      if (unit.isLiteral()) {
        if (!unit.literal.equals(p.unit())) {
          return false;
        }
      } else if (unitSlot >= 0) {
        out.set(unitSlot, p.unit());
      }
      return path.matches(p.segments(), out);
    }
  }

  private static final class DottedPattern extends NamePattern {
    private final SegmentMatcher segments;

    private DottedPattern(String source, CaptureNames names, SegmentMatcher segments) {
      super(source, names);
      this.segments = segments;
    }

    static DottedPattern compile(String text) {
      // split on '.' outside braces, so that {rest...} stays one element
      List<String> parts = new ArrayList<>();
      int depth = 0;
      int start = 0;
      for (int i = 0; i <= text.length(); i++) {
        char c = i < text.length() ? text.charAt(i) : '.';
        if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth = Math.max(0, depth - 1);
        } else if (c == '.' && (depth == 0 || i == text.length())) {
          parts.add(text.substring(start, i));
          start = i + 1;
        }
      }
      CaptureNames names = new CaptureNames();
      return new DottedPattern(text, names, SegmentMatcher.compile(parts, names, "segment"));
    }

    @Override
    Grammar grammar() {
      return Grammar.DOTTED;
    }

    @Override
    String firstSegment() {
      return segments.firstLiteral();
    }

    @Override
    boolean covers(NamePattern other) {
      return other instanceof DottedPattern o && segments.covers(o.segments);
    }

    @Override
    boolean matches(MetricName name, Captures out) {
      return segments.matches(name.segments(), out);
    }
  }

  private static final class JvmPattern extends NamePattern {
    private final SegmentMatcher.Element domain;
    private final int domainSlot;
    private final String[] keys;
    private final String[] literalValues; // raw, as written; null for * and captures
    private final int[] valueSlots; // -1 for literals and *
    private final boolean openKeys;
    private final String keySet;
    private final SegmentMatcher path;

    private JvmPattern(
        String source,
        CaptureNames names,
        SegmentMatcher.Element domain,
        int domainSlot,
        String[] keys,
        String[] literalValues,
        int[] valueSlots,
        boolean openKeys,
        SegmentMatcher path) {
      super(source, names);
      this.domain = domain;
      this.domainSlot = domainSlot;
      this.keys = keys;
      this.literalValues = literalValues;
      this.valueSlots = valueSlots;
      this.openKeys = openKeys;
      this.keySet = String.join(",", keys);
      this.path = path;
    }

    static JvmPattern compile(String text) {
      ParseResult<JvmPath> parsed = JvmPath.parsePattern(text);
      if (!parsed.isOk()) {
        throw new IllegalArgumentException(errorAt(text, parsed.error()));
      }
      JvmPath p = parsed.value();
      ObjectName on = p.objectName();
      CaptureNames names = new CaptureNames();
      SegmentMatcher.Element domain;
      if (on.domain().equals("*")) {
        domain = SegmentMatcher.Element.parse("*", "domain", false);
      } else if (on.domain().indexOf('*') >= 0 || on.domain().indexOf('?') >= 0) {
        throw new IllegalArgumentException(
            "invalid domain \"" + on.domain() + "\": the domain is a literal, {name} or * (partial"
                + " wildcards are not supported; use match_regex)");
      } else {
        domain = SegmentMatcher.Element.parse(on.domain(), "domain", false);
      }
      int domainSlot = domain.isCapture() ? SegmentMatcher.register(names, domain.name) : -1;
      int n = on.size();
      String[] keys = new String[n];
      String[] literals = new String[n];
      int[] slots = new int[n];
      for (int i = 0; i < n; i++) {
        keys[i] = on.key(i);
        String raw = on.rawValue(i);
        slots[i] = -1;
        if (on.isQuoted(i)) {
          if (on.hasWildcard(i)) {
            throw new IllegalArgumentException(
                "invalid value " + raw + " of key \"" + keys[i] + "\": wildcards inside quoted"
                    + " values are not supported (write * alone, or use match_regex)");
          }
          literals[i] = raw;
          continue;
        }
        if (on.hasWildcard(i) && !raw.equals("*")) {
          throw new IllegalArgumentException(
              "invalid value \"" + raw + "\" of key \"" + keys[i] + "\": '*' must be the whole"
                  + " value (partial wildcards are not supported; use match_regex)");
        }
        SegmentMatcher.Element e =
            SegmentMatcher.Element.parse(raw, "value of key \"" + keys[i] + "\"", false);
        if (e.isLiteral()) {
          literals[i] = raw;
        } else if (e.isCapture()) {
          slots[i] = SegmentMatcher.register(names, e.name);
        }
      }
      SegmentMatcher path = SegmentMatcher.compile(p.segments(), names, "path segment");
      return new JvmPattern(text, names, domain, domainSlot, keys, literals, slots, on.isPropertyListPattern(), path);
    }

    @Override
    Grammar grammar() {
      return Grammar.JVM;
    }

    @Override
    String domain() {
      return domain.isLiteral() ? domain.literal : null;
    }

    @Override
    String keySet() {
      return openKeys ? null : keySet;
    }

    @Override
    boolean covers(NamePattern other) {
      if (!(other instanceof JvmPattern o) || !domain.covers(o.domain)) {
        return false;
      }
      if (!openKeys && (o.openKeys || o.keys.length != keys.length)) {
        return false;
      }
      for (int i = 0; i < keys.length; i++) {
        int j = java.util.Arrays.asList(o.keys).indexOf(keys[i]);
        if (j < 0) {
          return false; // other's names may lack the key
        }
        if (literalValues[i] != null && !literalValues[i].equals(o.literalValues[j])) {
          return false;
        }
      }
      return path.covers(o.path);
    }

    @Override
    boolean matches(MetricName name, Captures out) {
      JvmPath p = (JvmPath) name;
      ObjectName on = p.objectName();
      if (domain.isLiteral()) {
        if (!domain.literal.equals(on.domain())) {
          return false;
        }
      } else if (domainSlot >= 0) {
        out.set(domainSlot, on.domain());
      }
      if (openKeys ? on.size() < keys.length : on.size() != keys.length) {
        return false;
      }
      for (int i = 0; i < keys.length; i++) {
        int at = on.indexOf(keys[i]);
        if (at < 0) {
          return false;
        }
        if (literalValues[i] != null) {
          if (!literalValues[i].equals(on.rawValue(at))) {
            return false;
          }
        } else if (valueSlots[i] >= 0) {
          out.set(valueSlots[i], on.value(at));
        }
      }
      return path.matches(p.segments(), out);
    }
  }

  private static final class RegexPattern extends NamePattern {
    private final Grammar grammar;
    private final Pattern pattern;
    private final int[] groups;

    private RegexPattern(String source, CaptureNames names, Grammar grammar, Pattern pattern, int[] groups) {
      super(source, names);
      this.grammar = grammar;
      this.pattern = pattern;
      this.groups = groups;
    }

    @Override
    Grammar grammar() {
      return grammar;
    }

    @Override
    boolean covers(NamePattern other) {
      return other instanceof RegexPattern o && o.grammar == grammar && o.source().equals(source());
    }

    @Override
    boolean matches(MetricName name, Captures out) {
      String text = name instanceof JvmPath p ? p.canonical() : name.text();
      Matcher m = pattern.matcher(text);
      if (!m.find()) {
        return false;
      }
      for (int i = 0; i < groups.length; i++) {
        String g = m.group(groups[i]);
        out.set(i, g == null ? "" : g);
      }
      return true;
    }
  }
}
