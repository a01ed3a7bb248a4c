package dev.rosetta.receiver.tls;

import dev.rosetta.receiver.telemetry.SecurityMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Logger;

/**
 * First handler of a TLS listener: looks at the first byte a client sends. A TLS client starts
 * with a handshake record (0x16); the guard then steps aside for the TLS handler. Anything else is
 * a client that does not speak TLS: it is counted ({@code reason="plaintext"}), logged at debug,
 * and the connection is closed at once — after a plaintext {@code 400} that says to use https when
 * the bytes look like an HTTP request, so that {@code curl http://...} gets an answer instead of a
 * reset or a hang.
 */
final class PlaintextGuard extends ByteToMessageDecoder {
  private static final Logger LOG = Logger.getLogger(PlaintextGuard.class.getName());
  private static final int TLS_HANDSHAKE_RECORD = 0x16;
  private static final String BODY = "this port serves TLS: use https:// (or a TLS client)\n";
  private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\n"
      + "Content-Type: text/plain; charset=utf-8\r\n"
      + "Connection: close\r\n"
      + "Content-Length: " + BODY.length() + "\r\n\r\n"
      + BODY).getBytes(StandardCharsets.US_ASCII);

  private final String listener;
  private final SecurityMetrics metrics;

  PlaintextGuard(String listener, SecurityMetrics metrics) {
    this.listener = listener;
    this.metrics = metrics;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!in.isReadable()) {
      return;
    }
    if ((in.getByte(in.readerIndex()) & 0xff) == TLS_HANDSHAKE_RECORD) {
      ctx.pipeline().remove(this); // hands the bytes read so far on to the TLS handler
      return;
    }
    boolean http = looksLikeHttp(in);
    in.skipBytes(in.readableBytes());
    metrics.handshakeFailure(listener, "plaintext");
    LOG.fine(() -> listener + ": refused a plaintext " + (http ? "HTTP request" : "client") + " from "
        + ctx.channel().remoteAddress() + " on a TLS port");
    if (http) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  /** An upper-case method token and a space: {@code GET }, {@code POST }, {@code PRI } (HTTP/2). */
  private static boolean looksLikeHttp(ByteBuf in) {
    int n = Math.min(in.readableBytes(), 8);
    for (int i = 0; i < n; i++) {
      int c = in.getByte(in.readerIndex() + i) & 0xff;
      if (c == ' ') {
        return i > 0;
      }
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return false;
  }
}
