package dev.rosetta.receiver.discovery;

import dev.rosetta.model.Labels;
import java.util.List;
import java.util.Objects;

/**
 * Targets that share labels, as Prometheus's target group: each target is a label set with at least
 * {@code __address__}; {@code labels} apply to all of them (a target's own label wins). {@code
 * source} identifies the group within its discoverer ({@code pod/ns/name}, a file and index), so
 * that a later group of the same source replaces it; an empty group removes it.
 */
public record TargetGroup(String source, List<Labels> targets, Labels labels) {
  public TargetGroup {
    Objects.requireNonNull(source, "source");
    targets = List.copyOf(targets);
    Objects.requireNonNull(labels, "labels");
  }

  /** The group that removes {@code source}. */
  public static TargetGroup empty(String source) {
    return new TargetGroup(source, List.of(), Labels.empty());
  }
}
