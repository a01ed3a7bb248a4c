package dev.rosetta.receiver;

import com.google.inject.Guice;
import dev.rosetta.receiver.config.RosettaConfig;

/** Builds a {@link RosettaService} from a validated configuration (wiring by {@link RosettaModule}). */
public final class Rosetta {
  private Rosetta() {}

  /** A service ready to {@link RosettaService#start()}; nothing is bound or started yet. */
  public static RosettaService create(RosettaConfig config) {
    return Guice.createInjector(new RosettaModule(config)).getInstance(RosettaService.class);
  }
}
