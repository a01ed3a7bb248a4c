package dev.rosetta.receiver.config;

import java.util.Objects;

/**
 * The {@code semantic_views} processor: the views stage where the pipeline places it, with the keys
 * of the top-level {@code views:} section ({@code files}, {@code builtin}, {@code unmatched}); a
 * key it leaves out takes the top-level section's value.
 */
public record SemanticViewsProcessorConfig(ComponentId id, ViewsConfig views) implements ProcessorConfig {
  public static final String TYPE = "semantic_views";

  public SemanticViewsProcessorConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(views, "views");
  }
}
