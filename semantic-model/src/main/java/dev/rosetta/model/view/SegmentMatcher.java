package dev.rosetta.model.view;

import java.util.List;

/**
 * Matches a list of segments against pattern elements: literals, {@code *} (one segment, not
 * captured), {@code {name}} (one segment, captured) and at most one {@code {name...}} (one or
 * more segments, captured), which may stand anywhere. Immutable.
 */
final class SegmentMatcher {
  private static final int LITERAL = 0;
  private static final int ANY = 1;
  private static final int CAPTURE = 2;
  private static final int REST = 3;

  private final String[] literals;
  private final int[] kinds;
  private final int[] slots;
  private final int rest;

  private SegmentMatcher(String[] literals, int[] kinds, int[] slots, int rest) {
    this.literals = literals;
    this.kinds = kinds;
    this.slots = slots;
    this.rest = rest;
  }

  /**
   * Compiles pattern segments, registering captures in {@code names}.
   *
   * @param what what a segment is called in messages ("segment", "path segment")
   * @throws IllegalArgumentException with a message for users
   */
  static SegmentMatcher compile(List<String> segments, CaptureNames names, String what) {
    int n = segments.size();
    String[] literals = new String[n];
    int[] kinds = new int[n];
    int[] slots = new int[n];
    int rest = -1;
    for (int i = 0; i < n; i++) {
      String s = segments.get(i);
      Element e = Element.parse(s, what, true);
      kinds[i] = e.kind;
      literals[i] = e.literal;
      if (e.kind == CAPTURE || e.kind == REST) {
        slots[i] = register(names, e.name);
      }
      if (e.kind == REST) {
        if (rest >= 0) {
          throw new IllegalArgumentException(
              "two multi-segment captures ({" + segments.get(rest) + "} and " + s
                  + "); a pattern may have one {name...}");
        }
        rest = i;
      }
    }
    return new SegmentMatcher(literals, kinds, slots, rest);
  }

  static int register(CaptureNames names, String name) {
    int slot = names.add(name);
    if (slot < 0) {
      throw new IllegalArgumentException("capture {" + name + "} appears twice");
    }
    return slot;
  }

  /** The first element when it is a literal, else {@code null}: the index key of a pattern. */
  String firstLiteral() {
    return kinds.length > 0 && kinds[0] == LITERAL ? literals[0] : null;
  }

  /**
   * Whether every segment list {@code other} matches, this matches too. Conservative: false when it
   * cannot tell.
   */
  boolean covers(SegmentMatcher other) {
    int k = kinds.length;
    int ko = other.kinds.length;
    if (rest < 0) {
      if (other.rest >= 0 || k != ko) {
        return false;
      }
      for (int i = 0; i < k; i++) {
        if (!coversOne(i, other, i)) {
          return false;
        }
      }
      return true;
    }
    if (ko < k) {
      return false; // other matches lists shorter than this needs
    }
    int suffix = k - rest - 1;
    int otherPrefix = other.rest < 0 ? ko : other.rest;
    int otherSuffix = other.rest < 0 ? ko : ko - other.rest - 1;
    for (int i = 0; i < rest; i++) {
      if (i < otherPrefix ? !coversOne(i, other, i) : !isWild(i)) {
        return false;
      }
    }
    for (int t = 1; t <= suffix; t++) { // t-th element from the end
      int i = k - t;
      if (t <= otherSuffix ? !coversOne(i, other, ko - t) : !isWild(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean isWild(int i) {
    return kinds[i] == ANY || kinds[i] == CAPTURE;
  }

  /** Whether this element {@code i} matches every segment the single element {@code j} of {@code other} does. */
  private boolean coversOne(int i, SegmentMatcher other, int j) {
    if (other.kinds[j] == REST) {
      return false;
    }
    if (isWild(i)) {
      return true;
    }
    return kinds[i] == LITERAL && other.kinds[j] == LITERAL && literals[i].equals(other.literals[j]);
  }

  boolean matches(List<String> segments, Captures captures) {
    int n = segments.size();
    int k = kinds.length;
    if (rest < 0) {
      if (n != k) {
        return false;
      }
      for (int i = 0; i < k; i++) {
        if (!element(i, segments.get(i), captures)) {
          return false;
        }
      }
      return true;
    }
    int suffix = k - rest - 1;
    if (n < k) {
      return false;
    }
    for (int i = 0; i < rest; i++) {
      if (!element(i, segments.get(i), captures)) {
        return false;
      }
    }
    for (int j = 0; j < suffix; j++) {
      if (!element(rest + 1 + j, segments.get(n - suffix + j), captures)) {
        return false;
      }
    }
    captures.set(slots[rest], segments.subList(rest, n - suffix));
    return true;
  }

  private boolean element(int i, String segment, Captures captures) {
    switch (kinds[i]) {
      case LITERAL:
        return literals[i].equals(segment);
      case ANY:
        return true;
      default:
        captures.set(slots[i], segment);
        return true;
    }
  }

  /** One parsed pattern element. */
  static final class Element {
    final int kind;
    final String literal;
    final String name;

    private Element(int kind, String literal, String name) {
      this.kind = kind;
      this.literal = literal;
      this.name = name;
    }

    boolean isLiteral() {
      return kind == LITERAL;
    }

    boolean isAny() {
      return kind == ANY;
    }

    boolean isCapture() {
      return kind == CAPTURE;
    }

    /** Whether this element matches every value {@code other} matches (one segment each). */
    boolean covers(Element other) {
      if (kind == ANY || kind == CAPTURE) {
        return true;
      }
      return kind == LITERAL && other.kind == LITERAL && literal.equals(other.literal);
    }

    /**
     * Parses {@code *}, {@code {name}}, {@code {name...}} (when {@code restAllowed}) or a literal
     * without braces.
     */
    static Element parse(String s, String what, boolean restAllowed) {
      if (s.equals("*")) {
        return new Element(ANY, null, null);
      }
      if (s.length() >= 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}') {
        String inner = s.substring(1, s.length() - 1);
        boolean isRest = inner.endsWith("...");
        String name = isRest ? inner.substring(0, inner.length() - 3) : inner;
        if (!CaptureNames.isValidName(name)) {
          throw new IllegalArgumentException(
              "invalid capture " + s + ": a capture name is a letter or '_' followed by letters,"
                  + " digits or '_'");
        }
        if (isRest && !restAllowed) {
          throw new IllegalArgumentException(
              "a multi-segment capture " + s + " is not allowed in a " + what);
        }
        return new Element(isRest ? REST : CAPTURE, null, name);
      }
      if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
        throw new IllegalArgumentException(
            "invalid " + what + " \"" + s + "\": a capture must be the whole " + what
                + " ({name}" + (restAllowed ? " or {name...}" : "") + "); use match_regex for"
                + " partial matches");
      }
      if (s.indexOf('*') >= 0) {
        throw new IllegalArgumentException(
            "invalid " + what + " \"" + s + "\": '*' must be the whole " + what
                + " (partial wildcards are not supported; use match_regex)");
      }
      return new Element(LITERAL, s, null);
    }
  }
}
