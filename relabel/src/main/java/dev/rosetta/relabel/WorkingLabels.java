package dev.rosetta.relabel;

import dev.rosetta.model.Labels;
import java.util.Arrays;

/**
 * The label set while one series goes through the rules: reads from the input until the first
 * change, then from a private sorted copy. An empty value means "absent", as in Prometheus, whose
 * label builder drops input labels with empty values before the first rule. Not thread-safe; one
 * instance per call.
 */
final class WorkingLabels {
  private final Labels input;
  private String[] names;
  private String[] values;
  private int size;

  WorkingLabels(Labels input) {
    this.input = input;
    for (int i = 0; i < input.size(); i++) {
      if (input.value(i).isEmpty()) {
        dropEmptyValues();
        break;
      }
    }
  }

  private void dropEmptyValues() {
    copy(0);
    int w = 0;
    for (int r = 0; r < size; r++) {
      if (!values[r].isEmpty()) {
        names[w] = names[r];
        values[w] = values[r];
        w++;
      }
    }
    Arrays.fill(names, w, size, null);
    Arrays.fill(values, w, size, null);
    size = w;
  }

  int size() {
    return names == null ? input.size() : size;
  }

  String name(int i) {
    return names == null ? input.name(i) : names[i];
  }

  String value(int i) {
    return names == null ? input.value(i) : values[i];
  }

  /** The value of {@code name}, empty when absent. */
  String get(String name) {
    if (names == null) {
      String v = input.get(name);
      return v == null ? "" : v;
    }
    int i = Arrays.binarySearch(names, 0, size, name);
    return i < 0 ? "" : values[i];
  }

  /** Sets {@code name}; an empty value removes it. */
  void set(String name, String value) {
    if (value.isEmpty()) {
      delete(name);
      return;
    }
    if (names == null) {
      String old = input.get(name);
      if (value.equals(old)) {
        return;
      }
      copy(1);
    }
    int i = Arrays.binarySearch(names, 0, size, name);
    if (i >= 0) {
      values[i] = value;
      return;
    }
    int at = -i - 1;
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2 + 1);
      values = Arrays.copyOf(values, size * 2 + 1);
    }
    System.arraycopy(names, at, names, at + 1, size - at);
    System.arraycopy(values, at, values, at + 1, size - at);
    names[at] = name;
    values[at] = value;
    size++;
  }

  /**
   * Sets the pairs {@code writes[0], writes[1], ...} ({@code count} entries: names and values
   * alternating), as {@link #set} one after the other would: a later write of a name wins, an empty
   * value removes. Many writes are merged into the sorted set in one pass, O((n + w) log w), where
   * one {@link #set} each would shift the arrays every time.
   */
  void setAll(String[] writes, int count) {
    if (count <= 16) {
      for (int k = 0; k < count; k += 2) {
        set(writes[k], writes[k + 1]);
      }
      return;
    }
    boolean noop = true;
    for (int k = 0; k < count && noop; k += 2) {
      noop = get(writes[k]).equals(writes[k + 1]);
    }
    if (noop) {
      return;
    }
    if (names == null) {
      copy(0);
    }
    Integer[] order = new Integer[count / 2];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    // stable: writes of one name stay in the order given, the last is kept below
    Arrays.sort(order, (a, b) -> writes[2 * a].compareTo(writes[2 * b]));
    String[] n = new String[size + order.length + 8];
    String[] v = new String[n.length];
    int i = 0;
    int o = 0;
    int k = 0;
    while (i < size || o < order.length) {
      int c;
      if (o == order.length) {
        c = -1;
      } else if (i == size) {
        c = 1;
      } else {
        c = names[i].compareTo(writes[2 * order[o]]);
      }
      if (c < 0) {
        n[k] = names[i];
        v[k++] = values[i++];
        continue;
      }
      // the last write of this name
      String name = writes[2 * order[o]];
      while (o + 1 < order.length && writes[2 * order[o + 1]].equals(name)) {
        o++;
      }
      String value = writes[2 * order[o] + 1];
      o++;
      if (c == 0) {
        i++;
      }
      if (!value.isEmpty()) {
        n[k] = name;
        v[k++] = value;
      }
    }
    names = n;
    values = v;
    size = k;
  }

  void delete(String name) {
    if (names == null) {
      if (!input.contains(name)) {
        return;
      }
      copy(0);
    }
    int i = Arrays.binarySearch(names, 0, size, name);
    if (i >= 0) {
      removeAt(i);
    }
  }

  /** Removes every label whose name {@code regex} matches, or does not match when !{@code drop}. */
  void removeMatching(AnchoredRegex regex, boolean drop) {
    int n = size();
    int first = -1;
    for (int i = 0; i < n; i++) {
      if (regex.matches(name(i)) == drop) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return;
    }
    if (names == null) {
      copy(0);
    }
    int w = first;
    for (int r = first + 1; r < size; r++) {
      if (regex.matches(names[r]) != drop) {
        names[w] = names[r];
        values[w] = values[r];
        w++;
      }
    }
    Arrays.fill(names, w, size, null);
    Arrays.fill(values, w, size, null);
    size = w;
  }

  private void removeAt(int i) {
    System.arraycopy(names, i + 1, names, i, size - i - 1);
    System.arraycopy(values, i + 1, values, i, size - i - 1);
    size--;
    names[size] = null;
    values[size] = null;
  }

  private void copy(int extra) {
    int n = input.size();
    // room for a few added labels, so that typical rules do not grow the arrays
    names = new String[n + Math.max(extra, 8)];
    values = new String[names.length];
    for (int i = 0; i < n; i++) {
      names[i] = input.name(i);
      values[i] = input.value(i);
    }
    size = n;
  }

  /** The result: the input instance itself when the labels end up as they came in. */
  Labels result() {
    if (names == null || sameAsInput()) {
      return input;
    }
    // the working arrays are this call's own: hand them over, trimmed, without another copy
    return Labels.adoptSorted(
        names.length == size ? names : Arrays.copyOf(names, size),
        values.length == size ? values : Arrays.copyOf(values, size));
  }

  private boolean sameAsInput() {
    if (size != input.size()) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (!names[i].equals(input.name(i)) || !values[i].equals(input.value(i))) {
        return false;
      }
    }
    return true;
  }
}
