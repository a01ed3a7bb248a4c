package dev.rosetta.model.name;

import java.util.Locale;
import java.util.Optional;

/** The three grammars of raw metric names, in the order a name is classified. */
public enum Grammar {
  /** Go runtime/metrics path: {@code /gc/heap/allocs:bytes}. */
  GO,
  /** JVM path: {@code java.lang:type=MemoryPool,name=G1 Eden Space/Usage/used}. */
  JVM,
  /** Dotted name (OTLP, Micrometer, Dropwizard): {@code jvm.memory.used}. */
  DOTTED;

  /** The lower-case word used in view files and CLI output: {@code go}, {@code jvm}, {@code dotted}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The grammar for a word of {@link #word()}, or empty. */
  public static Optional<Grammar> fromWord(String word) {
    for (Grammar g : values()) {
      if (g.word().equals(word)) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /**
   * The grammar a name belongs to, by its shape alone (the name may still be malformed in it): a
   * name starting with {@code /} is a Go runtime path; a name with a {@code :} followed somewhere
   * later by {@code =} is a JVM path; anything else is a dotted name.
   */
  public static Grammar classify(String name) {
    if (!name.isEmpty() && name.charAt(0) == '/') {
      return GO;
    }
    int colon = name.indexOf(':');
    if (colon >= 0 && name.indexOf('=', colon + 1) >= 0) {
      return JVM;
    }
    return DOTTED;
  }
}
