package dev.rosetta.e2e.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection over a plain socket: writes a request prepared once and reads
 * the response (Content-Length or chunked). A client this thin spends little CPU of its own, so the
 * machine's cores go to the receiver under test. Not thread-safe: one connection per thread.
 */
final class HttpConnection implements Closeable {
  /** A response: the status, the body's length, and the body itself when it was kept. */
  record Response(int status, String contentType, long length, byte[] body) {}

  private final String host;
  private final int port;
  private final int timeoutMillis;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  HttpConnection(URI uri, int timeoutMillis) {
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.timeoutMillis = timeoutMillis;
  }

  /** The bytes of a POST of {@code body} to {@code uri}, headers included. */
  static byte[] post(URI uri, String contentType, byte[] body) {
    String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** The bytes of a GET of {@code uri}, without compression. */
  static byte[] get(URI uri) {
    return get(uri, "identity");
  }

  /** The bytes of a GET of {@code uri} with the {@code Accept-Encoding} given (Prometheus asks for gzip). */
  static byte[] get(URI uri, String acceptEncoding) {
    return ("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nAccept-Encoding: " + acceptEncoding + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Sends {@code request} and reads the response; keeps the body when it is at most
   * {@code keepBodyUpTo} bytes. A connection the server closed is opened again once.
   */
  Response exchange(byte[] request, int keepBodyUpTo) throws IOException {
    boolean fresh = socket == null;
    if (fresh) {
      connect();
    }
    try {
      out.write(request);
      out.flush();
      return read(keepBodyUpTo);
    } catch (IOException e) {
      close();
      if (fresh) {
        throw e;
      }
      connect();
      out.write(request);
      out.flush();
      return read(keepBodyUpTo);
    }
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(timeoutMillis);
    socket.connect(new InetSocketAddress(host, port), timeoutMillis);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  private Response read(int keepBodyUpTo) throws IOException {
    String status = line();
    if (status.isEmpty()) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    String contentType = "";
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        case "content-type" -> contentType = value;
        default -> { }
      }
    }
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    long total = 0;
    if (chunked) {
      for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
          size = Long.parseLong(line().split(";")[0].trim(), 16)) {
        total += body(size, kept, total, keepBodyUpTo);
        line();
      }
      for (String t = line(); !t.isEmpty(); t = line()) {
        // trailers
      }
    } else if (length >= 0) {
      total = body(length, kept, 0, keepBodyUpTo);
    } else if (code != 204 && code != 304) {
      total = body(Long.MAX_VALUE, kept, 0, keepBodyUpTo);
      close = true;
    }
    if (close) {
      close();
    }
    return new Response(code, contentType, total, total <= keepBodyUpTo ? kept.toByteArray() : null);
  }

  private long body(long n, ByteArrayOutputStream kept, long before, int keepUpTo) throws IOException {
    byte[] buf = new byte[16 * 1024];
    long read = 0;
    while (read < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - read));
      if (r < 0) {
        if (n == Long.MAX_VALUE) {
          break;
        }
        throw new IOException("connection closed after " + read + " of " + n + " body bytes");
      }
      if (before + read + r <= keepUpTo) {
        kept.write(buf, 0, r);
      }
      read += r;
    }
    return read;
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    socket = null;
    in = null;
    out = null;
  }
}
