package dev.rosetta.receiver.server;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A gRPC marshaller that passes messages through as bytes, so the receiver parses them itself (and
 * answers INVALID_ARGUMENT for a malformed one) and clients can send pre-encoded payloads.
 */
public final class ByteArrayMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  public static final ByteArrayMarshaller INSTANCE = new ByteArrayMarshaller();

  private ByteArrayMarshaller() {}

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
