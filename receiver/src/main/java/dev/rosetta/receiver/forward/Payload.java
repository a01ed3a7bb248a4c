package dev.rosetta.receiver.forward;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.util.Objects;

/**
 * A request (or a piece of one) as the exporter holds it: the message itself (memory queue) or its
 * serialized bytes (read back from the file queue, never parsed again unless it must be split).
 *
 * <p>An {@code ExportMetricsServiceRequest} has one field, the repeated {@code resource_metrics}: the
 * concatenation of serialized requests is the serialized request of all their resource metrics, in
 * order. So a batch is sent by writing its parts one after the other, whatever form each has.
 * Immutable.
 */
sealed interface Payload {
  /** Bytes this part adds to the serialized batch. */
  int serializedSize();

  /** Writes the serialized request. */
  void writeTo(CodedOutputStream out) throws IOException;

  /** The request as a message (parsing bytes). */
  ExportMetricsServiceRequest request() throws InvalidProtocolBufferException;

  /** A message held as it was offered. */
  record Message(ExportMetricsServiceRequest message) implements Payload {
    public Message {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public int serializedSize() {
      return message.getSerializedSize();
    }

    @Override
    public void writeTo(CodedOutputStream out) throws IOException {
      message.writeTo(out);
    }

    @Override
    public ExportMetricsServiceRequest request() {
      return message;
    }
  }

  /** A serialized request. */
  record Bytes(byte[] bytes) implements Payload {
    public Bytes {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public int serializedSize() {
      return bytes.length;
    }

    @Override
    public void writeTo(CodedOutputStream out) throws IOException {
      out.writeRawBytes(bytes);
    }

    @Override
    public ExportMetricsServiceRequest request() throws InvalidProtocolBufferException {
      return ExportMetricsServiceRequest.parseFrom(bytes);
    }
  }
}
