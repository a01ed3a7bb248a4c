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

  /** The labels as an insertion-ordered (sorted) unmodifiable map. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    forEach(m::put);
    return Collections.unmodifiableMap(m);
  }

  /** A builder pre-filled with these labels. */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (int i = 0; i < names.length; i++) {
      b.add(names[i], values[i]);
    }
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
   * Collects pairs in any order; {@link #build()} sorts them and rejects duplicate names. Not
   * thread-safe.
   */
  public static final class Builder {
    private String[] names = new String[8];
    private String[] values = new String[8];
    private int size;

    private Builder() {}

    public Builder add(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      names[size] = name;
      values[size] = value;
      size++;
      return this;
    }

    /** Adds or replaces {@code name}. */
    public Builder put(String name, String value) {
      for (int i = 0; i < size; i++) {
        if (names[i].equals(name)) {
          values[i] = Objects.requireNonNull(value, "value");
          return this;
        }
      }
      return add(name, value);
    }

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
      String[] n = Arrays.copyOf(names, size);
      String[] v = Arrays.copyOf(values, size);
      // insertion sort: label sets are small, usually already sorted
      for (int i = 1; i < size; i++) {
        String kn = n[i];
        String kv = v[i];
        int j = i - 1;
        while (j >= 0 && n[j].compareTo(kn) > 0) {
          n[j + 1] = n[j];
          v[j + 1] = v[j];
          j--;
        }
        n[j + 1] = kn;
        v[j + 1] = kv;
      }
      for (int i = 1; i < size; i++) {
        if (n[i].equals(n[i - 1])) {
          throw new IllegalArgumentException("duplicate label name: " + n[i]);
        }
      }
      return new Labels(n, v);
    }
  }
}
