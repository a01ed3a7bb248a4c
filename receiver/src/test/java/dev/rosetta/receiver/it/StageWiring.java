package dev.rosetta.receiver.it;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.pipeline.Pipeline;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Wiring that runs one test stage as the whole pipeline before the store (no views, no forwarding). */
final class StageWiring {
  private StageWiring() {}

  static Module pipelineOf(MetricStage stage) {
    return new AbstractModule() {
      @Provides
      @Singleton
      IngestService ingest(SeriesStore store, SelfMetrics metrics) {
        return new IngestService(new Pipeline(List.of(stage)), store, Optional.empty(), metrics,
            Duration.ofSeconds(5));
      }
    };
  }
}
