package dev.rosetta.model.name;

import java.util.Map;

/**
 * Go runtime/metrics units to UCUM as OTLP carries it.
 *
 * <p>A Go unit is a series of words delimited by {@code *} or {@code /} ({@code bytes}, {@code
 * cpu-seconds}, {@code bytes/second}). Each word maps on its own: {@code bytes}/{@code byte} to
 * {@code By}, {@code seconds}/{@code second} and {@code cpu-seconds}/{@code cpu-second} to {@code
 * s}, {@code percent} to {@code %}; count words become UCUM annotations in the singular ({@code
 * objects} to {@code {object}}, {@code gc-cycles} and {@code gc-cycle} to {@code {gc_cycle}},
 * {@code goroutines}, {@code events}, {@code calls}, {@code threads}, {@code cleanups}, {@code
 * finalizers}, {@code samples} likewise); any other word {@code w} becomes {@code {w}}, so an
 * unknown unit still maps. {@code *} becomes UCUM's {@code .}, {@code /} stays. Stateless and
 * thread-safe.
 */
public final class GoUnits {
  private static final Map<String, String> WORDS =
      Map.ofEntries(
          Map.entry("bytes", "By"),
          Map.entry("byte", "By"),
          Map.entry("seconds", "s"),
          Map.entry("second", "s"),
          Map.entry("cpu-seconds", "s"),
          Map.entry("cpu-second", "s"),
          Map.entry("percent", "%"),
          Map.entry("objects", "{object}"),
          Map.entry("object", "{object}"),
          Map.entry("gc-cycles", "{gc_cycle}"),
          Map.entry("gc-cycle", "{gc_cycle}"),
          Map.entry("goroutines", "{goroutine}"),
          Map.entry("goroutine", "{goroutine}"),
          Map.entry("events", "{event}"),
          Map.entry("event", "{event}"),
          Map.entry("calls", "{call}"),
          Map.entry("call", "{call}"),
          Map.entry("threads", "{thread}"),
          Map.entry("thread", "{thread}"),
          Map.entry("cleanups", "{cleanup}"),
          Map.entry("cleanup", "{cleanup}"),
          Map.entry("finalizers", "{finalizer}"),
          Map.entry("finalizer", "{finalizer}"),
          Map.entry("samples", "{sample}"),
          Map.entry("sample", "{sample}"));

  private GoUnits() {}

  /**
   * The UCUM unit for a Go unit: {@code cpu-seconds} gives {@code s}, {@code bytes/second} gives
   * {@code By/s}, {@code widgets} gives {@code {widgets}}.
   *
   * @param goUnit the unit part of a Go runtime path, after the {@code :}
   */
  public static String toUcum(String goUnit) {
    String single = WORDS.get(goUnit);
    if (single != null) {
      return single;
    }
    StringBuilder sb = new StringBuilder(goUnit.length() + 4);
    int start = 0;
    for (int i = 0; i <= goUnit.length(); i++) {
      char c = i < goUnit.length() ? goUnit.charAt(i) : '\0';
      if (i == goUnit.length() || c == '*' || c == '/') {
        String word = goUnit.substring(start, i);
        if (!word.isEmpty()) {
          String mapped = WORDS.get(word);
          sb.append(mapped != null ? mapped : "{" + word + "}");
        }
        if (i < goUnit.length()) {
          sb.append(c == '*' ? '.' : '/');
        }
        start = i + 1;
      }
    }
    return sb.toString();
  }
}
