package dev.rosetta.receiver.aggregate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the top-level {@code aggregate:} list: which families it applies to (an exact
 * Prometheus family name, or an RE2 regular expression matching the whole name), which labels go
 * ({@code without}) or stay ({@code by}), and how the contributors combine.
 *
 * <pre>
 * aggregate:
 *   - family: go_cpu_time_seconds_total      # or family_regex: "go_cpu_.*"
 *     without: [go_cpu_detailed_state]       # or by: [go_cpu_state]
 *     op: sum                                # sum | min | max | avg
 * </pre>
 *
 * Labels that come from the resource and the scope ({@code job}, {@code instance}, {@code
 * otel_scope_*}, resource attributes under {@code resource_to_telemetry_conversion}) always stay:
 * aggregation happens within a target, as the Collector's {@code metricstransform} aggregates
 * within a resource. Immutable; validated by the configuration binder.
 *
 * @param index the rule's position in the list, for messages ({@code aggregate[0]})
 * @param family the exact family name as {@code /metrics} shows it (counters with {@code _total})
 * @param familyRegex an RE2 regular expression, anchored at both ends
 * @param without true: {@code labels} are removed; false: only {@code labels} stay
 * @param labels Prometheus label names
 * @param op how contributors combine
 */
public record AggregateRule(
    int index, Optional<String> family, Optional<String> familyRegex, boolean without, List<String> labels,
    AggregateOp op) {
  /** Labels that describe the sender, never aggregated away. */
  public static final List<String> TARGET_LABELS = List.of("job", "instance", "otel_scope_name", "otel_scope_version");

  public AggregateRule {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(familyRegex, "familyRegex");
    Objects.requireNonNull(op, "op");
    labels = List.copyOf(labels);
    if (family.isPresent() == familyRegex.isPresent()) {
      throw new IllegalArgumentException("exactly one of family and family_regex");
    }
  }

  /** {@code aggregate[0]}, for messages. */
  public String id() {
    return "aggregate[" + index + "]";
  }

  /** The rule as PromQL would say it: {@code sum without (go_cpu_detailed_state)}. */
  public String describe() {
    return op.word() + (without ? " without (" : " by (") + String.join(", ", labels) + ")";
  }

  /** Which families: {@code go_cpu_time_seconds_total} or {@code ~"go_.*"}. */
  public String describeFamilies() {
    return family.orElseGet(() -> "~\"" + familyRegex.orElseThrow() + "\"");
  }
}
