package dev.rosetta.receiver;

import dev.rosetta.model.view.ViewFiles;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.config.ConfigError;
import dev.rosetta.receiver.config.LimitsConfig;
import dev.rosetta.receiver.config.PipelineConfig;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.ViewsConfig;
import dev.rosetta.receiver.pipeline.InternalLabelsStage;
import dev.rosetta.receiver.pipeline.LabelLimits;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.pipeline.Pipeline;
import dev.rosetta.receiver.pipeline.RelabelStage;
import dev.rosetta.receiver.pipeline.ViewsStage;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import dev.rosetta.receiver.views.ConfiguredViews;
import dev.rosetta.receiver.views.KnownFamilies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the reloadable parts of the service from a configuration: the pipeline's stages, the label
 * limits, and the files whose change triggers a reload. Used by the wiring at start ({@link
 * RosettaModule}) and by a reload ({@link RosettaService#watchConfig}); plain static functions, no
 * state, no injection. It lives beside the wiring rather than in {@code pipeline} because it reads
 * the views ({@code views} depends on {@code pipeline}, not the other way round).
 */
public final class PipelineFactory {
  private PipelineFactory() {}

  /** The label limits of a {@code limits} section. */
  public static LabelLimits labelLimits(LimitsConfig l) {
    return new LabelLimits(l.labelLimit(), l.labelNameLengthLimit(), l.labelValueLengthLimit());
  }

  /** Files besides the configuration file whose change triggers a reload (view files). */
  public static List<Path> watchedFiles(RosettaConfig config) {
    // the files of the globs that match; a glob that matches nothing is the reload's to report
    return ViewFiles.expandAll(config.views().baseDirectory(), config.views().files()).files();
  }

  /**
   * The stages between decoding and the sinks, as the configuration asks.
   *
   * @throws IllegalArgumentException when an {@code aggregate:} rule does not fit a family the views
   *     produce
   */
  public static Pipeline pipeline(RosettaConfig config, SelfMetrics metrics) throws ViewLoadException {
    List<MetricStage> stages = new ArrayList<>();
    boolean suffixes = config.exporters().prometheus().addMetricSuffixes();
    ViewSet views = ConfiguredViews.load(config.views());
    List<ConfigError> misfits = KnownFamilies.check(config, views);
    if (!misfits.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", misfits.stream().map(Object::toString).toList()));
    }
    ViewsStage.Unmatched unmatched = config.views().unmatched() == ViewsConfig.Unmatched.DROP
        ? ViewsStage.Unmatched.DROP : ViewsStage.Unmatched.PASSTHROUGH;
    // Rosetta's stages in the pipeline's order; aggregation (last) is the store's
    for (PipelineConfig.Stage stage : config.pipeline().stages()) {
      if (stage instanceof PipelineConfig.Relabel r) {
        if (r.rules().size() > 0) {
          stages.add(new RelabelStage(r.beforeViews() ? RelabelStage.Kind.INPUT : RelabelStage.Kind.OUTPUT,
              r.rules(), suffixes, n -> metrics.pipelineDropped(r.label(), n)));
        }
      } else if (stage instanceof PipelineConfig.Views) {
        stages.add(new ViewsStage(views, unmatched, metrics::views, metrics.viewStatistics()));
        stages.add(new InternalLabelsStage());
      }
    }
    return new Pipeline(stages);
  }
}
