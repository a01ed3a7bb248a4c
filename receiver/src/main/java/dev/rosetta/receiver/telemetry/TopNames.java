package dev.rosetta.receiver.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The most frequent names of a stream in bounded memory: the space-saving algorithm (Metwally,
 * Agrawal, El Abbadi, 2005) with weighted increments. At most {@code capacity} names are kept; a new
 * name takes the place of the least counted one and inherits its count, which is then the new
 * name's {@code error} (its count is at most that much too high). Every name more frequent than
 * {@code total / capacity} is kept. An increment costs O(log capacity): a hash lookup and a move in
 * a min-heap. Names longer than {@code maxLength} characters are kept cut, marked with
 * {@code …}. Thread-safe (one lock; callers add a batch's names at once).
 */
public final class TopNames {
  /** A kept name: its count, and how much of it may belong to names it displaced. */
  public record Entry(String name, long count, long error) {}

  private static final class Node {
    String name;
    long count;
    long error;
    int pos;
  }

  private final int capacity;
  private final int maxLength;
  private final Map<String, Node> index;
  private final Node[] heap;
  private int size;
  private long total;

  public TopNames(int capacity, int maxLength) {
    if (capacity < 1 || maxLength < 2) {
      throw new IllegalArgumentException("capacity must be at least 1 and maxLength at least 2");
    }
    this.capacity = capacity;
    this.maxLength = maxLength;
    this.index = new HashMap<>(capacity * 2);
    this.heap = new Node[capacity];
  }

  public int capacity() {
    return capacity;
  }

  /** Counts {@code n} more occurrences of {@code name}. */
  public synchronized void add(String name, long n) {
    if (n <= 0) {
      return;
    }
    String key = name.length() > maxLength ? name.substring(0, maxLength - 1) + "\u2026" : name;
    total += n;
    Node node = index.get(key);
    if (node != null) {
      node.count += n;
      down(node.pos);
      return;
    }
    if (size < capacity) {
      node = new Node();
      node.name = key;
      node.count = n;
      node.pos = size;
      heap[size++] = node;
      index.put(key, node);
      up(node.pos);
      return;
    }
    node = heap[0];
    index.remove(node.name);
    node.name = key;
    node.error = node.count;
    node.count += n;
    index.put(key, node);
    down(0);
  }

  /** Adds every name of {@code counts} under one lock. */
  public synchronized void addAll(Map<String, Long> counts) {
    counts.forEach(this::add);
  }

  /** Occurrences counted, of every name. */
  public synchronized long total() {
    return total;
  }

  /** The {@code n} most counted names, most counted first (ties by name). */
  public synchronized List<Entry> top(int n) {
    Node[] nodes = Arrays.copyOf(heap, size);
    Arrays.sort(nodes, Comparator.comparingLong((Node x) -> -x.count).thenComparing(x -> x.name));
    List<Entry> out = new ArrayList<>(Math.min(n, nodes.length));
    for (int i = 0; i < nodes.length && i < n; i++) {
      out.add(new Entry(nodes[i].name, nodes[i].count, nodes[i].error));
    }
    return out;
  }

  private void up(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (heap[parent].count <= heap[i].count) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void down(int i) {
    while (true) {
      int l = 2 * i + 1;
      int smallest = i;
      if (l < size && heap[l].count < heap[smallest].count) {
        smallest = l;
      }
      if (l + 1 < size && heap[l + 1].count < heap[smallest].count) {
        smallest = l + 1;
      }
      if (smallest == i) {
        return;
      }
      swap(i, smallest);
      i = smallest;
    }
  }

  private void swap(int a, int b) {
    Node x = heap[a];
    heap[a] = heap[b];
    heap[b] = x;
    heap[a].pos = a;
    heap[b].pos = b;
  }
}
