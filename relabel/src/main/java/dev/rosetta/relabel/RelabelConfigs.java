package dev.rosetta.relabel;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Binds the generic tree of a YAML or JSON document (what SnakeYAML or a JSON library yields:
 * {@link List}, {@link Map}, {@link String}, {@link Number}, {@link Boolean}, {@code null}) to
 * {@link RelabelConfig}s, the way Prometheus reads {@code metric_relabel_configs}.
 *
 * <ul>
 *   <li>An absent key takes Prometheus's default; a key written as null takes Go's zero value
 *       (empty string, 0, no list), exactly as Prometheus's YAML decoder leaves it: {@code regex:}
 *       alone is the empty regex, {@code action:} alone is an empty (invalid) action.
 *   <li>Unknown keys, null rules and values of the wrong shape are errors.
 *   <li>String fields also take numbers and booleans, converted by their value ({@code 200} is
 *       {@code "200"}). A loader that keeps plain scalars as strings keeps their exact text.
 *   <li>{@code modulus} takes an integer from 0 to 2<sup>64</sup>-1, or a string of decimal digits.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class RelabelConfigs {
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private RelabelConfigs() {}

  /**
   * The configs of a YAML sequence such as the one under {@code metric_relabel_configs:}.
   *
   * @param tree the parsed document; {@code null} (an empty document) means no rules
   * @param source where the document came from, for messages
   * @throws RelabelException listing every structural problem found
   */
  public static List<RelabelConfig> fromYamlTree(Object tree, String source)
      throws RelabelException {
    Objects.requireNonNull(source, "source");
    if (tree == null) {
      return List.of();
    }
    List<RelabelError> errors = new ArrayList<>();
    if (!(tree instanceof List<?> list)) {
      errors.add(
          new RelabelError(
              -1, "", "", "expected a sequence of relabel configs, found " + kind(tree)));
      throw new RelabelException(source, errors);
    }
    List<RelabelConfig> configs = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      RelabelConfig c = bind(i, list.get(i), errors);
      if (c != null) {
        configs.add(c);
      }
    }
    if (!errors.isEmpty()) {
      throw new RelabelException(source, errors);
    }
    return List.copyOf(configs);
  }

  private static RelabelConfig bind(int index, Object node, List<RelabelError> errors) {
    if (node == null) {
      errors.add(new RelabelError(index, "", "", "empty or null relabel config"));
      return null;
    }
    if (!(node instanceof Map<?, ?> map)) {
      errors.add(new RelabelError(index, "", str(node), "expected a mapping, found " + kind(node)));
      return null;
    }
    int before = errors.size();
    RelabelConfig.Builder b = RelabelConfig.builder();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (!(e.getKey() instanceof String)) {
        errors.add(new RelabelError(index, key, "", "unknown field"));
        continue;
      }
      switch (key) {
        case "source_labels" -> bindSourceLabels(index, v, b, errors);
        case "separator" -> {
          String s = string(index, key, v, errors);
          if (s != null) {
            b.separator(s);
          }
        }
        case "regex" -> {
          String s = string(index, key, v, errors);
          if (s != null) {
            b.regex(s);
          }
        }
        case "modulus" -> b.modulus(modulus(index, v, errors));
        case "target_label" -> {
          String s = string(index, key, v, errors);
          if (s != null) {
            b.targetLabel(s);
          }
        }
        case "replacement" -> {
          String s = string(index, key, v, errors);
          if (s != null) {
            b.replacement(s);
          }
        }
        case "action" -> {
          String s = string(index, key, v, errors);
          if (s != null) {
            b.action(s);
          }
        }
        default -> errors.add(new RelabelError(index, key, "", "unknown field"));
      }
    }
    return errors.size() == before ? b.build() : null;
  }

  private static void bindSourceLabels(
      int index, Object v, RelabelConfig.Builder b, List<RelabelError> errors) {
    if (v == null) {
      return; // Go leaves a nil list: as if absent
    }
    if (!(v instanceof List<?> list)) {
      errors.add(
          new RelabelError(
              index, "source_labels", str(v), "expected a list of label names, found " + kind(v)));
      return;
    }
    List<String> names = new ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof String || o instanceof Number || o instanceof Boolean) {
        names.add(String.valueOf(o));
      } else {
        errors.add(
            new RelabelError(
                index, "source_labels", str(o), "expected a label name, found " + kind(o)));
      }
    }
    b.sourceLabels(names);
  }

  /** The string value, "" for null (Go's zero value), or null after recording an error. */
  private static String string(int index, String key, Object v, List<RelabelError> errors) {
    if (v == null) {
      return "";
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    errors.add(new RelabelError(index, key, str(v), "expected a string, found " + kind(v)));
    return null;
  }

  private static long modulus(int index, Object v, List<RelabelError> errors) {
    if (v == null) {
      return 0;
    }
    BigInteger n = null;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      n = BigInteger.valueOf(((Number) v).longValue());
    } else if (v instanceof BigInteger big) {
      n = big;
    } else if (v instanceof String s && isDecimal(s)) {
      n = new BigInteger(s);
    }
    if (n == null || n.signum() < 0 || n.compareTo(TWO_TO_64) >= 0) {
      errors.add(
          new RelabelError(
              index, "modulus", str(v), "expected an integer from 0 to 18446744073709551615"));
      return 0;
    }
    return n.longValue();
  }

  private static boolean isDecimal(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static String kind(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof List<?>) {
      return "a sequence";
    }
    if (v instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    return "a " + v.getClass().getSimpleName();
  }

  private static String str(Object v) {
    if (v == null) {
      return "";
    }
    String s = String.valueOf(v);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
