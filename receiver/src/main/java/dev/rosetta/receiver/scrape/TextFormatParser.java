package dev.rosetta.receiver.scrape;

import dev.rosetta.model.Labels;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses the Prometheus text format (0.0.4, and 1.0.0 with quoted UTF-8 names) and OpenMetrics
 * 1.0 text, as a scrape receives them.
 *
 * <p>Rules, restated from the format specifications and from how Prometheus reads them:
 *
 * <ul>
 *   <li>The body is UTF-8; invalid UTF-8 is an error.
 *   <li>A sample line is {@code name[{labels}] value [timestamp]}; in 1.0.0 the name may instead be
 *       the first, quoted, entry inside the braces ({@code {"my.metric",code="200"} 1}), and label
 *       names may be quoted. Label values are quoted; {@code \\}, {@code \"} and {@code \n} are
 *       escapes, any other backslash pair is kept as written. A trailing comma in the braces is
 *       allowed; a label name given twice is an error.
 *   <li>Values are Go floats: decimal or hexadecimal with a {@code p} exponent, {@code NaN},
 *       {@code Inf}/{@code +Inf}/{@code -Inf} in any case. The text format's timestamps are integer
 *       milliseconds; OpenMetrics timestamps are seconds, possibly fractional.
 *   <li>{@code # HELP name text} and {@code # TYPE name type} declare a family; {@code # UNIT} too in
 *       OpenMetrics. In the text format other comments are ignored and blank lines are allowed. In
 *       OpenMetrics the body must end with {@code # EOF} and nothing may follow it, other comments
 *       and blank lines are errors, and an exemplar ({@code # {labels} value [ts]}) after a sample
 *       is skipped.
 *   <li>A sample belongs to a declared family when its name is the family's name plus a suffix its
 *       type allows ({@code _bucket}, {@code _count}, {@code _sum} for histograms, {@code _total}
 *       and {@code _created} for OpenMetrics counters, ...); otherwise it is a family of its own of
 *       unknown type.
 * </ul>
 *
 * <p>Any syntax error fails the whole body with the line number and what was expected: a scrape
 * is taken whole or not at all, as Prometheus does. Work is linear in the body size. Not
 * thread-safe; one instance per body.
 */
public final class TextFormatParser {
  private final String s;
  private final int n;
  private final boolean openMetrics;
  private final ExpositionSink sink;
  private int pos;
  private int line = 1;
  private final Map<String, FamilyType> types = new HashMap<>();
  private final Map<String, Resolved> resolved = new HashMap<>();
  /** Label names and values seen in this body, so repeated strings share one instance. */
  private final Map<String, String> strings = new HashMap<>();
  private String[] names = new String[16];
  private String[] values = new String[16];

  private record Resolved(String family, FamilyType type, FamilyType.SampleRole role) {}

  private TextFormatParser(String s, boolean openMetrics, ExpositionSink sink) {
    this.s = s;
    this.n = s.length();
    this.openMetrics = openMetrics;
    this.sink = sink;
  }

  /**
   * Parses a body.
   *
   * @param openMetrics OpenMetrics rules when true, the Prometheus text format's otherwise
   * @throws ExpositionException on the first error, naming its line
   */
  static void parse(byte[] body, boolean openMetrics, ExpositionSink sink) throws ExpositionException {
    new TextFormatParser(utf8(body), openMetrics, sink).run();
  }

  /** Parses a body already decoded; for tests and fuzzing. */
  static void parse(String body, boolean openMetrics, ExpositionSink sink) throws ExpositionException {
    new TextFormatParser(body, openMetrics, sink).run();
  }

  private static String utf8(byte[] body) throws ExpositionException {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return d.decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new ExpositionException("the body is not valid UTF-8");
    }
  }

  private void run() throws ExpositionException {
    boolean eof = false;
    while (pos < n) {
      if (eof) {
        throw error("nothing may follow # EOF");
      }
      char c = s.charAt(pos);
      if (c == '\n') {
        if (openMetrics) {
          throw error("empty line (not allowed in OpenMetrics)");
        }
        newline();
        continue;
      }
      if (!openMetrics && (c == ' ' || c == '\t' || c == '\r')) {
        skipBlanks();
        if (pos >= n) {
          break;
        }
        if (s.charAt(pos) == '\n') {
          newline();
          continue;
        }
        c = s.charAt(pos);
      }
      if (c == '#') {
        eof = comment();
      } else {
        sample();
      }
    }
    if (openMetrics && !eof) {
      throw new ExpositionException("OpenMetrics body does not end with # EOF (truncated?)");
    }
  }

  private void newline() {
    pos++;
    line++;
  }

  // ---- comments and metadata -------------------------------------------------------------

  /** A line starting with '#'; returns true for OpenMetrics' # EOF. */
  private boolean comment() throws ExpositionException {
    pos++; // '#'
    if (pos >= n || s.charAt(pos) == '\n') {
      if (openMetrics) {
        throw error("empty comment (not allowed in OpenMetrics)");
      }
      endOfLine();
      return false;
    }
    if (s.charAt(pos) != ' ') {
      if (openMetrics) {
        throw error("expected a space after #");
      }
      skipLine();
      return false;
    }
    pos++;
    if (!openMetrics) {
      skipBlanks();
    }
    int start = pos;
    while (pos < n && s.charAt(pos) != ' ' && s.charAt(pos) != '\t' && s.charAt(pos) != '\n') {
      pos++;
    }
    String keyword = s.substring(start, pos);
    switch (keyword) {
      case "HELP" -> {
        String family = metadataName(keyword);
        String help = rest(true);
        sink.help(family, help);
      }
      case "TYPE" -> {
        String family = metadataName(keyword);
        String word = rest(false);
        FamilyType t = (openMetrics ? FamilyType.fromOpenMetrics(word) : FamilyType.fromText(word))
            .orElseThrow(() -> error("unknown metric type \"" + shorten(word) + "\" for " + shorten(family)
                + (openMetrics ? " (counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown)"
                    : " (counter, gauge, histogram, summary, untyped)")));
        types.put(family, t);
        resolved.clear();
      }
      case "UNIT" -> {
        if (!openMetrics) {
          skipLine();
          return false;
        }
        String family = metadataName(keyword);
        sink.unit(family, rest(false));
      }
      case "EOF" -> {
        if (!openMetrics) {
          skipLine();
          return false;
        }
        endOfLine();
        return true;
      }
      default -> {
        if (openMetrics) {
          throw error("unexpected comment \"# " + shorten(keyword) + "\": OpenMetrics allows HELP, TYPE, UNIT and EOF");
        }
        skipLine();
      }
    }
    return false;
  }

  /** The family name after HELP/TYPE/UNIT. */
  private String metadataName(String keyword) throws ExpositionException {
    if (pos >= n || s.charAt(pos) == '\n') {
      throw error("# " + keyword + " without a metric name");
    }
    pos++; // the blank after the keyword
    if (!openMetrics) {
      skipBlanks();
    }
    String name;
    if (pos < n && s.charAt(pos) == '"') {
      name = quoted("metric name");
    } else {
      name = identifier(true, "a metric name after # " + keyword);
    }
    return name;
  }

  /** The rest of a metadata line after one blank; HELP text is unescaped. */
  private String rest(boolean help) throws ExpositionException {
    if (pos < n && s.charAt(pos) != '\n') {
      if (s.charAt(pos) != ' ' && s.charAt(pos) != '\t') {
        throw error("expected a space after the metric name");
      }
      pos++;
    }
    int start = pos;
    int end = s.indexOf('\n', pos);
    if (end < 0) {
      end = n;
    }
    pos = end;
    String text = s.substring(start, end);
    if (pos < n) {
      newline();
    }
    if (!help) {
      return text.strip();
    }
    if (text.indexOf('\\') < 0) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char e = text.charAt(i + 1);
        if (e == '\\' || e == 'n' || (openMetrics && e == '"')) {
          b.append(e == 'n' ? '\n' : e);
          i++;
          continue;
        }
      }
      b.append(c);
    }
    return b.toString();
  }

  // ---- samples -----------------------------------------------------------------------------

  private void sample() throws ExpositionException {
    String name = null;
    if (s.charAt(pos) != '{') {
      name = identifier(true, "a metric name");
    }
    int count = 0;
    if (pos < n && s.charAt(pos) == '{') {
      pos++;
      skipSpaces();
      boolean first = true;
      while (pos < n && s.charAt(pos) != '}') {
        String label;
        if (s.charAt(pos) == '"') {
          String q = quoted("label name");
          skipSpaces();
          if (first && name == null && pos < n && (s.charAt(pos) == ',' || s.charAt(pos) == '}')) {
            name = q; // {"metric.name", ...}
            if (s.charAt(pos) == ',') {
              pos++;
              skipSpaces();
            }
            first = false;
            continue;
          }
          label = q;
        } else {
          label = identifier(false, "a label name");
          skipSpaces();
        }
        first = false;
        if (label.isEmpty()) {
          throw error("empty label name");
        }
        if (label.equals("__name__")) {
          throw error("label __name__ inside the braces; give the metric name before them");
        }
        expect('=', "'=' after label name " + shorten(label));
        skipSpaces();
        if (pos >= n || s.charAt(pos) != '"') {
          throw error("expected a quoted value for label " + shorten(label));
        }
        String value = quoted("label value");
        if (count == names.length) {
          names = java.util.Arrays.copyOf(names, count * 2);
          values = java.util.Arrays.copyOf(values, count * 2);
        }
        names[count] = intern(label);
        values[count] = intern(value);
        count++;
        skipSpaces();
        if (pos < n && s.charAt(pos) == ',') {
          pos++;
          skipSpaces();
        } else if (pos < n && s.charAt(pos) != '}') {
          throw error("expected ',' or '}' after the value of label " + shorten(label));
        }
      }
      if (pos >= n) {
        throw error("unterminated label set");
      }
      pos++; // '}'
    }
    if (name == null) {
      throw error("a sample without a metric name");
    }
    if (pos >= n || (s.charAt(pos) != ' ' && s.charAt(pos) != '\t')) {
      throw error("expected a space and a value after " + shorten(name));
    }
    skipBlanks();
    String valueText = token();
    if (valueText.isEmpty()) {
      throw error("missing value for " + shorten(name));
    }
    double value = parseFloat(valueText);
    long ts = ExpositionSink.NO_TIMESTAMP;
    skipBlanks();
    if (pos < n && s.charAt(pos) != '\n' && s.charAt(pos) != '#' && s.charAt(pos) != '\r') {
      String tsText = token();
      ts = openMetrics ? secondsTimestamp(tsText) : millisTimestamp(tsText);
      skipBlanks();
    }
    if (pos < n && s.charAt(pos) == '#') {
      if (!openMetrics) {
        throw error("unexpected '#' after the value of " + shorten(name));
      }
      exemplar();
    }
    endOfLine();
    Resolved r = resolve(name);
    sink.sample(name, labels(count), value, ts, r.family, r.type, r.role);
  }

  /** The labels read, sorted in O(k log k) whatever their order; a name given twice is an error. */
  private Labels labels(int count) throws ExpositionException {
    if (count == 0) {
      return Labels.empty();
    }
    boolean sorted = true;
    for (int i = 1; i < count && sorted; i++) {
      sorted = names[i - 1].compareTo(names[i]) < 0;
    }
    String[] n2 = java.util.Arrays.copyOf(names, count);
    String[] v2 = java.util.Arrays.copyOf(values, count);
    if (!sorted) {
      Integer[] order = new Integer[count];
      for (int i = 0; i < count; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
      for (int i = 0; i < count; i++) {
        n2[i] = names[order[i]];
        v2[i] = values[order[i]];
      }
      for (int i = 1; i < count; i++) {
        if (n2[i].equals(n2[i - 1])) {
          throw error("label " + shorten(n2[i]) + " given twice");
        }
      }
    }
    return Labels.adoptSorted(n2, v2);
  }

  /** An OpenMetrics exemplar after a sample: {@code # {labels} value [timestamp]}; checked, dropped. */
  private void exemplar() throws ExpositionException {
    pos++; // '#'
    if (pos >= n || s.charAt(pos) != ' ') {
      throw error("expected \" {\" to start an exemplar");
    }
    pos++;
    if (pos >= n || s.charAt(pos) != '{') {
      throw error("expected '{' to start an exemplar's labels");
    }
    int close = pos;
    boolean inQuote = false;
    while (close < n && s.charAt(close) != '\n') {
      char c = s.charAt(close);
      if (inQuote && c == '\\') {
        close++;
      } else if (c == '"') {
        inQuote = !inQuote;
      } else if (!inQuote && c == '}') {
        break;
      }
      close++;
    }
    if (close >= n || s.charAt(close) != '}') {
      throw error("unterminated exemplar labels");
    }
    pos = close + 1;
    skipBlanks();
    parseFloat(token());
    skipBlanks();
    if (pos < n && s.charAt(pos) != '\n') {
      secondsTimestamp(token());
      skipBlanks();
    }
  }

  private Resolved resolve(String name) {
    Resolved r = resolved.get(name);
    if (r != null) {
      return r;
    }
    r = new Resolved(name, FamilyType.UNKNOWN, FamilyType.SampleRole.VALUE);
    FamilyType t = types.get(name);
    FamilyType.SampleRole role = t == null ? null : t.roleOf("", openMetrics);
    if (role != null) {
      r = new Resolved(name, t, role);
    } else {
      for (String suffix : FamilyType.SUFFIXES) {
        if (name.length() > suffix.length() && name.endsWith(suffix)) {
          String base = name.substring(0, name.length() - suffix.length());
          FamilyType bt = types.get(base);
          FamilyType.SampleRole br = bt == null ? null : bt.roleOf(suffix, openMetrics);
          if (br != null) {
            r = new Resolved(base, bt, br);
            break;
          }
        }
      }
    }
    if (resolved.size() < 100_000) {
      resolved.put(name, r);
    }
    return r;
  }

  // ---- tokens ------------------------------------------------------------------------------

  /** A legacy name: [a-zA-Z_:][a-zA-Z0-9_:]* (colons only in metric names). */
  private String identifier(boolean metric, String what) throws ExpositionException {
    int start = pos;
    while (pos < n) {
      char c = s.charAt(pos);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':')
          || (pos > start && c >= '0' && c <= '9');
      if (!ok) {
        break;
      }
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what + (pos < n ? ", found " + describe(s.charAt(pos)) : ", found the end"));
    }
    return intern(s.substring(start, pos));
  }

  /** A double-quoted string with escapes; ends on the closing quote. */
  private String quoted(String what) throws ExpositionException {
    pos++; // opening quote
    int start = pos;
    StringBuilder b = null;
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '"') {
        String v = b == null ? s.substring(start, pos) : b.append(s, start, pos).toString();
        pos++;
        return v;
      }
      if (c == '\n') {
        throw error("line break inside a quoted " + what);
      }
      if (c == '\\') {
        if (pos + 1 >= n) {
          break;
        }
        if (b == null) {
          b = new StringBuilder();
        }
        b.append(s, start, pos);
        char e = s.charAt(pos + 1);
        switch (e) {
          case '\\', '"' -> b.append(e);
          case 'n' -> b.append('\n');
          case '\n' -> throw error("line break inside a quoted " + what);
          default -> b.append('\\').append(e);
        }
        pos += 2;
        start = pos;
        continue;
      }
      pos++;
    }
    throw error("unterminated quoted " + what);
  }

  /** Characters up to the next blank or line end. */
  private String token() {
    int start = pos;
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        break;
      }
      pos++;
    }
    return s.substring(start, pos);
  }

  private void expect(char c, String what) throws ExpositionException {
    if (pos >= n || s.charAt(pos) != c) {
      throw error("expected " + what + (pos < n ? ", found " + describe(s.charAt(pos)) : ", found the end"));
    }
    pos++;
  }

  /** Blanks between tokens: one space in OpenMetrics, spaces and tabs in the text format. */
  private void skipBlanks() {
    while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
      if (openMetrics) {
        return;
      }
    }
  }

  /** Blanks inside braces (tolerated in both formats). */
  private void skipSpaces() {
    while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void endOfLine() throws ExpositionException {
    if (!openMetrics) {
      while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r')) {
        pos++;
      }
    }
    if (pos < n) {
      if (s.charAt(pos) != '\n') {
        throw error("unexpected " + describe(s.charAt(pos)) + " before the end of the line");
      }
      newline();
    }
  }

  private void skipLine() {
    int end = s.indexOf('\n', pos);
    if (end < 0) {
      pos = n;
    } else {
      pos = end;
      newline();
    }
  }

  private String intern(String v) {
    String prev = strings.putIfAbsent(v, v);
    return prev == null ? v : prev;
  }

  // ---- numbers -----------------------------------------------------------------------------

  /** A float as Go's strconv.ParseFloat reads it (no trailing letters, as Java would allow). */
  double parseFloat(String t) throws ExpositionException {
    switch (t.toLowerCase(java.util.Locale.ROOT)) {
      case "nan", "+nan", "-nan":
        return Double.NaN;
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (!isGoFloat(t)) {
      throw error("invalid value \"" + shorten(t) + "\": expected a number, NaN or +Inf/-Inf");
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw error("invalid value \"" + shorten(t) + "\"");
    }
  }

  static boolean isGoFloat(String t) {
    int i = 0;
    int len = t.length();
    if (i < len && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
      i++;
    }
    boolean hex = i + 1 < len && t.charAt(i) == '0' && (t.charAt(i + 1) == 'x' || t.charAt(i + 1) == 'X');
    if (hex) {
      i += 2;
    }
    int digits = 0;
    boolean dot = false;
    for (; i < len; i++) {
      char c = t.charAt(i);
      if (c == '.') {
        if (dot) {
          return false;
        }
        dot = true;
      } else if ((c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))) {
        digits++;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i == len) {
      return !hex; // a hexadecimal mantissa needs a 'p' exponent
    }
    char e = t.charAt(i);
    if (hex ? (e != 'p' && e != 'P') : (e != 'e' && e != 'E')) {
      return false;
    }
    i++;
    if (i < len && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
      i++;
    }
    int expDigits = 0;
    for (; i < len; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      expDigits++;
    }
    return expDigits > 0;
  }

  private long millisTimestamp(String t) throws ExpositionException {
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw error("invalid timestamp \"" + shorten(t) + "\": expected integer milliseconds");
    }
  }

  private long secondsTimestamp(String t) throws ExpositionException {
    double v = parseFloat(t);
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw error("invalid timestamp \"" + shorten(t) + "\"");
    }
    return (long) (v * 1000);
  }

  // ---- errors ------------------------------------------------------------------------------

  private ExpositionException error(String message) {
    return new ExpositionException((openMetrics ? "OpenMetrics" : "text format") + " line " + line + ": " + message);
  }

  private static String describe(char c) {
    if (c == '\n') {
      return "the end of the line";
    }
    if (c < 0x20 || c == 0x7f) {
      return String.format("character U+%04X", (int) c);
    }
    return "'" + c + "'";
  }

  /** At most 60 characters of user data in a message. */
  static String shorten(String v) {
    return v.length() <= 60 ? v : v.substring(0, 57) + "...";
  }
}
