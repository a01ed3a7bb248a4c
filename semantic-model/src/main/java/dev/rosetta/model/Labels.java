package dev.rosetta.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable set of label (name, value) pairs, sorted by name, names unique.
 *
 * <p>Thread-safe. The hash code is computed once. Names and values are arbitrary non-null strings;
 * whether a name is valid for a particular exposition format is decided by the renderer, not here.
 */
public final class Labels implements Comparable<Labels> {
  private static final String[] NONE = new String[0];
  private static final Labels EMPTY = new Labels(NONE, NONE);

  private final String[] names;
  private final String[] values;
  private final int hash;

  private Labels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
  }

  /** The empty label set. */
  public static Labels empty() {
    return EMPTY;
  }

  /**
   * Labels from alternating names and values: {@code of("job", "api", "instance", "pod-1")}.
   *
   * @throws IllegalArgumentException on an odd count or a duplicate name
   */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of names and values");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /** Labels from a map; iteration order of the map does not matter. */
  public static Labels of(Map<String, String> map) {
    Builder b = builder();
    map.forEach(b::add);
    return b.build();
  }

  /**
   * Labels from names already in strictly increasing order, with their values: the first {@code
   * size} entries of each array are copied. Cheaper than a builder for code that keeps labels sorted.
   *
   * @throws IllegalArgumentException when the names are not strictly increasing
   */
  public static Labels ofSorted(String[] names, String[] values, int size) {
    if (size == 0) {
      return EMPTY;
    }
    return adoptSorted(Arrays.copyOf(names, size), Arrays.copyOf(values, size));
  }

  /**
   * Labels over these very arrays (no copy): names strictly increasing, one value each. The caller
   * hands the arrays over and must not touch them afterwards. For code that builds label sets in
   * sorted arrays of its own, on hot paths.
   *
   * @throws IllegalArgumentException when the names are not strictly increasing or lengths differ
   */
  public static Labels adoptSorted(String[] n, String[] v) {
    if (n.length != v.length) {
      throw new IllegalArgumentException(n.length + " names but " + v.length + " values");
    }
    int size = n.length;
    if (size == 0) {
      return EMPTY;
    }
    for (int i = 0; i < size; i++) {
      Objects.requireNonNull(n[i], "name");
      Objects.requireNonNull(v[i], "value");
      if (i > 0 && n[i - 1].compareTo(n[i]) >= 0) {
        throw new IllegalArgumentException("names not strictly increasing at " + i + ": " + n[i - 1] + ", " + n[i]);
      }
    }
    return new Labels(n, v);
  }

  public static Builder builder() {
    return new Builder();
  }

  public int size() {
    return names.length;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The i-th name in sorted order. */
  public String name(int i) {
    return names[i];
  }

  /** The i-th value, matching {@link #name(int)}. */
  public String value(int i) {
    return values[i];
  }

  /** The names in sorted order, as an unmodifiable view (no copy). */
  public java.util.List<String> names() {
    return Collections.unmodifiableList(Arrays.asList(names));
  }

  /** The values in name order, as an unmodifiable view (no copy). */
  public java.util.List<String> values() {
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  /** The value of {@code name}, or {@code null} when absent. */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  /** The value of {@code name}, or {@code dflt} when absent. */
  public String getOrDefault(String name, String dflt) {
    int i = indexOf(name);
    return i < 0 ? dflt : values[i];
  }

  public boolean contains(String name) {
    return indexOf(name) >= 0;
  }

  private int indexOf(String name) {
    return Arrays.binarySearch(names, name);
  }

  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < names.length; i++) {
      action.accept(names[i], values[i]);
    }
  }

  /** A copy with {@code name} set to {@code value} (added or replaced). */
  public Labels with(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    int i = indexOf(name);
    if (i >= 0) {
      if (values[i].equals(value)) {
        return this;
      }
      String[] v = values.clone();
      v[i] = value;
      return new Labels(names, v);
    }
    int at = -i - 1;
    String[] n = new String[names.length + 1];
    String[] v = new String[names.length + 1];
    System.arraycopy(names, 0, n, 0, at);
    System.arraycopy(values, 0, v, 0, at);
    n[at] = name;
    v[at] = value;
    System.arraycopy(names, at, n, at + 1, names.length - at);
    System.arraycopy(values, at, v, at + 1, names.length - at);
    return new Labels(n, v);
  }

  /** A copy without {@code name}; this instance when absent. */
  public Labels without(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return this;
    }
    String[] n = new String[names.length - 1];
    String[] v = new String[names.length - 1];
    System.arraycopy(names, 0, n, 0, i);
    System.arraycopy(values, 0, v, 0, i);
    System.arraycopy(names, i + 1, n, i, names.length - i - 1);
    System.arraycopy(values, i + 1, v, i, names.length - i - 1);
    return new Labels(n, v);
  }

  /**
   * These labels overlaid by {@code overrides}: every name of either, the value of {@code overrides}
   * where both have it. One merge of the two sorted sets, O(n + m); this instance when {@code
   * overrides} is empty.
   */
  public Labels withAll(Labels overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return overrides;
    }
    String[] on = overrides.names;
    String[] ov = overrides.values;
    String[] n = new String[names.length + on.length];
    String[] v = new String[n.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < names.length && j < on.length) {
      int c = names[i].compareTo(on[j]);
      if (c < 0) {
        n[k] = names[i];
        v[k++] = values[i++];
      } else {
        if (c == 0) {
          i++;
        }
        n[k] = on[j];
        v[k++] = ov[j++];
      }
    }
    while (i < names.length) {
      n[k] = names[i];
      v[k++] = values[i++];
    }
    while (j < on.length) {
      n[k] = on[j];
      v[k++] = ov[j++];
    }
    return k == n.length ? new Labels(n, v) : new Labels(Arrays.copyOf(n, k), Arrays.copyOf(v, k));
  }

  /** Whether any name starts with {@code prefix}; O(log n) (names sharing a prefix are adjacent). */
  public boolean hasNameWithPrefix(String prefix) {
    int from = prefixStart(prefix);
    return from < names.length && names[from].startsWith(prefix);
  }

  /**
   * A copy without the names that start with {@code prefix}; this instance when there are none.
   * O(log n) to find them (sorted names sharing a prefix are adjacent), O(n) to copy.
   */
  public Labels withoutPrefix(String prefix) {
    int from = prefixStart(prefix);
    int to = from;
    while (to < names.length && names[to].startsWith(prefix)) {
      to++;
    }
    if (to == from) {
      return this;
    }
    int n = names.length - (to - from);
    if (n == 0) {
      return EMPTY;
    }
    String[] nn = new String[n];
    String[] vv = new String[n];
    System.arraycopy(names, 0, nn, 0, from);
    System.arraycopy(values, 0, vv, 0, from);
    System.arraycopy(names, to, nn, from, names.length - to);
    System.arraycopy(values, to, vv, from, names.length - to);
    return new Labels(nn, vv);
  }

  /** The index of the first name not less than {@code prefix}. */
  private int prefixStart(String prefix) {
    int i = Arrays.binarySearch(names, prefix);
    return i >= 0 ? i : -i - 1;
  }

  /** The labels as an insertion-ordered (sorted) unmodifiable map. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    forEach(m::put);
    return Collections.unmodifiableMap(m);
  }

  /** A builder pre-filled with these labels. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.names = Arrays.copyOf(names, Math.max(8, names.length + 8));
    b.values = Arrays.copyOf(values, b.names.length);
    b.replaces = new boolean[b.names.length];
    b.size = names.length;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Labels other)) {
      return false;
    }
    return hash == other.hash
        && Arrays.equals(names, other.names)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Labels o) {
    int n = Math.min(names.length, o.names.length);
    for (int i = 0; i < n; i++) {
      int c = names[i].compareTo(o.names[i]);
      if (c != 0) {
        return c;
      }
      c = values[i].compareTo(o.values[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(names.length, o.names.length);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(names[i]).append("=\"").append(values[i]).append('"');
    }
    return sb.append('}').toString();
  }

  /**
   * Collects pairs in any order; {@link #build()} sorts them and rejects duplicate names. Every
   * operation is O(1) amortized and {@code build()} is O(n log n) (O(n) when the pairs came in
   * order), whatever the number of labels. Not thread-safe.
   */
  public static final class Builder {
    private String[] names = new String[8];
    private String[] values = new String[8];
    /** Whether entry i was put (replaces an earlier entry of its name) rather than added. */
    private boolean[] replaces = new boolean[8];
    private int size;

    private Builder() {}

    /** Adds a pair; {@link #build()} rejects a name added twice. */
    public Builder add(String name, String value) {
      return append(name, value, false);
    }

    /**
     * Adds or replaces {@code name}: the value of the last {@code put} of a name wins over earlier
     * {@code add}s and {@code put}s of it (an {@code add} after it is still a duplicate).
     */
    public Builder put(String name, String value) {
      return append(name, value, true);
    }

    private Builder append(String name, String value, boolean replace) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (size == names.length) {
        int n = size * 2;
        names = Arrays.copyOf(names, n);
        values = Arrays.copyOf(values, n);
        replaces = Arrays.copyOf(replaces, n);
      }
      names[size] = name;
      values[size] = value;
      replaces[size] = replace;
      size++;
      return this;
    }

    /** The number of pairs given so far (a name put again counts again). */
    public int size() {
      return size;
    }

    /**
     * Sorted, immutable labels.
     *
     * @throws IllegalArgumentException on a duplicate name
     */
    public Labels build() {
      if (size == 0) {
        return EMPTY;
      }
      boolean sorted = true;
      for (int i = 1; i < size; i++) {
        if (names[i - 1].compareTo(names[i]) > 0) {
          sorted = false;
          break;
        }
      }
      int[] order = sorted ? null : stableOrder(names, size);
      String[] n = new String[size];
      String[] v = new String[size];
      int k = 0;
      for (int j = 0; j < size; j++) {
        int i = order == null ? j : order[j];
        if (k > 0 && n[k - 1].equals(names[i])) {
          // entries of one name are in the order given: each after the first must be a put
          if (!replaces[i]) {
            throw new IllegalArgumentException("duplicate label name: " + names[i]);
          }
          v[k - 1] = values[i];
          continue;
        }
        n[k] = names[i];
        v[k] = values[i];
        k++;
      }
      return k == size ? new Labels(n, v) : new Labels(Arrays.copyOf(n, k), Arrays.copyOf(v, k));
    }

    /** The indexes of the first {@code size} keys in key order, equal keys in index order (merge sort). */
    private static int[] stableOrder(String[] keys, int size) {
      int[] a = new int[size];
      for (int i = 0; i < size; i++) {
        a[i] = i;
      }
      int[] b = new int[size];
      for (int width = 1; width < size; width *= 2) {
        for (int lo = 0; lo < size; lo += 2 * width) {
          int mid = Math.min(lo + width, size);
          int hi = Math.min(lo + 2 * width, size);
          int i = lo;
          int j = mid;
          int o = lo;
          while (i < mid && j < hi) {
            b[o++] = keys[a[j]].compareTo(keys[a[i]]) < 0 ? a[j++] : a[i++];
          }
          while (i < mid) {
            b[o++] = a[i++];
          }
          while (j < hi) {
            b[o++] = a[j++];
          }
        }
        int[] t = a;
        a = b;
        b = t;
      }
      return a;
    }
  }
}
