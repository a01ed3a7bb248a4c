package dev.rosetta.receiver.forward;

import com.google.protobuf.CodedOutputStream;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * Requests (or pieces of them) merged into one export call. Sent by writing the parts one after the
 * other (see {@link Payload}): a request read back from the file queue goes out as the bytes that
 * were written, never parsed again. Immutable.
 *
 * @param parts in queue order
 * @param points the sum of the parts' points
 */
record ExportBatch(List<Part> parts, int points) {
  ExportBatch {
    parts = List.copyOf(parts);
  }

  /**
   * A request, or a piece of one, and the queue entry it belongs to.
   *
   * @param whole the entry's whole request (not a piece of a split)
   */
  record Part(QueueEntry entry, Payload payload, int points, boolean whole) {
    Part {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /** The Export method of the OTLP metrics service, sending batches. */
  static final MethodDescriptor<ExportBatch, ExportMetricsServiceResponse> EXPORT =
      MetricsServiceGrpc.getExportMethod().toBuilder(new Marshaller(),
          ProtoUtils.marshaller(ExportMetricsServiceResponse.getDefaultInstance())).build();

  /** The batch as one request (for tests and splitting). */
  ExportMetricsServiceRequest request() throws IOException {
    return ExportMetricsServiceRequest.parseFrom(serialize());
  }

  byte[] serialize() {
    long size = 0;
    for (Part p : parts) {
      size += p.payload().serializedSize();
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("an export of " + size + " bytes is too large");
    }
    byte[] out = new byte[(int) size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      for (Part p : parts) {
        p.payload().writeTo(cos);
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static final class Marshaller implements MethodDescriptor.Marshaller<ExportBatch> {
    @Override
    public InputStream stream(ExportBatch batch) {
      return new Serialized(batch.serialize());
    }

    @Override
    public ExportBatch parse(InputStream stream) {
      throw new UnsupportedOperationException("batches are only sent");
    }
  }

  /** Lets gRPC frame the message without copying it first. */
  private static final class Serialized extends ByteArrayInputStream implements KnownLength {
    Serialized(byte[] bytes) {
      super(bytes);
    }
  }
}
