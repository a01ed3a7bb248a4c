package dev.rosetta.model.view;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The built-in view sets, YAML resources {@code dev/rosetta/views/<set>.yaml} on the classpath:
 * {@code go-semconv} (OTel Go runtime semantic conventions; opt-in), {@code go} and {@code jvm}
 * (on by default). They always load after user files, in the fixed order of {@link #NAMES}, so
 * {@code go-semconv} takes precedence over {@code go} for the paths it covers.
 *
 * <p>The Go sets also load {@code go-names.yaml} after their own file: the names of other Go
 * instrumentations that measure what no runtime/metrics path measures (client_golang's {@code
 * go_threads}, {@code go_gc_duration_seconds}, ...) and OpenTelemetry Go's own names, which map to
 * the same families whichever Go set is on. Stateless.
 */
public final class BuiltinViews {
  /** Every built-in set, in load order. */
  public static final List<String> NAMES = List.of("go-semconv", "go", "jvm");

  /** The sets on when the configuration does not say. */
  public static final List<String> DEFAULTS = List.of("go", "jvm");

  private BuiltinViews() {}

  public static boolean isKnown(String set) {
    return NAMES.contains(set);
  }

  /** The classpath resource of a set: {@code dev/rosetta/views/go.yaml}. */
  public static String resource(String set) {
    return "dev/rosetta/views/" + set + ".yaml";
  }

  /** The file name errors and explain use for a set: {@code builtin:go}. */
  public static String sourceName(String set) {
    return "builtin:" + set;
  }

  /** The names file every Go set loads after its own: {@code dev/rosetta/views/go-names.yaml}. */
  public static final String GO_NAMES_RESOURCE = "dev/rosetta/views/go-names.yaml";

  /**
   * Every resource of a set in load order with the name errors and explain use for it: the set's
   * own file ({@link #sourceName}), then for the Go sets {@link #GO_NAMES_RESOURCE} as {@code
   * builtin:<set>/go-names.yaml}.
   */
  static List<String[]> parts(String set) {
    String[] own = {resource(set), sourceName(set)};
    if (set.equals("go") || set.equals("go-semconv")) {
      return List.of(own, new String[] {GO_NAMES_RESOURCE, sourceName(set) + "/go-names.yaml"});
    }
    return List.<String[]>of(own);
  }

  /**
   * The YAML text of a resource of a set ({@link #parts}), or empty when the resource is missing.
   *
   * @throws IOException when the resource exists but cannot be read
   */
  static Optional<String> text(String resource, ClassLoader loader) throws IOException {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
