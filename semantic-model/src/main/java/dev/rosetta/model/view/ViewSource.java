package dev.rosetta.model.view;

import java.util.Objects;

/**
 * Where a view was written: the file (a path as given, or {@code builtin:<set>} for a built-in set)
 * and its 0-based index in the file's {@code views} list (shown from 1). Immutable.
 */
public record ViewSource(String file, int index) {
  public ViewSource {
    Objects.requireNonNull(file, "file");
    if (index < 0) {
      throw new IllegalArgumentException("negative index " + index);
    }
  }

  /** {@code file#n}, the default id of a view, numbered from 1 as a reader counts. */
  @Override
  public String toString() {
    return file + "#" + (index + 1);
  }
}
