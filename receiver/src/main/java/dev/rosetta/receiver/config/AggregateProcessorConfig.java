package dev.rosetta.receiver.config;

import dev.rosetta.receiver.aggregate.AggregateRule;
import java.util.List;
import java.util.Objects;

/**
 * The {@code aggregate} processor: the declared aggregation rules ({@code rules:}, each as an entry
 * of the top-level {@code aggregate:} list). Aggregation happens where series of every source meet,
 * in the store, so the processor comes last among Rosetta's stages.
 */
public record AggregateProcessorConfig(ComponentId id, List<AggregateRule> rules) implements ProcessorConfig {
  public static final String TYPE = "aggregate";

  public AggregateProcessorConfig {
    Objects.requireNonNull(id, "id");
    rules = List.copyOf(rules);
  }
}
