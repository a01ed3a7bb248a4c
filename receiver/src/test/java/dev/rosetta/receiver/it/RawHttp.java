package dev.rosetta.receiver.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An HTTP/1.1 client on a bare socket, for what ordinary clients do not do: trickle, pipeline, hold. */
final class RawHttp implements AutoCloseable {
  /** One response: status, headers (lower-case names), body (de-chunked), and whether it was chunked. */
  record Response(int status, Map<String, String> headers, byte[] body, boolean chunked) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** A request head for {@code method path} with the given headers (Host is added). */
  static String head(String method, String path, Map<String, String> headers) {
    StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: test\r\n");
    headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
    return b.append("\r\n").toString();
  }

  static byte[] request(String method, String path, Map<String, String> headers, byte[] body) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("Content-Length", Integer.toString(body.length));
    byte[] headBytes = head(method, path, h).getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  /** Reads one response, waiting at most {@code timeout} for its first byte. */
  Response read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    socket.setSoTimeout(10_000);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String l;
    while ((l = line()) != null && !l.isEmpty()) {
      int c = l.indexOf(':');
      headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
    }
    boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (status == 100) {
      return new Response(status, headers, new byte[0], false);
    }
    if (chunked) {
      while (true) {
        String size = line();
        if (size == null) {
          throw new IOException("connection closed inside a chunked body after " + body.size() + " bytes");
        }
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          line();
          break;
        }
        body.write(in.readNBytes(n));
        line();
      }
    } else if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    }
    return new Response(status, headers, body.toByteArray(), chunked);
  }

  /** True when the server closed the connection within {@code timeout} (reads hit the end). */
  boolean closedWithin(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      byte[] buf = new byte[8192];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
