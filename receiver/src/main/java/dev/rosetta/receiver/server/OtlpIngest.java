package dev.rosetta.receiver.server;

import dev.rosetta.receiver.otlp.OtlpDecoder;
import dev.rosetta.receiver.pipeline.IngestService;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** The OTLP receivers' side of the ingest contract: they decode, the pipeline sees model batches. */
final class OtlpIngest {
  private OtlpIngest() {}

  /**
   * Decodes {@code request} and ingests its batch; the request itself goes along as the opaque
   * original when the decoder refused none of its points, so that it can be forwarded as received.
   */
  static IngestService.Outcome ingest(IngestService ingest, ExportMetricsServiceRequest request, String transport) {
    OtlpDecoder.Result decoded = OtlpDecoder.decode(request);
    return ingest.ingest(decoded.batch(), decoded.rejectedPoints(), decoded.errorMessage(),
        decoded.rejectedPoints() == 0 ? request : null, transport);
  }
}
