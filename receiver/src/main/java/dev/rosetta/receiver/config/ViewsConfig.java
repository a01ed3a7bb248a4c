package dev.rosetta.receiver.config;

import dev.rosetta.model.view.BuiltinViews;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code views} section: which semantic views turn raw names into labelled families.
 *
 * <pre>
 * views:
 *   files: [views/*.yaml]        # user view files (globs, relative to the config file); tried first
 *   builtin: [go, jvm]           # built-in sets: go, jvm (default), go-semconv, runtime (opt-in)
 *   unmatched: passthrough       # names no view matches: passthrough or drop
 * </pre>
 *
 * {@code baseDirectory} is where relative globs resolve: the configuration file's directory
 * ({@code ""}, the working directory, for the embedded default). Immutable.
 *
 * @param files view file globs, in load order
 * @param builtin the built-in sets that are on; they always load after the files, in the fixed
 *     order of {@link BuiltinViews#NAMES}
 * @param unmatched what happens to names no view matches
 * @param baseDirectory the directory relative globs resolve against
 */
public record ViewsConfig(List<String> files, List<String> builtin, Unmatched unmatched, Path baseDirectory) {

  /** What the pipeline does with a metric whose name no view matches. */
  public enum Unmatched {
    /** Keep it as it came, under its raw name. */
    PASSTHROUGH,
    /** Drop it (and count it). */
    DROP
  }

  public ViewsConfig {
    files = List.copyOf(files);
    builtin = List.copyOf(builtin);
    Objects.requireNonNull(unmatched, "unmatched");
    Objects.requireNonNull(baseDirectory, "baseDirectory");
    for (String set : builtin) {
      if (!BuiltinViews.isKnown(set)) {
        throw new IllegalArgumentException("unknown built-in view set: " + set);
      }
    }
  }

  /** No files, the default built-in sets, unmatched names passed through. */
  public static ViewsConfig defaults() {
    return new ViewsConfig(List.of(), BuiltinViews.DEFAULTS, Unmatched.PASSTHROUGH, Path.of(""));
  }
}
