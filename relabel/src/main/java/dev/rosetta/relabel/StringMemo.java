package dev.rosetta.relabel;

/**
 * A small direct-mapped memo from an input string to a result string (or "no result"), for rule
 * outputs that depend only on one input: label values and names repeat series after series, so the
 * same regex match and template expansion need not run again. Entries are written racily and read
 * whole (an entry is immutable): a racing writer only costs a later miss. Inputs longer than
 * {@link #MAX_KEY} are not memoized. Thread-safe.
 */
final class StringMemo {
  /** Marks an input whose result is "none" (no match, invalid name). */
  static final String NONE = new String("\u0000none");

  private static final int SIZE = 1024;
  private static final int MAX_KEY = 256;

  private record Entry(String key, String value) {}

  private final Entry[] entries = new Entry[SIZE];

  /** The memoized result for {@code key}, {@link #NONE}, or null when not memoized. */
  String get(String key) {
    Entry e = entries[key.hashCode() & (SIZE - 1)];
    return e != null && e.key.equals(key) ? e.value : null;
  }

  /** Remembers {@code value} ({@link #NONE} for no result) for {@code key}; returns {@code value}. */
  String put(String key, String value) {
    if (key.length() <= MAX_KEY) {
      entries[key.hashCode() & (SIZE - 1)] = new Entry(key, value);
    }
    return value;
  }
}
