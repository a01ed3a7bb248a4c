package dev.rosetta.model;

import java.util.List;
import java.util.Objects;

/** Metrics of one instrumentation scope. */
public record ScopeMetrics(InstrumentationScope scope, List<Metric> metrics) {
  public ScopeMetrics {
    Objects.requireNonNull(scope, "scope");
    metrics = List.copyOf(metrics);
  }
}
