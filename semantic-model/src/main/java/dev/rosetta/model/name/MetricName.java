package dev.rosetta.model.name;

import java.util.List;
import java.util.Objects;

/**
 * A parsed raw metric name in one of the three {@link Grammar grammars}.
 *
 * <p>Classification ({@link Grammar#classify(String)}): a name starting with {@code /} is a {@link
 * GoPath}; a name with a {@code :} followed later by {@code =} is a {@link JvmPath}; any other
 * non-empty name is a {@link DottedName}. The name must then be well formed in its grammar, or
 * {@link #parse(String)} returns the {@link NameError} that says where and why.
 *
 * <p>Implementations are immutable and thread-safe. Equality is identity of the metric: for JVM
 * paths the canonical (sorted-key) ObjectName, otherwise the text.
 */
public sealed interface MetricName permits GoPath, JvmPath, DottedName {

  /** The grammar of this name. */
  Grammar grammar();

  /** The name exactly as it was given to the parser. */
  String text();

  /**
   * The segments patterns match on: the path segments of a Go path (without the unit), the
   * attribute and item segments of a JVM path (unescaped), the {@code .}-separated parts of a
   * dotted name. Unmodifiable.
   */
  List<String> segments();

  /** Classifies {@code raw} and parses it in its grammar; never throws for bad input. */
  static ParseResult<MetricName> parse(String raw) {
    Objects.requireNonNull(raw, "raw");
    if (raw.isEmpty()) {
      return ParseResult.failure(raw, 0, "empty metric name");
    }
    return switch (Grammar.classify(raw)) {
      case GO -> GoPath.parse(raw).map(n -> n);
      case JVM -> JvmPath.parse(raw).map(n -> n);
      case DOTTED -> DottedName.parse(raw).map(n -> n);
    };
  }
}
