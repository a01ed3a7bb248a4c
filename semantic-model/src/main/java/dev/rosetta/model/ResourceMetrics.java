package dev.rosetta.model;

import java.util.List;
import java.util.Objects;

/** Metrics of one resource (a process, a pod): its attributes and its scopes. */
public record ResourceMetrics(Labels resource, List<ScopeMetrics> scopes) {
  public ResourceMetrics {
    Objects.requireNonNull(resource, "resource");
    scopes = List.copyOf(scopes);
  }
}
