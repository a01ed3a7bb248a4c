package dev.rosetta.receiver.config;

import dev.rosetta.relabel.RelabelRules;
import java.util.Objects;

/**
 * A {@code relabel} processor ({@code relabel/input}, {@code relabel/output}, any {@code
 * relabel/<name>}): Prometheus {@code metric_relabel_configs} rules run where the pipeline places
 * it. Placed before {@code semantic_views} it sees the raw series (as {@code relabel.input} does),
 * after it the semantic series as a scrape shows them (as {@code relabel.output} does).
 */
public record RelabelProcessorConfig(ComponentId id, RelabelRules rules) implements ProcessorConfig {
  public static final String TYPE = "relabel";

  public RelabelProcessorConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(rules, "rules");
  }
}
