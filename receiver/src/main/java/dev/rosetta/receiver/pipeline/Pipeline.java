package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.MetricBatch;
import java.util.List;

/** An immutable sequence of stages applied in order; itself a stage. Thread-safe. */
public final class Pipeline implements MetricStage {
  private final List<MetricStage> stages;

  public Pipeline(List<MetricStage> stages) {
    this.stages = List.copyOf(stages);
  }

  public static Pipeline empty() {
    return new Pipeline(List.of());
  }

  @Override
  public MetricBatch process(MetricBatch batch) {
    return process(batch, new StageRefusals());
  }

  @Override
  public MetricBatch process(MetricBatch batch, StageRefusals refusals) {
    MetricBatch b = batch;
    for (MetricStage s : stages) {
      b = s.process(b, refusals);
      if (b.resources().isEmpty()) {
        return b;
      }
    }
    return b;
  }

  @Override
  public boolean mayWait() {
    for (MetricStage s : stages) {
      if (s.mayWait()) {
        return true;
      }
    }
    return false;
  }

  /** The stages, in order. */
  public List<MetricStage> stages() {
    return stages;
  }

  public int size() {
    return stages.size();
  }
}
