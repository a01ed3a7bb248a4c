package dev.rosetta.model;

import java.util.List;
import java.util.Objects;

/**
 * A named metric with its points: an OTLP Metric, or one semantic family after the views.
 *
 * <p>{@code name} is the raw or semantic name (an OTLP name, a Go runtime path, a JVM path); {@code
 * unit} is UCUM as OTLP carries it ({@code ""} when none); {@code description} may be empty. Every
 * point's class must fit the type: {@link NumberPoint} for GAUGE, COUNTER and UP_DOWN_COUNTER,
 * {@link HistogramPoint} for HISTOGRAM, {@link SummaryPoint} for SUMMARY.
 */
public record Metric(
    String name, String description, String unit, MetricType type, Temporality temporality, List<Point> points) {

  public Metric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(temporality, "temporality");
    points = List.copyOf(points);
    for (Point p : points) {
      if (!fits(type, p)) {
        throw new IllegalArgumentException(
            "metric " + name + " of type " + type + " cannot hold " + p.getClass().getSimpleName());
      }
    }
  }

  private static boolean fits(MetricType type, Point p) {
    return switch (type) {
      case GAUGE, COUNTER, UP_DOWN_COUNTER -> p instanceof NumberPoint;
      case HISTOGRAM -> p instanceof HistogramPoint;
      case SUMMARY -> p instanceof SummaryPoint;
    };
  }

  /** The same metric with other points. */
  public Metric withPoints(List<Point> newPoints) {
    return new Metric(name, description, unit, type, temporality, newPoints);
  }
}
