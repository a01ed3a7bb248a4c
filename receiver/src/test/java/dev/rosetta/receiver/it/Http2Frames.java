package dev.rosetta.receiver.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames written and read by hand (RFC 9113, section 4.1), for tests whose client does what
 * grpc-java's would not.
 */
final class Http2Frames {
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int WINDOW_UPDATE = 8;

  private Http2Frames() {}

  static void write(DataOutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
    out.writeByte(payload.length >> 16);
    out.writeShort(payload.length & 0xffff);
    out.writeByte(type);
    out.writeByte(flags);
    out.writeInt(stream);
    out.write(payload);
  }

  /** One frame as read: its header and its payload. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    static Frame read(DataInputStream in) throws IOException {
      int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int stream = in.readInt() & 0x7fffffff;
      return new Frame(type, flags, stream, in.readNBytes(length));
    }
  }
}
