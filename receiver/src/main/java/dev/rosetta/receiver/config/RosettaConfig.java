package dev.rosetta.receiver.config;

import dev.rosetta.receiver.aggregate.AggregateRule;
import java.util.List;
import java.util.Objects;

/**
 * A complete, validated configuration. {@code source} says where it came from: the file name, or
 * {@value ConfigLoader#EMBEDDED_SOURCE}. Immutable; a reload builds a new instance and swaps it in
 * whole.
 */
public record RosettaConfig(
    String source,
    ReceiversConfig receivers,
    ExportersConfig exporters,
    ServiceConfig service,
    RelabelSettings relabel,
    LimitsConfig limits,
    ViewsConfig views,
    ExtensionsConfig extensions,
    ProcessorsConfig processors,
    List<AggregateRule> aggregate,
    PipelineConfig pipeline) {
  public RosettaConfig {
    Objects.requireNonNull(pipeline, "pipeline");
    aggregate = List.copyOf(aggregate);
    Objects.requireNonNull(extensions, "extensions");
    Objects.requireNonNull(processors, "processors");
    Objects.requireNonNull(relabel, "relabel");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(receivers, "receivers");
    Objects.requireNonNull(exporters, "exporters");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(views, "views");
  }

  /** A configuration without {@code service.pipelines}: today's stage order from the top-level sections. */
  public RosettaConfig(
      String source,
      ReceiversConfig receivers,
      ExportersConfig exporters,
      ServiceConfig service,
      RelabelSettings relabel,
      LimitsConfig limits,
      ViewsConfig views,
      ExtensionsConfig extensions,
      ProcessorsConfig processors,
      List<AggregateRule> aggregate) {
    this(source, receivers, exporters, service, relabel, limits, views, extensions, processors, aggregate,
        PipelineConfig.defaults(relabel, !aggregate.isEmpty()));
  }

  /** A configuration without {@code aggregate} rules. */
  public RosettaConfig(
      String source,
      ReceiversConfig receivers,
      ExportersConfig exporters,
      ServiceConfig service,
      RelabelSettings relabel,
      LimitsConfig limits,
      ViewsConfig views,
      ExtensionsConfig extensions,
      ProcessorsConfig processors) {
    this(source, receivers, exporters, service, relabel, limits, views, extensions, processors, List.of());
  }

  /** A configuration with the default {@code views} section. */
  public RosettaConfig(
      String source, ReceiversConfig receivers, ExportersConfig exporters, ServiceConfig service) {
    this(source, receivers, exporters, service, RelabelSettings.none(), LimitsConfig.defaults(),
        ViewsConfig.defaults(), ExtensionsConfig.none(), ProcessorsConfig.none());
  }
}
