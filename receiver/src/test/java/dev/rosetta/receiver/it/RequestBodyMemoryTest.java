package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A request body on its way in is held on the heap, which the heap limit and the memory limiter
 * bound: the native transport reads into direct buffers, and what a body waiting for its last bytes
 * has received must not keep them. Measured as the JVM's direct memory (and Netty's own count of it)
 * while most of a body has arrived and the rest has not: over HTTP/1.1 with a {@code Content-Length}
 * and chunked, and a gRPC message over HTTP/2.
 */
class RequestBodyMemoryTest {
  static final int BODY = 900_000;
  static final int FIRST = 700_000;
  /**
   * Read buffers in use for a moment are fine, and so are the last ones the HTTP/2 layer under gRPC
   * keeps for a connection (128 KiB here); what a body held would be about {@link #FIRST}.
   */
  static final long ALLOWED_GROWTH = 256 * 1024;

  /** Direct memory in use: the JDK's direct buffers plus what Netty allocates without them. */
  static long directBytes() {
    long used = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        used += pool.getMemoryUsed();
      }
    }
    return used + Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory());
  }

  /**
   * The growth of direct memory over {@code before} once the service has read what was sent: the
   * least seen over the half second after one second. A read buffer in use for a moment (several
   * event loops may each have one) does not count; a body held would be there all the time.
   */
  private static long settledGrowthSince(long before) throws InterruptedException {
    Thread.sleep(1000);
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      least = Math.min(least, directBytes() - before);
      Thread.sleep(50);
    }
    return least;
  }

  /**
   * Fills this thread's cache of temporary direct buffers, which the JDK's socket writes from a byte
   * array go through (up to 128 KiB a write), so that the sender's own direct memory does not grow
   * while it is measured. What the peer makes of the zeros does not matter.
   */
  private static void warmSender(int port) {
    try (Socket w = new Socket("127.0.0.1", port)) {
      w.getOutputStream().write(new byte[256 * 1024]);
    } catch (java.io.IOException refusedOrCut) {
      // the write went through the buffer before the peer closed, or the peer closed first: either serves
    }
  }

  /**
   * Sends the head and the first {@link #FIRST} bytes of the body, watches direct memory for a
   * while, then sends the rest; returns the settled growth and checks the answer is 200.
   */
  private static long growthWhileWaiting(RunningRosetta r, byte[] body, boolean chunked) throws Exception {
    warmSender(r.httpPort());
    try (Socket s = new Socket("127.0.0.1", r.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      String head = "POST /v1/metrics HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-protobuf\r\n"
          + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
      long before = directBytes();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      part(out, body, 0, FIRST, chunked);
      out.flush();
      long growth = settledGrowthSince(before);
      part(out, body, FIRST, body.length - FIRST, chunked);
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      out.flush();
      assertThat(statusLine(s.getInputStream())).startsWith("HTTP/1.1 200");
      return growth;
    }
  }

  private static void part(OutputStream out, byte[] body, int off, int len, boolean chunked) throws Exception {
    if (chunked) {
      out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    out.write(body, off, len);
    if (chunked) {
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  private static String statusLine(InputStream in) throws Exception {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.write(c);
    }
    return line.toString(StandardCharsets.ISO_8859_1).trim();
  }

  @Test
  void aBodyWaitingForItsLastBytesHoldsNoDirectMemory() throws Exception {
    byte[] body = Bodies.ofSize("big.gauge", "m", BODY);
    assertThat(body.length).isBetween(FIRST + 1, 1 << 20);
    try (RunningRosetta r = new RunningRosetta("")) {
      assertThat(growthWhileWaiting(r, body, false)).as("with a Content-Length").isLessThan(ALLOWED_GROWTH);
      assertThat(growthWhileWaiting(r, body, true)).as("chunked").isLessThan(ALLOWED_GROWTH);
    }
  }

  @Test
  void aGrpcMessageWaitingForItsLastBytesHoldsNoDirectMemory() throws Exception {
    byte[] message = Bodies.ofSize("big.gauge", "g", BODY);
    byte[] framed = new byte[5 + message.length]; // uncompressed, then the length
    java.nio.ByteBuffer.wrap(framed).put((byte) 0).putInt(message.length).put(message);
    try (RunningRosetta r = new RunningRosetta("")) {
      warmSender(r.grpcPort());
      grpcCall(r, framed);
    }
  }

  private static void grpcCall(RunningRosetta r, byte[] framed) throws Exception {
    try (Socket s = new Socket("127.0.0.1", r.grpcPort())) {
      s.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.write(Http2Frames.PREFACE);
      Http2Frames.write(out, Http2Frames.SETTINGS, 0, 0, new byte[0]);
      out.flush();
      // the server's settings and its connection window: 1 MiB, so the whole message may be sent
      boolean settings = false;
      boolean window = false;
      while (!settings || !window) {
        Http2Frames.Frame f = Http2Frames.Frame.read(in);
        if (f.type() == Http2Frames.SETTINGS && (f.flags() & 1) == 0) {
          settings = true;
          Http2Frames.write(out, Http2Frames.SETTINGS, 1, 0, new byte[0]); // ACK
          out.flush();
        } else if (f.type() == Http2Frames.WINDOW_UPDATE && f.stream() == 0) {
          window = true;
        }
      }
      ByteArrayOutputStream headers = new ByteArrayOutputStream();
      for (String[] h : new String[][] {{":method", "POST"}, {":scheme", "http"},
          {":path", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"}, {":authority", "test"},
          {"content-type", "application/grpc"}, {"te", "trailers"}}) {
        headers.write(0); // a literal field, not indexed, with a new name
        for (String part : h) {
          headers.write(part.length());
          headers.write(part.getBytes(StandardCharsets.ISO_8859_1));
        }
      }
      Http2Frames.write(out, Http2Frames.HEADERS, 4, 1, headers.toByteArray()); // END_HEADERS
      long before = directBytes();
      data(out, framed, 0, FIRST, false);
      out.flush();
      long growth = settledGrowthSince(before);
      data(out, framed, FIRST, framed.length - FIRST, true);
      out.flush();
      boolean answered = false;
      while (!answered) {
        Http2Frames.Frame f = Http2Frames.Frame.read(in);
        // the response message: a refused call has trailers only
        answered = f.type() == Http2Frames.DATA && f.stream() == 1;
        if (f.type() == Http2Frames.GOAWAY || f.type() == Http2Frames.RST_STREAM) {
          throw new AssertionError("the server ended the call or the connection: frame type " + f.type());
        }
      }
      assertThat(growth).isLessThan(ALLOWED_GROWTH);
    }
  }

  private static void data(DataOutputStream out, byte[] b, int off, int len, boolean end) throws Exception {
    for (int at = off; at < off + len; at += 16_384) {
      int n = Math.min(16_384, off + len - at);
      Http2Frames.write(out, Http2Frames.DATA, end && at + n == off + len ? 1 : 0, 1,
          java.util.Arrays.copyOfRange(b, at, at + n));
    }
  }
}
