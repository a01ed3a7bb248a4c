package dev.rosetta.relabel;

/**
 * Go's {@code strings.ToLower} and {@code strings.ToUpper}: one code point at a time with the
 * simple (one-to-one) Unicode case mapping, no locale and no context. {@link
 * String#toLowerCase(java.util.Locale)} differs (final sigma, dotted capital I, "ß" to "SS").
 */
final class GoStrings {
  private GoStrings() {}

  static String toLower(String s) {
    return map(s, false);
  }

  static String toUpper(String s) {
    return map(s, true);
  }

  private static String map(String s, boolean upper) {
    int n = s.length();
    int i = 0;
    // fast scan: most values are unchanged ASCII
    while (i < n) {
      char c = s.charAt(i);
      if (c >= 0x80 || (upper ? c >= 'a' && c <= 'z' : c >= 'A' && c <= 'Z')) {
        break;
      }
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder sb = new StringBuilder(n);
    sb.append(s, 0, i);
    while (i < n) {
      int cp = s.codePointAt(i);
      sb.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp));
      i += Character.charCount(cp);
    }
    String r = sb.toString();
    return r.equals(s) ? s : r;
  }
}
