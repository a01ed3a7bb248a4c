package dev.rosetta.receiver.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A reader over one map of the YAML tree (a section), used to bind it to a record.
 *
 * <p>Every accessor names a key, reads it, and remembers the key as known. A bad value never
 * throws: the problem goes to the shared {@link ConfigErrors} with the full key path and the value,
 * and the accessor returns the default (or empty), so binding goes on and every problem in the file
 * is reported at once. {@link #finish()} then reports the keys nobody asked for as unknown, with a
 * "did you mean" suggestion. A binder for a new section is therefore a plain function:
 *
 * <pre>{@code
 * QueueConfig queue(ConfigNode n) {
 *   return new QueueConfig(
 *       n.bool("enabled", true),
 *       n.integer("num_consumers", 2, 1, 64),
 *       n.integer("queue_size", 1000, 1, Integer.MAX_VALUE));
 * }
 * ... parent.section("sending_queue", this::queue) ...
 * }</pre>
 *
 * <p>A binder must read every key it accepts, even when it ignores the value, or the key is
 * reported as unknown. Absent keys and keys with an empty value ({@code timeout:}) both mean "use
 * the default". Sections bound through {@link #section}, {@link #optionalSection} and {@link
 * #sectionList} are finished automatically; only the root needs an explicit {@link #finish()}.
 *
 * <p>Not thread-safe: a node belongs to one load.
 */
public final class ConfigNode {
  /**
   * Stands in the tree for a value whose problem has already been reported (an undefined
   * environment variable): readers treat it as absent and report nothing more about it.
   */
  enum Reported {
    VALUE
  }

  private static final String MAP_EXPECTED = "a map of settings";

  private final ConfigErrors errors;
  private final String path;
  private final Map<String, Object> entries;
  private final Set<String> known = new LinkedHashSet<>();
  private boolean finished;

  private ConfigNode(ConfigErrors errors, String path, Map<String, Object> entries) {
    this.errors = errors;
    this.path = path;
    this.entries = entries;
  }

  /**
   * The node for a whole document. {@code tree} is what SnakeYAML produced: a map, or {@code null}
   * for an empty document (all defaults). Anything else is reported and read as an empty map.
   */
  public static ConfigNode root(Object tree, ConfigErrors errors) {
    Objects.requireNonNull(errors, "errors");
    if (tree instanceof Map<?, ?> map) {
      return new ConfigNode(errors, "", copy(map));
    }
    if (tree != null && tree != Reported.VALUE) {
      errors.add(
          "",
          Values.render(tree),
          "expected a map of sections at the top level, found "
              + Values.kind(tree)
              + " "
              + Values.quote(tree));
    }
    return new ConfigNode(errors, "", Map.of());
  }

  /** The key path of this node, empty for the root: {@code exporters.otlp}. */
  public String path() {
    return path;
  }

  /** The key path of {@code key} in this node: {@code exporters.otlp.timeout}. */
  public String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Whether the map has no keys at all (absent, empty or {@code key:} with no value). */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The keys of this map, in file order. Does not mark them as known. */
  public List<String> keys() {
    return List.copyOf(entries.keySet());
  }

  /** Whether {@code key} is present, even with an empty value. Does not mark it as known. */
  public boolean has(String key) {
    return entries.containsKey(key);
  }

  /**
   * Whether {@code key} is present with a value (not {@code key:} alone). Does not mark it as
   * known.
   */
  public boolean hasValue(String key) {
    Object raw = entries.get(key);
    return raw != null && raw != Reported.VALUE;
  }

  // ---- scalars -----------------------------------------------------------------------------

  /**
   * The parsed value of {@code key}; empty when absent, empty-valued or invalid (then reported).
   */
  public <T> Optional<T> optional(String key, ValueParser<T> parser) {
    Object raw = take(key);
    if (raw == null || raw == Reported.VALUE) {
      return Optional.empty();
    }
    return parse(pathOf(key), raw, parser);
  }

  /** The parsed value of {@code key}, or {@code dflt} when absent, empty-valued or invalid. */
  public <T> T get(String key, T dflt, ValueParser<T> parser) {
    Objects.requireNonNull(dflt, "dflt");
    return optional(key, parser).orElse(dflt);
  }

  /**
   * The parsed value of a key that must be given; when absent or empty-valued, reports {@code
   * required key "<key>" is missing: <hint>}. Empty when missing or invalid.
   */
  public <T> Optional<T> required(String key, ValueParser<T> parser, String hint) {
    Object raw = take(key);
    if (raw == Reported.VALUE) {
      return Optional.empty();
    }
    if (raw == null) {
      errors.add(pathOf(key), "", "required key \"" + key + "\" is missing: " + hint);
      return Optional.empty();
    }
    return parse(pathOf(key), raw, parser);
  }

  public String string(String key, String dflt) {
    return get(key, dflt, ValueParsers.string());
  }

  public Optional<String> optionalString(String key) {
    return optional(key, ValueParsers.string());
  }

  public boolean bool(String key, boolean dflt) {
    return get(key, dflt, ValueParsers.bool());
  }

  public int integer(String key, int dflt, int min, int max) {
    return get(key, dflt, ValueParsers.integer(min, max));
  }

  public long longInteger(String key, long dflt, long min, long max) {
    return get(key, dflt, ValueParsers.longInteger(min, max));
  }

  public double decimal(String key, double dflt, double min, double max) {
    return get(key, dflt, ValueParsers.decimal(min, max));
  }

  /** A duration, zero allowed; see {@link ValueParsers#duration()}. */
  public Duration duration(String key, Duration dflt) {
    return get(key, dflt, ValueParsers.duration());
  }

  /** A duration greater than zero. */
  public Duration positiveDuration(String key, Duration dflt) {
    return get(key, dflt, ValueParsers.positiveDuration());
  }

  /** An enum constant written in lower case; the type is that of {@code dflt}. */
  public <E extends Enum<E>> E enumValue(String key, E dflt) {
    return get(key, dflt, ValueParsers.enumOf(dflt.getDeclaringClass()));
  }

  public Endpoint endpoint(String key, Endpoint dflt) {
    return get(key, dflt, ValueParsers.endpoint());
  }

  /** An optional file name that must pass {@code check}. */
  public Optional<Path> optionalFile(String key, FileCheck check) {
    return optional(key, ValueParsers.file(check));
  }

  // ---- collections -------------------------------------------------------------------------

  /**
   * A map with free-form keys ({@code headers}), each value parsed; keys stay in file order. Absent
   * or empty-valued gives an empty map. Entries that fail are reported and left out.
   */
  public <T> Map<String, T> map(String key, ValueParser<T> valueParser) {
    return map(key, ValueParsers.string(), valueParser);
  }

  /** Like {@link #map(String, ValueParser)}, also checking every key with {@code keyParser}. */
  public <T> Map<String, T> map(
      String key, ValueParser<String> keyParser, ValueParser<T> valueParser) {
    Object raw = take(key);
    if (raw == null || raw == Reported.VALUE) {
      return Map.of();
    }
    if (!(raw instanceof Map<?, ?> rawMap)) {
      report(pathOf(key), raw, Values.wrongType("a map", raw));
      return Map.of();
    }
    Map<String, T> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : rawMap.entrySet()) {
      String name = String.valueOf(e.getKey());
      String entryPath = pathOf(key) + "." + name;
      Optional<String> parsedName = parse(entryPath, name, keyParser);
      Object value = e.getValue();
      if (value == Reported.VALUE || parsedName.isEmpty()) {
        continue;
      }
      if (value == null) {
        errors.add(entryPath, "", "missing value for \"" + name + "\"");
        continue;
      }
      parse(entryPath, value, valueParser).ifPresent(v -> result.put(parsedName.get(), v));
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * A list of scalars, each parsed; absent or empty-valued gives an empty list. Bad elements are
   * reported and left out.
   */
  public <T> List<T> list(String key, ValueParser<T> elementParser) {
    Object raw = take(key);
    if (raw == null || raw == Reported.VALUE) {
      return List.of();
    }
    if (!(raw instanceof List<?> rawList)) {
      report(pathOf(key), raw, Values.wrongType("a list", raw));
      return List.of();
    }
    List<T> result = new ArrayList<>(rawList.size());
    for (int i = 0; i < rawList.size(); i++) {
      Object element = rawList.get(i);
      String elementPath = pathOf(key) + "[" + i + "]";
      if (element == Reported.VALUE) {
        continue;
      }
      if (element == null) {
        errors.add(elementPath, "", "empty list element");
        continue;
      }
      parse(elementPath, element, elementParser).ifPresent(result::add);
    }
    return List.copyOf(result);
  }

  // ---- sections ----------------------------------------------------------------------------

  /**
   * Binds the map under {@code key} with {@code binder} and finishes it. Absent or empty-valued
   * binds an empty map (all defaults); a value that is not a map is reported and also binds an
   * empty map.
   */
  public <T> T section(String key, Function<ConfigNode, T> binder) {
    Object raw = take(key);
    return bind(child(pathOf(key), raw), binder);
  }

  /**
   * Binds the map under {@code key} when the key is present, even with an empty value ({@code
   * grpc:} or {@code grpc: {}} mean "on, with defaults"); empty when the key is absent. A value
   * that is not a map is reported and binds as an empty map, so the section still counts as
   * present.
   */
  public <T> Optional<T> optionalSection(String key, Function<ConfigNode, T> binder) {
    boolean present = entries.containsKey(key);
    Object raw = take(key);
    if (!present) {
      return Optional.empty();
    }
    return Optional.of(bind(child(pathOf(key), raw), binder));
  }

  /**
   * The map under {@code key} as a node bound later, when what it refers to is known ({@code
   * service.pipelines}); the caller finishes it. Empty when the key is absent; a value that is not
   * a map is reported and gives an empty node.
   */
  public Optional<ConfigNode> deferredSection(String key) {
    boolean present = entries.containsKey(key);
    Object raw = take(key);
    return present ? Optional.of(child(pathOf(key), raw)) : Optional.empty();
  }

  /**
   * Binds each map of the list under {@code key} ({@code relabel: [{...}, {...}]}); paths are
   * {@code key[i]}.
   */
  public <T> List<T> sectionList(String key, Function<ConfigNode, T> binder) {
    Object raw = take(key);
    if (raw == null || raw == Reported.VALUE) {
      return List.of();
    }
    if (!(raw instanceof List<?> rawList)) {
      report(pathOf(key), raw, Values.wrongType("a list of maps", raw));
      return List.of();
    }
    List<T> result = new ArrayList<>(rawList.size());
    for (int i = 0; i < rawList.size(); i++) {
      Object element = rawList.get(i);
      String elementPath = pathOf(key) + "[" + i + "]";
      if (element == null) {
        errors.add(elementPath, "", "empty list element: expected " + MAP_EXPECTED);
        continue;
      }
      result.add(bind(child(elementPath, element), binder));
    }
    return List.copyOf(result);
  }

  /**
   * Binds every key of this map as a section of its own, the key being a free-form name (component
   * ids under {@code extensions:}, {@code processors:}): {@code binder} gets the key and its node.
   * Keys stay in file order; a key whose value is not a map is reported and bound as an empty map.
   */
  public <T> Map<String, T> eachSection(java.util.function.BiFunction<String, ConfigNode, T> binder) {
    Map<String, T> result = new LinkedHashMap<>();
    for (String key : List.copyOf(entries.keySet())) {
      Object raw = take(key);
      ConfigNode node = child(pathOf(key), raw);
      T value = binder.apply(key, node);
      node.finish();
      if (value != null) {
        result.put(key, value);
      }
    }
    return Collections.unmodifiableMap(result);
  }

  // ---- problems found by binders -----------------------------------------------------------

  /**
   * Reports a problem with {@code key} found by the binder (a cross-field check); the value is the
   * key's.
   */
  public void error(String key, String message) {
    Object raw = entries.get(key);
    errors.add(pathOf(key), raw == null ? "" : Values.render(raw), message);
  }

  /**
   * Reports a problem found inside the value of {@code key} (e.g. in one relabel rule), at the path
   * {@code <key><subPath>} with the given value.
   */
  public void error(String key, String subPath, String value, String message) {
    errors.add(pathOf(key) + subPath, value, message);
  }

  /** Reports a problem with this node as a whole. */
  public void error(String message) {
    errors.add(path, Values.render(entries), message);
  }

  /**
   * Reports every key of this map that no accessor asked for. Idempotent. Suggests the closest
   * known key within edit distance 2.
   */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      String key = e.getKey();
      if (known.contains(key)) {
        continue;
      }
      StringBuilder message = new StringBuilder("unknown key \"").append(key).append('"');
      suggestion(key).ifPresent(s -> message.append(" (did you mean \"").append(s).append("\"?)"));
      if (known.isEmpty()) {
        message.append("; no keys are allowed here");
      } else {
        message.append("; valid keys here: ").append(String.join(", ", known));
      }
      Object value = e.getValue();
      errors.addAtKey(
          pathOf(key),
          value == null || value == Reported.VALUE ? "" : Values.render(value),
          message.toString());
    }
  }

  // ---- internals ---------------------------------------------------------------------------

  private Object take(String key) {
    Objects.requireNonNull(key, "key");
    known.add(key);
    return entries.get(key);
  }

  private <T> Optional<T> parse(String valuePath, Object raw, ValueParser<T> parser) {
    try {
      return Optional.of(parser.parse(raw));
    } catch (InvalidValueException e) {
      errors.add(valuePath, e.isSecret() ? "<hidden>" : Values.render(raw), e.getMessage());
      return Optional.empty();
    }
  }

  private void report(String valuePath, Object raw, InvalidValueException e) {
    errors.add(valuePath, Values.render(raw), e.getMessage());
  }

  private ConfigNode child(String childPath, Object raw) {
    if (raw instanceof Map<?, ?> map) {
      return new ConfigNode(errors, childPath, copy(map));
    }
    if (raw != null && raw != Reported.VALUE) {
      report(childPath, raw, Values.wrongType(MAP_EXPECTED, raw));
    }
    return new ConfigNode(errors, childPath, Map.of());
  }

  private static <T> T bind(ConfigNode node, Function<ConfigNode, T> binder) {
    T result = binder.apply(node);
    node.finish();
    return Objects.requireNonNull(result, "a binder returned null");
  }

  private static Map<String, Object> copy(Map<?, ?> map) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      result.put(String.valueOf(e.getKey()), e.getValue());
    }
    return result;
  }

  private Optional<String> suggestion(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = editDistance(key.toLowerCase(java.util.Locale.ROOT), candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    int limit = Math.min(2, Math.max(key.length() - 1, 0));
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
