package dev.rosetta.model;

import java.util.List;
import java.util.Objects;

/**
 * A named metric with its points: an OTLP Metric, or one semantic family after the views.
 *
 * <p>{@code name} is the raw or semantic name (an OTLP name, a Go runtime path, a JVM path); {@code
 * unit} is UCUM as OTLP carries it ({@code ""} when none); {@code description} may be empty. Every
 * point's class must fit the type: {@link NumberPoint} for GAUGE, COUNTER and UP_DOWN_COUNTER,
 * {@link HistogramPoint} for HISTOGRAM, {@link SummaryPoint} for SUMMARY. {@code origin} says under
 * which name it was received and what mapped it ({@link Origin#RECEIVED} as decoded); it takes no
 * part in equality.
 */
public record Metric(
    String name,
    String description,
    String unit,
    MetricType type,
    Temporality temporality,
    List<Point> points,
    Origin origin) {

  public Metric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(temporality, "temporality");
    Objects.requireNonNull(origin, "origin");
    points = List.copyOf(points);
    for (Point p : points) {
      if (!fits(type, p)) {
        throw new IllegalArgumentException(
            "metric " + name + " of type " + type + " cannot hold " + p.getClass().getSimpleName());
      }
    }
  }

  /** A metric as received ({@link Origin#RECEIVED}). */
  public Metric(
      String name, String description, String unit, MetricType type, Temporality temporality, List<Point> points) {
    this(name, description, unit, type, temporality, points, Origin.RECEIVED);
  }

  private static boolean fits(MetricType type, Point p) {
    return switch (type) {
      case GAUGE, COUNTER, UP_DOWN_COUNTER -> p instanceof NumberPoint;
      case HISTOGRAM -> p instanceof HistogramPoint;
      case SUMMARY -> p instanceof SummaryPoint;
    };
  }

  /** The same metric with other points (and the same origin). */
  public Metric withPoints(List<Point> newPoints) {
    return new Metric(name, description, unit, type, temporality, newPoints, origin);
  }

  /** The same metric with another origin. */
  public Metric withOrigin(Origin newOrigin) {
    return newOrigin == origin ? this : new Metric(name, description, unit, type, temporality, points, newOrigin);
  }

  /** The name this metric was received under: its origin's, or its own while nothing renamed it. */
  public String receivedName() {
    return origin.receivedName().isEmpty() ? name : origin.receivedName();
  }

  /**
   * The name that tells this metric's source apart from others: the quantity its received name is
   * declared to be ({@link Origin#quantity()}), else the received name.
   */
  public String sourceName() {
    return origin.quantity().isEmpty() ? receivedName() : origin.quantity();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metric m
        && name.equals(m.name)
        && description.equals(m.description)
        && unit.equals(m.unit)
        && type == m.type
        && temporality == m.temporality
        && points.equals(m.points);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, description, unit, type, temporality, points);
  }

  @Override
  public String toString() {
    return "Metric[name=" + name + ", description=" + description + ", unit=" + unit + ", type=" + type
        + ", temporality=" + temporality + ", points=" + points
        + (origin == Origin.RECEIVED ? "" : ", origin=" + origin) + "]";
  }
}
