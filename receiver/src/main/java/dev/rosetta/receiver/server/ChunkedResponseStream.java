package dev.rosetta.receiver.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A response body streamed as it is produced, with chunked transfer encoding: bytes collect in a
 * {@value #CHUNK}-byte buffer, and each full buffer is written as one chunk; the response head goes
 * out with the first chunk. At most {@value #IN_FLIGHT} chunks wait in the channel at a time: the
 * producer blocks until the client has taken the oldest, or fails with an {@link IOException}
 * after {@code writeTimeout}, so a slow reader holds at most that much memory. The chunks are
 * direct buffers: the socket writes from native memory, so a heap chunk would be copied into a new
 * direct one anyway, and a body of many megabytes (a large {@code /metrics}) would leave as much
 * garbage on the heap. Used from one producer thread (never an event loop); {@link #close()}
 * writes the end of the body.
 */
public final class ChunkedResponseStream extends OutputStream {
  static final int CHUNK = 1 << 16;
  static final int IN_FLIGHT = 4;

  private final ChannelHandlerContext ctx;
  private final HttpResponse head;
  private final long writeTimeoutMillis;
  private final ArrayDeque<ChannelFuture> inFlight = new ArrayDeque<>();
  private ByteBuf buf;
  private boolean headSent;
  private boolean closed;
  private long written;

  public ChunkedResponseStream(ChannelHandlerContext ctx, HttpResponse head, Duration writeTimeout) {
    this.ctx = Objects.requireNonNull(ctx, "ctx");
    this.head = Objects.requireNonNull(head, "head");
    this.writeTimeoutMillis = writeTimeout.toMillis();
    HttpUtil.setTransferEncodingChunked(head, true);
  }

  /** Whether the response head has gone out (after that, a failure can only cut the body short). */
  public boolean headSent() {
    return headSent;
  }

  /** Body bytes handed to the channel so far. */
  public long bytesWritten() {
    return written;
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    buffer().writeByte(b);
    if (buf.readableBytes() >= CHUNK) {
      send(false);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      int n = Math.min(len, CHUNK - buffer().readableBytes());
      buf.writeBytes(b, off, n);
      off += n;
      len -= n;
      if (buf.readableBytes() >= CHUNK) {
        send(false);
      }
    }
  }

  @Override
  public void flush() {
    // chunks go out when full; flushing smaller pieces would only make more, smaller chunks
  }

  /** Writes what is buffered and the end of the body. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    send(true);
    closed = true;
    awaitAll();
  }

  /** Gives back the buffer without writing (after a failure). */
  public void abandon() {
    closed = true;
    if (buf != null) {
      buf.release();
      buf = null;
    }
  }

  private ByteBuf buffer() {
    if (buf == null) {
      buf = ctx.alloc().directBuffer(CHUNK, CHUNK);
    }
    return buf;
  }

  private void send(boolean last) throws IOException {
    if (!ctx.channel().isActive()) {
      abandon();
      throw new IOException("the client closed the connection after " + written + " bytes");
    }
    if (!headSent) {
      headSent = true;
      ctx.write(head);
    }
    ByteBuf b = buf;
    buf = null;
    if (b != null && b.isReadable()) {
      written += b.readableBytes();
      inFlight.add(ctx.writeAndFlush(new DefaultHttpContent(b)));
    } else if (b != null) {
      b.release();
    }
    if (last) {
      inFlight.add(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
      return;
    }
    while (inFlight.size() > IN_FLIGHT) {
      await(inFlight.poll());
    }
  }

  private void awaitAll() throws IOException {
    while (!inFlight.isEmpty()) {
      await(inFlight.poll());
    }
  }

  private void await(ChannelFuture f) throws IOException {
    try {
      if (!f.await(writeTimeoutMillis, TimeUnit.MILLISECONDS)) {
        ctx.close();
        throw new IOException("the client did not take the response within write_timeout (" + writeTimeoutMillis
            + " ms) after " + written + " bytes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the response");
    }
    if (!f.isSuccess()) {
      throw new IOException("writing the response failed after " + written + " bytes: " + f.cause(), f.cause());
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }
}
