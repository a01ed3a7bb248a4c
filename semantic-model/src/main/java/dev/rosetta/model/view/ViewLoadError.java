package dev.rosetta.model.view;

import java.util.Objects;

/**
 * One problem found while loading views: the file ({@code builtin:<set>} for a built-in set), the
 * 1-based line and column (0 when unknown), the view (0-based index in the file's {@code views}
 * list, -1 for a problem with the file as a whole, and its id when one was written), the field
 * ({@code "labels.go.cpu.class"}, {@code "buckets.max"}, {@code "exclude[1]"}; empty when none) and
 * the message. Messages number views from 1, as a reader counts them. Immutable.
 */
public record ViewLoadError(
    String file, int line, int column, int viewIndex, String viewId, String field, String message) {
  public ViewLoadError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(viewId, "viewId");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** Without a column. */
  public ViewLoadError(String file, int line, int viewIndex, String viewId, String field, String message) {
    this(file, line, 0, viewIndex, viewId, field, message);
  }

  /** Where the problem is within the file, without file and position: {@code view 2 "app.latency", field "scale"}. */
  public String where() {
    StringBuilder sb = new StringBuilder();
    if (viewIndex >= 0) {
      sb.append("view ").append(viewIndex + 1);
      if (!viewId.isEmpty()) {
        sb.append(" \"").append(viewId).append('"');
      }
    }
    if (!field.isEmpty()) {
      sb.append(sb.length() == 0 ? "" : ", ").append("field \"").append(field).append('"');
    }
    return sb.toString();
  }

  /**
   * One line for users: {@code views/app.yaml:7:12: view 2 "app.latency", field "scale": must be a
   * number greater than 0, got "fast"}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    String where = where();
    if (!where.isEmpty()) {
      sb.append(where).append(": ");
    }
    return sb.append(message).toString();
  }
}
