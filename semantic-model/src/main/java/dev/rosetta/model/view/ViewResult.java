package dev.rosetta.model.view;

import dev.rosetta.model.Metric;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ViewSet#apply} made of one raw metric. Immutable.
 *
 * <ul>
 *   <li>{@link Status#MAPPED}: {@link #metric()} is the semantic metric; {@link #droppedPoints()}
 *       points could not be mapped ({@link #problem()} says why for the first).
 *   <li>{@link Status#DROPPED}: a {@code drop} view matched.
 *   <li>{@link Status#INVALID}: a view matched but nothing valid came out; every point is counted
 *       in {@link #droppedPoints()} and {@link #problem()} says why.
 *   <li>{@link Status#UNMATCHED}: no view matched, or the name is malformed ({@link
 *       ViewDecision#malformed()}); the caller applies {@code views.unmatched} to the raw metric.
 *   <li>{@link Status#OMITTED}: a view matched and every point carried a value the view declares as
 *       "undefined" ({@code omit_values}); nothing comes out.
 * </ul>
 *
 * In every case {@link #omittedPoints()} counts the points left out by {@code omit_values}.
 */
public record ViewResult(
    Status status,
    ViewDecision decision,
    Optional<Metric> metric,
    int droppedPoints,
    Optional<String> problem,
    int omittedPoints) {

  /** The cases of a result. */
  public enum Status {
    MAPPED,
    DROPPED,
    INVALID,
    UNMATCHED,
    OMITTED
  }

  /** A result without omitted points. */
  public ViewResult(
      Status status, ViewDecision decision, Optional<Metric> metric, int droppedPoints, Optional<String> problem) {
    this(status, decision, metric, droppedPoints, problem, 0);
  }

  public ViewResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(problem, "problem");
    if (metric.isPresent() != (status == Status.MAPPED)) {
      throw new IllegalArgumentException("a metric comes with MAPPED only, status " + status);
    }
  }
}
