package dev.rosetta.receiver.server;

import dev.rosetta.receiver.otlp.OtlpDecoder;
import dev.rosetta.receiver.otlp.OtlpWireDecoder;
import dev.rosetta.receiver.pipeline.IngestService;

/** The OTLP receivers' side of the ingest contract: they decode, the pipeline sees model batches. */
final class OtlpIngest {
  private OtlpIngest() {}

  /** Ingests what a body decoded to, its original going along when none of its points was refused. */
  static IngestService.Outcome ingest(IngestService ingest, OtlpWireDecoder.Decoded decoded, String transport) {
    OtlpDecoder.Result result = decoded.result();
    return ingest.ingest(result.batch(), result.rejectedPoints(), result.errorMessage(),
        result.rejectedPoints() == 0 ? decoded.original() : null, transport);
  }
}
