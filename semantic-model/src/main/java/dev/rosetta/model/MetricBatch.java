package dev.rosetta.model;

import java.util.List;

/**
 * The unit that flows through the pipeline: what one request carried, decoded. Immutable; a stage
 * returns a new batch, or the same instance when it changes nothing.
 */
public record MetricBatch(List<ResourceMetrics> resources) {
  private static final MetricBatch EMPTY = new MetricBatch(List.of());

  public MetricBatch {
    resources = List.copyOf(resources);
  }

  public static MetricBatch empty() {
    return EMPTY;
  }

  /** Total number of points in the batch. */
  public int pointCount() {
    int n = 0;
    for (ResourceMetrics r : resources) {
      for (ScopeMetrics s : r.scopes()) {
        for (Metric m : s.metrics()) {
          n += m.points().size();
        }
      }
    }
    return n;
  }

  public boolean isEmpty() {
    return pointCount() == 0;
  }
}
