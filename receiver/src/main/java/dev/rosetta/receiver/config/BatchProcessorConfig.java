package dev.rosetta.receiver.config;

import java.util.Objects;

/**
 * The {@code batch} processor with the Collector's keys ({@code send_batch_size}, {@code
 * send_batch_max_size}, {@code timeout}). Rosetta batches in each OTLP exporter, after its queue, so
 * the processor's settings become the {@link BatchConfig} of every exporter of the pipeline that
 * does not set its own {@code batch:} (an exporter that sets a different one is an error).
 */
public record BatchProcessorConfig(ComponentId id, BatchConfig batch) implements ProcessorConfig {
  public static final String TYPE = "batch";

  public BatchProcessorConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(batch, "batch");
  }
}
