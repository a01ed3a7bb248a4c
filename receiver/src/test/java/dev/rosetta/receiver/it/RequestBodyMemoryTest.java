package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
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
 * while most of a body has arrived and the rest has not, with a {@code Content-Length} and chunked.
 */
class RequestBodyMemoryTest {
  static final int BODY = 900_000;
  static final int FIRST = 700_000;
  /** Read buffers in use for a moment are fine; what a waiting body holds would be about FIRST. */
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
   * Sends the head and the first {@link #FIRST} bytes of the body, watches direct memory for a
   * while, then sends the rest; returns the largest growth seen and checks the answer is 200.
   */
  private static long growthWhileWaiting(RunningRosetta r, byte[] body, boolean chunked) throws Exception {
    try (Socket s = new Socket("127.0.0.1", r.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      String head = "POST /v1/metrics HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-protobuf\r\n"
          + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
      long before = directBytes();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      part(out, body, 0, FIRST, chunked);
      out.flush();
      long most = 0;
      for (int i = 0; i < 30; i++) { // 1.5 s: the service has long read what was sent
        Thread.sleep(50);
        most = Math.max(most, directBytes() - before);
      }
      part(out, body, FIRST, body.length - FIRST, chunked);
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      out.flush();
      assertThat(statusLine(s.getInputStream())).startsWith("HTTP/1.1 200");
      return most;
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
}
