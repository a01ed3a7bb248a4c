package dev.rosetta.model.name;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A JMX ObjectName, parsed by the lexical rules of {@code javax.management.ObjectName} without
 * depending on the JMX runtime: {@code domain:key=value[,key=value]*}.
 *
 * <ul>
 *   <li>The domain runs to the first {@code :} and contains no newline.
 *   <li>Keys are non-empty, unique, and contain none of {@code , = : * ?} or a newline. Spaces are
 *       significant everywhere.
 *   <li>An unquoted value contains none of {@code , = : "} or a newline. A quoted value is {@code
 *       "..."} in which a backslash must be followed by {@code \ n " * ?}; the quotes and
 *       backslashes are part of the value as JMX keeps it ({@link #rawValue(int)}), {@link
 *       #value(int)} gives the unquoted text.
 *   <li>A name is not a pattern: {@code *} and {@code ?} are rejected in the domain, in unquoted
 *       values and unescaped in quoted values, and a {@code *} element is rejected. (Patterns
 *       written in view files go through {@link JvmPath#parsePattern(String)}.)
 * </ul>
 *
 * <p>Identity is the canonical name, as {@code ObjectName.getCanonicalName()} builds it: the
 * domain, {@code :}, and the {@code key=value} pairs sorted by key ({@link String#compareTo}) with
 * the values as written. Keys are stored in that sorted order; {@link #text()} keeps the written
 * order. Immutable and thread-safe.
 */
public final class ObjectName {
  private final String text;
  private final String domain;
  private final String[] keys; // sorted
  private final String[] rawValues; // as written, quotes and escapes included
  private final boolean[] wildcards; // value has an unescaped * or ? (patterns only)
  private final boolean propertyListPattern;
  // computed on first use; a racy but safe cache, as String.hashCode does
  private String canonicalName;
  private String canonicalKeys;

  private ObjectName(
      String text,
      String domain,
      String[] keys,
      String[] rawValues,
      boolean[] wildcards,
      boolean propertyListPattern) {
    this.text = text;
    this.domain = domain;
    this.keys = keys;
    this.rawValues = rawValues;
    this.wildcards = wildcards;
    this.propertyListPattern = propertyListPattern;
  }

  /**
   * Parses a whole ObjectName ({@code /} is an ordinary character here, as in JMX); never throws
   * for bad input.
   */
  public static ParseResult<ObjectName> parse(String text) {
    Objects.requireNonNull(text, "text");
    Scan scan = scan(text, false, false);
    return scan.error != null ? ParseResult.failure(scan.error) : ParseResult.ok(scan.name);
  }

  /** The domain, possibly empty. */
  public String domain() {
    return domain;
  }

  /** The number of key properties. */
  public int size() {
    return keys.length;
  }

  /** The keys in canonical (sorted) order; unmodifiable. */
  public List<String> keys() {
    return Collections.unmodifiableList(Arrays.asList(keys));
  }

  /** The i-th key in sorted order. */
  public String key(int i) {
    return keys[i];
  }

  /** The i-th value (sorted key order) as written: a quoted value keeps its quotes and escapes. */
  public String rawValue(int i) {
    return rawValues[i];
  }

  /** The i-th value (sorted key order) unquoted: {@code "a\"b"} gives {@code a"b}. */
  public String value(int i) {
    return unquote(rawValues[i]);
  }

  /** Whether the i-th value is quoted. */
  public boolean isQuoted(int i) {
    return !rawValues[i].isEmpty() && rawValues[i].charAt(0) == '"';
  }

  /**
   * Whether the i-th value holds a wildcard ({@code *} or {@code ?}, unescaped); only patterns
   * parsed with {@link JvmPath#parsePattern(String)} have them.
   */
  public boolean hasWildcard(int i) {
    return wildcards[i];
  }

  /** The sorted index of {@code key}, or a negative number when absent. */
  public int indexOf(String key) {
    return Arrays.binarySearch(keys, key);
  }

  /** The value of {@code key} as written, or empty. */
  public Optional<String> rawValue(String key) {
    int i = indexOf(key);
    return i < 0 ? Optional.empty() : Optional.of(rawValues[i]);
  }

  /** The unquoted value of {@code key}, or empty. */
  public Optional<String> value(String key) {
    int i = indexOf(key);
    return i < 0 ? Optional.empty() : Optional.of(value(i));
  }

  /**
   * Whether this is a property list pattern (written with a {@code *} element, as in {@code
   * d:type=Foo,*}); only patterns parsed with {@link JvmPath#parsePattern(String)} are.
   */
  public boolean isPropertyListPattern() {
    return propertyListPattern;
  }

  /** The canonical name: domain, {@code :}, key properties sorted by key. */
  public String canonicalName() {
    String c = canonicalName;
    if (c == null) {
      StringBuilder sb = new StringBuilder(text.length() + 2).append(domain).append(':');
      for (int i = 0; i < keys.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(keys[i]).append('=').append(rawValues[i]);
      }
      if (propertyListPattern) {
        sb.append(keys.length == 0 ? "*" : ",*");
      }
      c = sb.toString();
      canonicalName = c;
    }
    return c;
  }

  /** The sorted keys joined with {@code ,}: the key set, used to index patterns. */
  public String canonicalKeys() {
    String c = canonicalKeys;
    if (c == null) {
      c = keys.length == 1 ? keys[0] : String.join(",", keys);
      canonicalKeys = c;
    }
    return c;
  }

  /** The name as written. */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectName n && canonicalName().equals(n.canonicalName());
  }

  @Override
  public int hashCode() {
    return canonicalName().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * The unquoted text of a value as written: a value without quotes is returned as is; in a quoted
   * one the escapes {@code \\ \n \" \* \?} are resolved.
   */
  public static String unquote(String raw) {
    if (raw.length() < 2 || raw.charAt(0) != '"') {
      return raw;
    }
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 1; i < raw.length() - 1; i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() - 1) {
        char n = raw.charAt(++i);
        sb.append(n == 'n' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Quotes {@code value} as JMX's {@code ObjectName.quote} does: surrounds it with quotes and
   * escapes {@code \ " * ?} and newline.
   */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\\', '"', '*', '?' -> sb.append('\\').append(c);
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  // ---------------------------------------------------------------------------------------------
  // scanning, shared with JvmPath

  /** What {@link #scan} found: the name and where it ended, or an error. */
  static final class Scan {
    ObjectName name;
    /** Index of the {@code /} that ends the ObjectName in a path, or the text length. */
    int end;

    NameError error;
  }

  /**
   * Scans an ObjectName at the start of {@code s}.
   *
   * @param pattern accept wildcards: {@code *} and {@code ?} in the domain and in values, and a
   *     {@code *} element (property list pattern)
   * @param path the ObjectName is the head of a JVM path: a {@code /} outside a quoted value may
   *     end it (see {@link JvmPath} for the rule), and keys may not contain {@code /}
   */
  static Scan scan(String s, boolean pattern, boolean path) {
    Scan scan = new Scan();
    int len = s.length();
    int colon = s.indexOf(':');
    if (colon < 0) {
      return fail(scan, s, len, "missing ':' between the domain and the key properties");
    }
    for (int i = 0; i < colon; i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        return fail(scan, s, i, "newline in the domain");
      }
      if (!pattern && (c == '*' || c == '?')) {
        return fail(
            scan, s, i, "wildcard '" + c + "' in the domain: a metric name names one MBean, not a pattern");
      }
    }
    String domain = s.substring(0, colon);
    Props props = new Props();
    boolean listPattern = false;
    int end = len;
    int pos = colon + 1;
    while (true) {
      if (pos >= len) {
        return fail(
            scan,
            s,
            pos,
            props.size == 0 && !listPattern
                ? "no key properties after ':' (expected key=value)"
                : "missing key=value after ','");
      }
      char first = s.charAt(pos);
      if (first == '*' && (pos + 1 == len || s.charAt(pos + 1) == ',' || (path && s.charAt(pos + 1) == '/'))) {
        if (!pattern) {
          return fail(scan, s, pos, "'*' element: a metric name names one MBean, not a pattern");
        }
        if (listPattern) {
          return fail(scan, s, pos, "a second '*' element");
        }
        listPattern = true;
        pos++;
        if (pos == len) {
          break;
        }
        if (s.charAt(pos) == '/') {
          end = pos;
          break;
        }
        pos++; // ','
        continue;
      }
      // key
      int keyStart = pos;
      while (pos < len && s.charAt(pos) != '=') {
        char c = s.charAt(pos);
        if (c == ',') {
          return fail(
              scan, s, pos, "key property \"" + s.substring(keyStart, pos) + "\" has no '=value'");
        }
        if (c == ':' || c == '*' || c == '?' || c == '\n' || (path && c == '/')) {
          return fail(scan, s, pos, "character " + show(c) + " is not allowed in a key");
        }
        pos++;
      }
      String key = s.substring(keyStart, pos);
      if (pos == len) {
        return fail(scan, s, pos, "key property \"" + key + "\" has no '=value'");
      }
      if (key.isEmpty()) {
        return fail(scan, s, pos, "empty key before '='");
      }
      if (props.contains(key)) {
        return fail(scan, s, keyStart, "duplicate key \"" + key + "\"");
      }
      pos++; // '='
      int valueStart = pos;
      boolean wildcard = false;
      if (pos < len && s.charAt(pos) == '"') {
        pos++;
        while (true) {
          if (pos >= len) {
            return fail(scan, s, valueStart, "quoted value of key \"" + key + "\" is not closed");
          }
          char c = s.charAt(pos);
          if (c == '\\') {
            char n = pos + 1 < len ? s.charAt(pos + 1) : '\0';
            if (n != '\\' && n != 'n' && n != '"' && n != '*' && n != '?') {
              return fail(
                  scan,
                  s,
                  pos,
                  "invalid escape in the quoted value of key \""
                      + key
                      + "\": a backslash must be followed by \\, n, \", * or ?");
            }
            pos += 2;
            continue;
          }
          if (c == '"') {
            pos++;
            break;
          }
          if (c == '\n') {
            return fail(scan, s, pos, "newline in the quoted value of key \"" + key + "\" (write \\n)");
          }
          if (c == '*' || c == '?') {
            if (!pattern) {
              return fail(
                  scan,
                  s,
                  pos,
                  "unescaped wildcard '" + c + "' in the quoted value of key \"" + key
                      + "\": a metric name names one MBean, not a pattern (write \\" + c + ")");
            }
            wildcard = true;
          }
          pos++;
        }
        props.add(key, s.substring(valueStart, pos), wildcard);
        if (pos == len) {
          break;
        }
        char c = s.charAt(pos);
        if (c == ',') {
          pos++;
          continue;
        }
        if (path && c == '/') {
          end = pos;
          break;
        }
        return fail(
            scan,
            s,
            pos,
            "expected ','" + (path ? ", '/'" : "") + " or the end after the quoted value of key \"" + key + "\"");
      }
      while (pos < len) {
        char c = s.charAt(pos);
        if (c == ',' || (c == '/' && path && !continuesValue(s, pos, pattern))) {
          break;
        }
        if (c == '=' || c == ':' || c == '"' || c == '\n') {
          return fail(
              scan,
              s,
              pos,
              "character " + show(c) + " is not allowed in the unquoted value of key \"" + key
                  + "\" (quote the value)");
        }
        if (c == '*' || c == '?') {
          if (!pattern) {
            return fail(
                scan,
                s,
                pos,
                "wildcard '" + c + "' in the value of key \"" + key
                    + "\": a metric name names one MBean, not a pattern");
          }
          wildcard = true;
        }
        pos++;
      }
      props.add(key, s.substring(valueStart, pos), wildcard);
      if (pos == len) {
        break;
      }
      if (s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      end = pos; // a '/' that ends the ObjectName
      break;
    }
    props.sort();
    scan.name =
        new ObjectName(
            end == len ? s : s.substring(0, end),
            domain,
            props.trimmedKeys(),
            props.trimmedValues(),
            props.trimmedWildcards(),
            listPattern);
    scan.end = end;
    return scan;
  }

  /** Key properties collected while scanning: parallel arrays, sorted by key at the end. */
  private static final class Props {
    String[] keys = new String[4];
    String[] values = new String[4];
    boolean[] wild = new boolean[4];
    int size;

    void add(String key, String value, boolean wildcard) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
        wild = Arrays.copyOf(wild, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      wild[size] = wildcard;
      size++;
    }

    boolean contains(String key) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          return true;
        }
      }
      return false;
    }

    /** Insertion sort by key: key lists are short. */
    void sort() {
      for (int i = 1; i < size; i++) {
        String k = keys[i];
        String v = values[i];
        boolean w = wild[i];
        int j = i - 1;
        while (j >= 0 && keys[j].compareTo(k) > 0) {
          keys[j + 1] = keys[j];
          values[j + 1] = values[j];
          wild[j + 1] = wild[j];
          j--;
        }
        keys[j + 1] = k;
        values[j + 1] = v;
        wild[j + 1] = w;
      }
    }

    String[] trimmedKeys() {
      return size == keys.length ? keys : Arrays.copyOf(keys, size);
    }

    String[] trimmedValues() {
      return size == values.length ? values : Arrays.copyOf(values, size);
    }

    boolean[] trimmedWildcards() {
      return size == wild.length ? wild : Arrays.copyOf(wild, size);
    }
  }

  /**
   * At a {@code /} inside an unquoted value of a JVM path: whether the value goes on (another
   * {@code key=value} follows at the next {@code ,}) rather than the ObjectName ending here.
   */
  private static boolean continuesValue(String s, int slash, boolean pattern) {
    int comma = s.indexOf(',', slash + 1);
    if (comma < 0) {
      return false;
    }
    int k = comma + 1;
    int len = s.length();
    if (pattern && k < len && s.charAt(k) == '*' && (k + 1 == len || s.charAt(k + 1) == ',' || s.charAt(k + 1) == '/')) {
      return true;
    }
    while (k < len && isKeyChar(s.charAt(k))) {
      k++;
    }
    return k > comma + 1 && k < len && s.charAt(k) == '=';
  }

  private static boolean isKeyChar(char c) {
    return c != ',' && c != '=' && c != ':' && c != '*' && c != '?' && c != '\n' && c != '/';
  }

  private static Scan fail(Scan scan, String s, int position, String reason) {
    scan.error = new NameError(s, position, reason);
    return scan;
  }

  private static String show(char c) {
    return c == '\n' ? "newline" : "'" + c + "'";
  }
}
