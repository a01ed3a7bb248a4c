package dev.rosetta.model.naming;

import dev.rosetta.model.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The standard translation of OpenTelemetry metric names, units and attribute keys into legacy
 * (non-UTF-8) Prometheus names, after the specification "Prometheus and OpenMetrics Compatibility"
 * (OTLP metric points to Prometheus), with the details the established OTLP-to-Prometheus
 * translators settle where the specification leaves room.
 *
 * <h2>Metric names, with suffixes (the default)</h2>
 *
 * <ol>
 *   <li>The name is split into words: maximal runs of {@code [a-zA-Z0-9:]}. Every other character
 *       (dots, dashes, spaces, underscores, non-ASCII letters) separates words, so runs of them
 *       become a single {@code _} and leading or trailing ones disappear.
 *   <li>The unit is split at its first {@code /} into a main part and a "per" part, each trimmed of
 *       white space. A part containing a brace (a UCUM annotation such as {@code {packet}}) is
 *       dropped. The main part is mapped through the unit table ({@code s} to {@code seconds},
 *       {@code By} to {@code bytes}, {@code 1} to nothing, ...), the per part through the singular
 *       table ({@code s} to {@code second}, ...) and prefixed with {@code per_}; unknown units are
 *       kept as written. Each part is then cleaned: characters outside {@code [a-zA-Z0-9:]} become
 *       {@code _}, runs of {@code _} collapse, a leading {@code _} is removed.
 *   <li>The main unit word is appended unless it is already one of the name's words; the per part
 *       is appended after it. A per part that cleans down to nothing is dropped; trailing {@code _}
 *       of the per part, and of the main part when a per part follows, are removed.
 *   <li>{@link MetricType#COUNTER}: every {@code total} word is removed and {@code total} appended,
 *       so the name ends in exactly one {@code _total}. Other types get no type suffix ({@link
 *       MetricType#UP_DOWN_COUNTER} is a Prometheus gauge; the {@code _bucket}, {@code _count} and
 *       {@code _sum} sample suffixes of histograms and summaries are the renderer's business).
 *   <li>{@link MetricType#GAUGE} whose unit is exactly {@code "1"}: every {@code ratio} word is
 *       removed and {@code ratio} appended.
 *   <li>The words are joined with {@code _}; a result starting with a digit gets a leading {@code _}.
 * </ol>
 *
 * <h2>Metric names without suffixes</h2>
 *
 * Runs of characters outside {@code [a-zA-Z0-9:_]} become a single {@code _} (leading and trailing
 * runs are dropped); underscores already present are kept as they are; a leading digit gets a
 * leading {@code _}. The unit and the type are ignored.
 *
 * <h2>Label names</h2>
 *
 * Every character outside {@code [a-zA-Z0-9_]} becomes {@code _} (one per code point; runs are not
 * collapsed); a name starting with a digit is prefixed with {@code key_}, one starting with a single
 * {@code _} is prefixed with {@code key}; names starting with {@code __} are kept.
 *
 * <h2>Where the rules are more specific than the specification's wording</h2>
 *
 * The specification asks for consecutive {@code _} to be collapsed and for {@code _total} to be
 * added only when the name does not already end with it; it leaves open how annotations inside a
 * unit and units already present in the name are handled. These rules keep the names Prometheus
 * users already see from existing OTLP-to-Prometheus exporters: label names and suffix-less metric
 * names keep runs of {@code _} that were in the input, {@code total} and {@code ratio} words move to
 * the end wherever they occur, a unit part with an annotation is dropped as a whole, "already
 * contains the unit" compares whole words (and only the main unit), and an unknown unit whose
 * cleaning leaves a trailing {@code _} keeps it when no per part follows.
 *
 * <p>When nothing valid is left of a name the methods throw {@link IllegalArgumentException};
 * callers drop the metric or attribute and count it. Results are not cached here: the work is one
 * pass over short strings without regular expressions, and callers memoize per metric.
 */
public final class PrometheusNaming {

  /** Main units: UCUM code to the plural Prometheus word; "1" means dimensionless, no word. */
  private static final Map<String, String> UNIT_WORDS =
      Map.ofEntries(
          // time
          Map.entry("d", "days"),
          Map.entry("h", "hours"),
          Map.entry("min", "minutes"),
          Map.entry("s", "seconds"),
          Map.entry("ms", "milliseconds"),
          Map.entry("us", "microseconds"),
          Map.entry("ns", "nanoseconds"),
          // bytes; "TiBy" is "tibibytes" (sic) so names agree with existing exporters
          Map.entry("By", "bytes"),
          Map.entry("KiBy", "kibibytes"),
          Map.entry("MiBy", "mebibytes"),
          Map.entry("GiBy", "gibibytes"),
          Map.entry("TiBy", "tibibytes"),
          Map.entry("KBy", "kilobytes"),
          Map.entry("MBy", "megabytes"),
          Map.entry("GBy", "gigabytes"),
          Map.entry("TBy", "terabytes"),
          // SI
          Map.entry("m", "meters"),
          Map.entry("V", "volts"),
          Map.entry("A", "amperes"),
          Map.entry("J", "joules"),
          Map.entry("W", "watts"),
          Map.entry("g", "grams"),
          // misc
          Map.entry("Cel", "celsius"),
          Map.entry("Hz", "hertz"),
          Map.entry("1", ""),
          Map.entry("%", "percent"));

  /** Denominators of {@code X/Y} units: UCUM code to the singular word used after {@code per_}. */
  private static final Map<String, String> PER_UNIT_WORDS =
      Map.of(
          "s", "second",
          "m", "minute",
          "h", "hour",
          "d", "day",
          "w", "week",
          "mo", "month",
          "y", "year");

  private static final String PER_PREFIX = "per_";

  private PrometheusNaming() {}

  /**
   * The Prometheus metric family name for an OTLP metric, with unit and type suffixes (without the
   * {@code _bucket}, {@code _count}, {@code _sum} sample suffixes): {@code ("http.server.duration",
   * "s", HISTOGRAM)} gives {@code http_server_duration_seconds}, {@code ("system.io", "By",
   * COUNTER)} gives {@code system_io_bytes_total}, {@code ("cpu.utilization", "1", GAUGE)} gives
   * {@code cpu_utilization_ratio}.
   *
   * @param otelName the OTLP metric name
   * @param unit the OTLP (UCUM) unit, {@code ""} when none
   * @param type the instrument kind
   * @return a valid legacy Prometheus metric name
   * @throws IllegalArgumentException when nothing of the name and unit survives the translation
   */
  public static String metricName(String otelName, String unit, MetricType type) {
    return metricName(otelName, unit, type, true);
  }

  /**
   * The Prometheus metric family name for an OTLP metric, with the unit and type suffixes ({@code
   * _seconds}, {@code _total}, {@code _ratio}, ...) switched on or off. Without suffixes only
   * invalid characters are replaced; see the class documentation for the exact rules.
   *
   * @param otelName the OTLP metric name
   * @param unit the OTLP (UCUM) unit, {@code ""} when none; ignored without suffixes
   * @param type the instrument kind; ignored without suffixes
   * @param addSuffixes whether to append the unit and type suffixes
   * @return a valid legacy Prometheus metric name
   * @throws IllegalArgumentException when nothing valid is left of the name
   */
  public static String metricName(
      String otelName, String unit, MetricType type, boolean addSuffixes) {
    Objects.requireNonNull(otelName, "otelName");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(type, "type");
    String name = addSuffixes ? suffixedMetricName(otelName, unit, type) : plainMetricName(otelName);
    if (name.isEmpty() || (!name.equals(otelName) && isAllUnderscores(name))) {
      throw new IllegalArgumentException(
          "metric name \"" + otelName + "\" with unit \"" + unit + "\" has no valid Prometheus name");
    }
    return name;
  }

  /**
   * The Prometheus label name for an OTLP attribute key: {@code http.method} gives {@code
   * http_method}, {@code 2xx} gives {@code key_2xx}, {@code _tmp} gives {@code key_tmp}, {@code
   * __meta} stays {@code __meta}.
   *
   * @param key the attribute key
   * @return a valid legacy Prometheus label name
   * @throws IllegalArgumentException when the key is empty or nothing but underscores is left of it
   */
  public static String labelName(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("empty attribute key has no Prometheus label name");
    }
    if (isValidLegacyLabelName(key) && !startsWithSingleUnderscore(key)) {
      return key; // the common case: nothing to change, nothing to allocate
    }
    StringBuilder sb = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      i += Character.charCount(cp);
      // one '_' per code point, so a character outside the BMP is one '_', not two
      sb.append(cp < 0x80 && isLabelChar((char) cp) ? (char) cp : '_');
    }
    String label = sb.toString();
    if (isAsciiDigit(label.charAt(0))) {
      label = "key_" + label;
    } else if (startsWithSingleUnderscore(label)) {
      label = "key" + label;
    }
    if (!label.equals(key) && isAllUnderscores(label)) {
      throw new IllegalArgumentException(
          "attribute key \"" + key + "\" has no valid Prometheus label name");
    }
    return label;
  }

  /**
   * The unit words a metric name carries for an OTLP unit, which is also the OpenMetrics {@code
   * UNIT}: {@code s} gives {@code seconds}, {@code By/s} gives {@code bytes_per_second}, {@code
   * {request}/s} gives {@code per_second}; {@code {request}} and {@code 1} give {@code ""} (the
   * {@code _ratio} of gauges is a type suffix, added by {@link #metricName}); unknown units are kept
   * and sanitized ({@code km/h} gives {@code km_per_hour}).
   *
   * @param unit the OTLP (UCUM) unit, {@code ""} when none
   * @return the unit words, possibly empty; never starts or ends with {@code _}
   */
  public static String unitSuffix(String unit) {
    Objects.requireNonNull(unit, "unit");
    String main = cleanUnit(mainUnitWord(unit));
    String per = normalizePer(cleanUnit(perUnitWord(unit)));
    if (!per.isEmpty()) {
      main = trimTrailingUnderscore(main);
    }
    String words;
    if (main.isEmpty()) {
      words = per;
    } else if (per.isEmpty()) {
      words = main;
    } else {
      words = main + '_' + per;
    }
    return trimTrailingUnderscore(words);
  }

  /**
   * Whether {@code name} is a valid metric name under the legacy Prometheus character set, {@code
   * [a-zA-Z_:][a-zA-Z0-9_:]*}.
   *
   * @param name the candidate name
   * @return {@code true} when Prometheus accepts the name without UTF-8 support
   */
  public static boolean isValidLegacyMetricName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      return false;
    }
    char first = name.charAt(0);
    if ((!isMetricWordChar(first) && first != '_') || isAsciiDigit(first)) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isMetricWordChar(c) && c != '_') {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code name} is a valid label name under the legacy Prometheus character set, {@code
   * [a-zA-Z_][a-zA-Z0-9_]*}. Names starting with {@code __}, reserved for internal use, are valid.
   *
   * @param name the candidate name
   * @return {@code true} when Prometheus accepts the name without UTF-8 support
   */
  public static boolean isValidLegacyLabelName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || isAsciiDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isLabelChar(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // metric names

  private static String suffixedMetricName(String otelName, String unit, MetricType type) {
    List<String> words = splitWords(otelName);

    String main = cleanUnit(mainUnitWord(unit));
    String per = cleanUnit(perUnitWord(unit));
    // "already contains the unit" is a whole-word test against the name's own words
    if (words.contains(main)) {
      main = "";
    }
    per = normalizePer(per);
    if (words.contains(per)) {
      per = "";
    }
    if (!per.isEmpty()) {
      main = trimTrailingUnderscore(main); // the per word supplies the separator
    }
    if (!main.isEmpty()) {
      words.add(main);
    }
    if (!per.isEmpty()) {
      words.add(per);
    }

    if (type == MetricType.COUNTER) {
      moveToEnd(words, "total");
    }
    // only gauges: some instrumentations put "1" on counts of things, which are not ratios
    if (type == MetricType.GAUGE && unit.equals("1")) {
      moveToEnd(words, "ratio");
    }

    String name = String.join("_", words);
    return !name.isEmpty() && isAsciiDigit(name.charAt(0)) ? "_" + name : name;
  }

  /** The words of an OTLP name: maximal runs of {@code [a-zA-Z0-9:]}. */
  private static List<String> splitWords(String name) {
    List<String> words = new ArrayList<>(8);
    int start = -1;
    for (int i = 0; i < name.length(); i++) {
      if (isMetricWordChar(name.charAt(i))) {
        if (start < 0) {
          start = i;
        }
      } else if (start >= 0) {
        words.add(name.substring(start, i));
        start = -1;
      }
    }
    if (start >= 0) {
      words.add(name.substring(start));
    }
    return words;
  }

  /** Removes every occurrence of {@code word} and appends it once. */
  private static void moveToEnd(List<String> words, String word) {
    words.removeIf(word::equals);
    words.add(word);
  }

  private static String plainMetricName(String otelName) {
    if (isValidLegacyMetricName(otelName)) {
      return otelName;
    }
    StringBuilder sb = new StringBuilder(otelName.length() + 1);
    boolean separate = false;
    for (int i = 0; i < otelName.length(); i++) {
      char c = otelName.charAt(i);
      if (isMetricWordChar(c) || c == '_') {
        if (separate && sb.length() > 0) {
          sb.append('_');
        }
        separate = false;
        sb.append(c);
      } else {
        separate = true;
      }
    }
    if (sb.length() > 0 && isAsciiDigit(sb.charAt(0))) {
      sb.insert(0, '_');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // units

  /** The word for the part before the first '/', or "" when absent, blank or annotated. */
  private static String mainUnitWord(String unit) {
    int slash = unit.indexOf('/');
    String main = trimWhiteSpace(slash < 0 ? unit : unit.substring(0, slash));
    if (main.isEmpty() || hasBrace(main)) {
      return "";
    }
    return UNIT_WORDS.getOrDefault(main, main);
  }

  /** "per_" and the word for the part after the first '/', or "" when absent, blank or annotated. */
  private static String perUnitWord(String unit) {
    int slash = unit.indexOf('/');
    if (slash < 0) {
      return "";
    }
    String per = trimWhiteSpace(unit.substring(slash + 1));
    if (per.isEmpty() || hasBrace(per)) {
      return "";
    }
    return PER_PREFIX + PER_UNIT_WORDS.getOrDefault(per, per);
  }

  /** A cleaned per word that is only "per_" had nothing valid after it; otherwise drop a trailing '_'. */
  private static String normalizePer(String cleanedPer) {
    return cleanedPer.equals(PER_PREFIX) ? "" : trimTrailingUnderscore(cleanedPer);
  }

  /**
   * Characters outside {@code [a-zA-Z0-9:]} become '_', runs of '_' collapse to one, and a leading
   * '_' is removed. A trailing '_' is kept; callers decide.
   */
  private static String cleanUnit(String word) {
    int n = word.length();
    int i = 0;
    while (i < n && isCleanAt(word, i)) {
      i++;
    }
    if (i == n) {
      return word; // already clean: the common case, from the unit tables
    }
    StringBuilder sb = new StringBuilder(n);
    sb.append(word, 0, i);
    for (; i < n; i++) {
      char c = word.charAt(i);
      if (isMetricWordChar(c)) {
        sb.append(c);
      } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
        sb.append('_'); // never a leading '_', never two in a row
      }
    }
    return sb.toString();
  }

  /** Whether cleaning keeps {@code word.charAt(i)} as it is, given the characters before it. */
  private static boolean isCleanAt(String word, int i) {
    char c = word.charAt(i);
    return isMetricWordChar(c) || (c == '_' && i > 0 && word.charAt(i - 1) != '_');
  }

  private static boolean hasBrace(String s) {
    return s.indexOf('{') >= 0 || s.indexOf('}') >= 0;
  }

  // ---------------------------------------------------------------------------------------------
  // characters

  /** A character of a metric name word: {@code [a-zA-Z0-9:]} (the underscore separates words). */
  private static boolean isMetricWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':';
  }

  /** A character of a legacy label name: {@code [a-zA-Z0-9_]}. */
  private static boolean isLabelChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean startsWithSingleUnderscore(String s) {
    return s.charAt(0) == '_' && (s.length() == 1 || s.charAt(1) != '_');
  }

  private static boolean isAllUnderscores(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '_') {
        return false;
      }
    }
    return true;
  }

  private static String trimTrailingUnderscore(String s) {
    return s.endsWith("_") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Trims Unicode white space (the White_Space property) at both ends; {@link String#strip()} would
   * keep U+0085 and the no-break spaces.
   */
  private static String trimWhiteSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isWhiteSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isWhiteSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean isWhiteSpace(char c) {
    return (c >= '\t' && c <= '\r') || c == '\u0085' || Character.isSpaceChar(c);
  }
}
