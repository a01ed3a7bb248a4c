package dev.rosetta.receiver.server;

import dev.rosetta.receiver.config.HttpServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One HTTP/1.1 connection's life, between the codec and the request handlers. The channel does not
 * read on its own ({@code autoRead} off); this handler asks for input only while a request is being
 * received, so a connection has at most one request in hand:
 *
 * <ul>
 *   <li>Waiting for a request: {@code idle_timeout} after a complete exchange ({@code
 *       read_header_timeout} on a fresh connection); closed quietly when it passes.
 *   <li>From the first byte of a request: its header must be complete within {@code
 *       read_header_timeout} and its body within {@code read_timeout}, counted from that first byte
 *       and not restarted by bytes trickling in. Either passing is answered 408 and the connection
 *       closed.
 *   <li>Once the request is complete nothing more is read until its response has been written:
 *       pipelined requests are answered in order, one at a time, and a handler may take as long as
 *       it needs without an idle timer running.
 *   <li>A response written before the request's body is complete (a refusal at the head) is
 *       followed by the rest of the body being read and dropped, so the client sees its answer
 *       (past the read deadline too, while the body still comes at 64 KiB/s or more); a rest larger
 *       than {@code drainLimit}, or a refused {@code Expect: 100-continue}, closes the connection
 *       after the answer instead (output shut first, then a short linger).
 *   <li>A malformed request is answered 400 (414 for an over-long request line, 431 for an
 *       over-large header) and the connection closed.
 *   <li>A handler after this one that needs time to decide about a request (authentication) pauses
 *       the connection's {@link ReadGate}: nothing more of the request is read (nor handed on)
 *       until it resumes the gate; the read deadlines keep running.
 * </ul>
 *
 * Runs on the connection's event loop only (writes from other threads arrive there through Netty).
 */
final class HttpExchangeHandler extends ChannelDuplexHandler {
  private static final Logger LOG = Logger.getLogger(HttpExchangeHandler.class.getName());
  /** How long a connection closed after an early answer keeps draining input before it is closed. */
  static final long LINGER_MILLIS = 2000;
  /**
   * A body being dropped after an early answer may outlast the read deadline while it comes at 64
   * KiB/s or more, checked every {@value #DRAIN_CHECK_SECONDS} s (the rest is at most the drain
   * limit, so this ends).
   */
  static final long DRAIN_CHECK_SECONDS = 10;
  static final long MIN_DRAIN_BYTES_PER_CHECK = 64 * 1024 * DRAIN_CHECK_SECONDS;

  private enum State {
    /** Between requests. */
    AWAIT,
    /** The first bytes of a request have arrived, not yet its whole header. */
    HEAD,
    /** The header has arrived, the body is coming. */
    BODY,
    /** The request is complete; its response is not yet written. */
    HANDLING,
    /** The response was written before the body was complete: the rest is read and dropped. */
    DISCARD,
    /** Closing: the output is shut, input is drained until the peer closes or the linger ends. */
    CLOSING
  }

  private final String listener;
  private final HttpServerSettings settings;
  private final ServerMetrics metrics;
  private final long drainLimit;
  private State state = State.AWAIT;
  private boolean fresh = true;
  private long requestStartNanos;
  private ScheduledFuture<?> timer;
  private HttpRequest current;
  private long declaredLength = -1;
  private long received;
  private boolean responseStarted;
  private boolean closeAfterResponse;
  private boolean readRequested;
  /** Bytes received when a drain last showed progress. */
  private long drainCheckpoint;
  private boolean replaying;
  /** Messages that arrived while a request was being handled, replayed after its response. */
  private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>(2);

  HttpExchangeHandler(String listener, HttpServerSettings settings, ServerMetrics metrics, long drainLimit) {
    this.listener = listener;
    this.settings = settings;
    this.metrics = metrics;
    this.drainLimit = drainLimit;
  }

  /** Sits before the codec and tells the exchange when the first byte of a new request arrives. */
  static final class RequestStart extends ChannelInboundHandlerAdapter {
    private final HttpExchangeHandler exchange;

    RequestStart(HttpExchangeHandler exchange) {
      this.exchange = exchange;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b && b.isReadable()) {
        exchange.bytesArrived();
      }
      ctx.fireChannelRead(msg);
    }
  }

  private ChannelHandlerContext ctx;
  private ReadGate gate;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.gate = new ReadGate(this::gateOpened);
    ctx.channel().attr(ReadGate.KEY).set(gate);
  }

  /** The last pause of the read gate ended: go on reading if input is wanted. */
  private void gateOpened() {
    if (state != State.HANDLING && ctx.channel().isActive()) {
      requestRead();
    }
  }

  /**
   * Whether what is read now is handed on to the handlers after this one (a request being received
   * or awaited), rather than dropped here (closing, or the rest of a body after an early answer).
   */
  private boolean handsOn() {
    return state == State.AWAIT || state == State.HEAD || state == State.BODY;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(settings.readHeaderTimeout().toNanos(), this::awaitExpired);
    requestRead();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    releaseHeld();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
    releaseHeld();
  }

  private void releaseHeld() {
    Object m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  /**
   * Asks for the next message: first any held back while a request was handled (in order), then
   * from the channel, unless a read is already asked for.
   */
  private void requestRead() {
    if (replaying) {
      return; // the replay below asks once it is done
    }
    if (!gate.isOpen() && handsOn()) {
      return; // a handler after this one is deciding; it resumes the gate, which asks again
    }
    if (!held.isEmpty()) {
      replaying = true;
      try {
        while (!held.isEmpty() && state != State.HANDLING && (gate.isOpen() || !handsOn())) {
          dispatch(held.poll());
        }
      } finally {
        replaying = false;
      }
      if (!held.isEmpty() || state == State.HANDLING || (!gate.isOpen() && handsOn())) {
        return;
      }
    }
    if (!readRequested) {
      readRequested = true;
      ctx.read();
    }
  }

  /**
   * A read that brought no message ends with this event ({@link
   * io.netty.handler.flow.FlowControlHandler} counts it as satisfied): ask again while input is
   * wanted.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readRequested = false;
    if (state != State.HANDLING) {
      requestRead();
    }
    ctx.fireChannelReadComplete();
  }

  void bytesArrived() {
    if (state == State.AWAIT) {
      startRequest();
      state = State.HEAD;
      armFromStart(settings.readHeaderTimeout().toNanos(), () -> readExpired("header"));
    }
  }

  private void startRequest() {
    requestStartNanos = System.nanoTime();
    fresh = false;
    current = null;
    declaredLength = -1;
    received = 0;
    responseStarted = false;
    closeAfterResponse = false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readRequested = false;
    if (!held.isEmpty() || state == State.HANDLING) {
      // nothing is asked for while a request is handled; what comes anyway waits for its turn
      held.add(msg);
      if (state != State.HANDLING) {
        requestRead();
      }
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    switch (state) {
      case CLOSING -> {
        ReferenceCountUtil.release(msg);
        requestRead();
        return;
      }
      case HANDLING -> {
        held.add(msg);
        return;
      }
      default -> {
        // AWAIT, HEAD, BODY, DISCARD below
      }
    }
    if (msg instanceof HttpRequest req) {
      if (state == State.AWAIT) {
        startRequest(); // a pipelined request already buffered
      }
      current = req;
      state = State.BODY;
      DecoderResult r = req.decoderResult();
      if (!r.isSuccess()) {
        ReferenceCountUtil.release(msg);
        malformed(r.cause());
        return;
      }
      declaredLength = HttpUtil.getContentLength(req, -1L);
      armFromStart(settings.readTimeout().toNanos(), () -> readExpired("body"));
      boolean last = msg instanceof LastHttpContent;
      if (last) {
        state = State.HANDLING;
        cancelTimer();
      }
      ctx.fireChannelRead(msg);
      if (!last && state == State.BODY) {
        requestRead();
      }
      return;
    }
    if (msg instanceof HttpContent c) {
      boolean last = msg instanceof LastHttpContent;
      received += c.content().readableBytes();
      if (!c.decoderResult().isSuccess()) {
        ReferenceCountUtil.release(msg);
        malformed(c.decoderResult().cause());
        return;
      }
      if (state == State.DISCARD) {
        ReferenceCountUtil.release(msg);
        if (last) {
          exchangeDone();
        } else {
          requestRead();
        }
        return;
      }
      if (state != State.BODY) {
        ReferenceCountUtil.release(msg);
        requestRead();
        return;
      }
      if (last) {
        state = State.HANDLING;
        cancelTimer();
      }
      ctx.fireChannelRead(msg);
      if (!last && state == State.BODY) {
        requestRead();
      }
      return;
    }
    ReferenceCountUtil.release(msg);
    requestRead();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean finalResponse = false;
    if (msg instanceof HttpResponse resp) {
      if (resp.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        ctx.write(msg, promise); // 100 Continue: not the answer
        return;
      }
      responseStarted = true;
      if (!HttpUtil.isKeepAlive(resp)) {
        closeAfterResponse = true;
      }
    }
    if (msg instanceof LastHttpContent && responseStarted) {
      finalResponse = true;
    }
    if (!finalResponse) {
      ctx.write(msg, promise);
      return;
    }
    ChannelPromise p = promise.unvoid();
    p.addListener(f -> {
      if (f.isSuccess()) {
        responseDone();
      } else {
        ctx.close();
      }
    });
    ctx.write(msg, p);
  }

  private void responseDone() {
    switch (state) {
      case HANDLING -> exchangeDone();
      case HEAD, BODY -> {
        // answered before the body was complete
        boolean expectContinue = current != null && HttpUtil.is100ContinueExpected(current);
        long rest = declaredLength < 0 ? Long.MAX_VALUE : declaredLength - received;
        if (closeAfterResponse || expectContinue || rest > drainLimit) {
          linger();
        } else {
          state = State.DISCARD; // the read deadline keeps running
          drainCheckpoint = received;
          requestRead();
        }
      }
      default -> {
        // AWAIT (a 408 for a fresh connection), DISCARD, CLOSING: nothing more
      }
    }
  }

  private void exchangeDone() {
    boolean keepAlive = !closeAfterResponse && current != null && HttpUtil.isKeepAlive(current);
    current = null;
    if (!keepAlive) {
      state = State.CLOSING;
      cancelTimer();
      ctx.close();
      return;
    }
    state = State.AWAIT;
    arm(settings.idleTimeout().toNanos(), this::awaitExpired);
    requestRead();
  }

  private void awaitExpired() {
    if (state != State.AWAIT) {
      return;
    }
    metrics.timeout(listener, fresh ? "header" : "idle");
    state = State.CLOSING;
    ctx.close();
  }

  private void readExpired(String phase) {
    if (state != State.HEAD && state != State.BODY && state != State.DISCARD) {
      return;
    }
    if (state == State.DISCARD && received - drainCheckpoint >= MIN_DRAIN_BYTES_PER_CHECK) {
      // the answer went out and the client is still sending its body at a fair rate: dropping the
      // rest costs nothing, and a client that reads only once it has sent gets its answer
      drainCheckpoint = received;
      arm(TimeUnit.SECONDS.toNanos(DRAIN_CHECK_SECONDS), () -> readExpired(phase));
      return;
    }
    metrics.timeout(listener, phase);
    if (state == State.DISCARD || responseStarted) {
      // the answer went out already: end the output after it, so the client reads it before it
      // learns that the rest of its body is not wanted
      linger();
      return;
    }
    LOG.log(Level.FINE, () -> listener + ": " + ctx.channel().remoteAddress() + " did not send its request "
        + phase + " in time");
    String what = phase.equals("header") ? "read_header_timeout (" + settings.readHeaderTimeout().toMillis()
        + " ms)" : "read_timeout (" + settings.readTimeout().toMillis() + " ms)";
    answerAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "the request " + phase + " did not arrive within " + what
        + "\n");
  }

  private void malformed(Throwable cause) {
    HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
    String message = "malformed HTTP request";
    if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
      message = "request line too long";
    } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      message = "request header too large";
    }
    LOG.log(Level.FINE, listener + ": malformed request from " + ctx.channel().remoteAddress(), cause);
    answerAndClose(status, message + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage())
        + "\n");
  }

  /** Writes a plain-text answer with {@code Connection: close}, then closes with a linger. */
  private void answerAndClose(HttpResponseStatus status, String text) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpUtil.setContentLength(resp, resp.content().readableBytes());
    state = State.CLOSING;
    cancelTimer();
    // written from the head of the pipeline past the handlers (their state ends with the connection)
    ctx.writeAndFlush(resp).addListener(f -> linger());
  }

  /**
   * Closes after the answer so that the client can read it: shut the output (the client sees the
   * end of the response), drop what it still sends, close when it closes or after {@value
   * #LINGER_MILLIS} ms.
   */
  private void linger() {
    state = State.CLOSING;
    cancelTimer();
    if (!ctx.channel().isActive()) {
      return;
    }
    io.netty.channel.ChannelFuture ended;
    io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    if (ssl != null) {
      ended = ssl.closeOutbound(); // close_notify after the answer
    } else if (ctx.channel() instanceof SocketChannel sc) {
      ended = sc.shutdownOutput(); // FIN after the answer
    } else {
      ended = ctx.newSucceededFuture();
    }
    ended.addListener(f -> {
      arm(TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS), ctx::close);
      requestRead();
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof io.netty.handler.timeout.WriteTimeoutException) {
      metrics.timeout(listener, "write");
    }
    LOG.log(Level.FINE, listener + ": connection error", cause);
    state = State.CLOSING;
    ctx.close();
  }

  private void arm(long delayNanos, Runnable task) {
    cancelTimer();
    timer = ctx.executor().schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  /** Arms a deadline counted from the request's first byte. */
  private void armFromStart(long allowedNanos, Runnable task) {
    arm(requestStartNanos + allowedNanos - System.nanoTime(), task);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
