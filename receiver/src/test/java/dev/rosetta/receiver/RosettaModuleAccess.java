package dev.rosetta.receiver;

import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.pipeline.Pipeline;
import dev.rosetta.receiver.telemetry.SelfMetrics;

/** The service's pipeline factory, for tests of other packages. */
public final class RosettaModuleAccess {
  private RosettaModuleAccess() {}

  public static Pipeline pipeline(RosettaConfig config, SelfMetrics metrics) throws ViewLoadException {
    return PipelineFactory.pipeline(config, metrics);
  }
}
