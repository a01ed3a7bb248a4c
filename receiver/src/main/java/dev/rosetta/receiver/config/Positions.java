package dev.rosetta.receiver.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each key path of one YAML document is written: a side table from the key paths the binder
 * reports ({@code exporters.otlp.timeout}, {@code relabel.input[2].regex}) to 1-based line and
 * column, kept from SnakeYAML's node marks. A path that is not in the document (a required key that
 * is missing) is placed where its nearest written parent is. Immutable once built.
 */
public final class Positions {
  /** A 1-based line and column. */
  public record Position(int line, int column) {
    static Position of(Mark m) {
      return new Position(m.getLine() + 1, m.getColumn() + 1);
    }
  }

  /** Where a value is written, and where its key is (null for the document and list elements). */
  private record Entry(Position key, Position value, boolean scalar) {}

  private static final Positions NONE = new Positions(Map.of());

  private final Map<String, Entry> entries;

  private Positions(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** No positions (a configuration that did not come from YAML text). */
  public static Positions none() {
    return NONE;
  }

  /** The positions of the tree under {@code root} (null for an empty document). */
  static Positions of(Node root) {
    if (root == null) {
      return NONE;
    }
    Map<String, Entry> entries = new HashMap<>();
    walk(root, "", null, entries, 0);
    return new Positions(entries);
  }

  private static void walk(Node node, String path, Position key, Map<String, Entry> out, int depth) {
    boolean scalar = node instanceof ScalarNode;
    out.putIfAbsent(path, new Entry(key, Position.of(node.getStartMark()), scalar));
    if (depth > YamlTrees.MAX_NESTING_DEPTH) {
      return;
    }
    if (node instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          String child = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
          walk(t.getValueNode(), child, Position.of(k.getStartMark()), out, depth + 1);
        }
      }
    } else if (node instanceof SequenceNode seq) {
      List<Node> items = seq.getValue();
      for (int i = 0; i < items.size(); i++) {
        walk(items.get(i), path + "[" + i + "]", null, out, depth + 1);
      }
    }
  }

  /**
   * Where {@code path} is written: the value when it is a scalar (the value is what is wrong), else
   * its key; for a path not written, its nearest written parent; null when nothing is known.
   */
  public Position locate(String path) {
    return find(path, false);
  }

  /** Where the key of {@code path} is written (for an unknown key), else as {@link #locate}. */
  public Position locateKey(String path) {
    return find(path, true);
  }

  private Position find(String path, boolean preferKey) {
    String p = path;
    while (true) {
      Entry e = entries.get(p);
      if (e != null) {
        if (!p.equals(path)) {
          return e.key != null ? e.key : e.value;
        }
        if (preferKey && e.key != null) {
          return e.key;
        }
        return e.scalar || e.key == null ? e.value : e.key;
      }
      if (p.isEmpty()) {
        return null;
      }
      p = parent(p);
    }
  }

  /** {@code a.b[2]} to {@code a.b}, {@code a.b} to {@code a}, {@code a} to the document. */
  static String parent(String path) {
    int end = path.length();
    if (path.endsWith("]")) {
      int open = path.lastIndexOf('[');
      if (open >= 0) {
        return path.substring(0, open);
      }
    }
    int dot = path.lastIndexOf('.', end - 1);
    return dot < 0 ? "" : path.substring(0, dot);
  }
}
