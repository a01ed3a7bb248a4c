package dev.rosetta.receiver.config;

import dev.rosetta.relabel.RelabelRules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one metrics pipeline the service runs: from {@code service.pipelines.metrics} (or {@code
 * metrics/<name>}) when given, else every declared receiver, Rosetta's stages in their default
 * order (from the top-level {@code relabel:}, {@code views:} and {@code aggregate:}) and every
 * declared exporter.
 *
 * <p>{@code stages} is the order in which Rosetta's own stages run between decoding and the sinks;
 * the wiring builds the stage list from it, one stage per entry. The views stage is always there
 * (once); aggregation, when present, is last, as it happens in the store.
 *
 * @param id the pipeline's id, empty when the configuration has no {@code service.pipelines}
 * @param receivers the receivers the pipeline lists (empty without pipelines: all declared ones run)
 * @param processors the processors the pipeline lists, in order (empty without pipelines: all run)
 * @param exporters the exporters the pipeline lists (empty without pipelines: all run)
 * @param stages Rosetta's stages in the order they run
 * @param unused components declared but in no pipeline ("exporters.otlp/b"): not started
 */
public record PipelineConfig(
    Optional<String> id,
    List<ComponentId> receivers,
    List<ComponentId> processors,
    List<ComponentId> exporters,
    List<Stage> stages,
    List<String> unused) {

  /** One of Rosetta's stages, as placed in the pipeline. */
  public sealed interface Stage permits Relabel, Views, Aggregate {
    /** The name the stage is counted and logged under. */
    String label();
  }

  /**
   * Relabel rules; {@code beforeViews} says which series they see: the raw series (before the
   * views) or the semantic series as a scrape shows them.
   */
  public record Relabel(String label, RelabelRules rules, boolean beforeViews) implements Stage {
    public Relabel {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(rules, "rules");
    }
  }

  /** The semantic views (the views settings are {@link RosettaConfig#views()}). */
  public record Views(String label) implements Stage {}

  /** The declared aggregation (the rules are {@link RosettaConfig#aggregate()}), applied by the store. */
  public record Aggregate(String label) implements Stage {}

  public PipelineConfig {
    Objects.requireNonNull(id, "id");
    receivers = List.copyOf(receivers);
    processors = List.copyOf(processors);
    exporters = List.copyOf(exporters);
    stages = List.copyOf(stages);
    unused = List.copyOf(unused);
    if (stages.stream().filter(s -> s instanceof Views).count() != 1) {
      throw new IllegalArgumentException("a pipeline runs the views stage exactly once: " + stages);
    }
    for (int i = 0; i < stages.size() - 1; i++) {
      if (stages.get(i) instanceof Aggregate) {
        throw new IllegalArgumentException("aggregation comes last: " + stages);
      }
    }
  }

  /** Today's order from the top-level sections: input relabel, views, output relabel, aggregation. */
  public static PipelineConfig defaults(RelabelSettings relabel, boolean aggregate) {
    List<Stage> stages = new java.util.ArrayList<>();
    if (relabel.input().size() > 0) {
      stages.add(new Relabel("relabel_input", relabel.input(), true));
    }
    stages.add(new Views("views"));
    if (relabel.output().size() > 0) {
      stages.add(new Relabel("relabel_output", relabel.output(), false));
    }
    if (aggregate) {
      stages.add(new Aggregate("aggregate"));
    }
    return new PipelineConfig(Optional.empty(), List.of(), List.of(), List.of(), stages, List.of());
  }
}
