package dev.rosetta.receiver.server;

import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.admission.IngestExecutor;
import dev.rosetta.receiver.admission.RequestBudget;
import dev.rosetta.receiver.pipeline.IngestStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes each request by path, admits data requests by memory before their bodies are read,
 * collects bodies and hands complete requests to their handlers on the route's thread (a small plain
 * data request whose way cannot wait is handled here, see {@link IngestRoute#mayWait}). Sits after
 * the connection's {@link HttpExchangeHandler} (and after any handler placed before admission, such
 * as authentication), and sees one request at a time. Event loop only; a dispatched request and its
 * budget belong to the task that handles it.
 */
final class RouterHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(RouterHandler.class.getName());
  /** A compressed body is assumed to decode to this many times its size when choosing a lane. */
  static final int ASSUMED_COMPRESSION_RATIO = 8;

  private final String name;
  private final Map<String, Route> routes;
  private final Route notFound;
  private final long maxBodyBytes;
  private final Optional<Admission> admission;

  private HttpRequest head;
  private Route route;
  /**
   * The body received so far, on the heap: one buffer of the declared length for an admitted ingest
   * request, else the chunks as they came. The native transport reads into direct buffers; what it
   * read is copied out of them at once, so that a body waiting for its turn holds heap, which the
   * heap limit and the memory limiter bound, and no native memory beside it.
   */
  private ByteBuf body;
  private RequestBudget budget;
  private IngestRoute.Accept accept;
  private boolean dropping;
  private boolean encoded;
  private long declared;
  private long received;

  RouterHandler(String name, Map<String, Route> routes, Route notFound, long maxBodyBytes,
      Optional<Admission> admission) {
    this.name = name;
    this.routes = routes;
    this.notFound = notFound;
    this.maxBodyBytes = maxBodyBytes;
    this.admission = admission;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      begin(ctx, req);
    }
    if (msg instanceof HttpContent c) {
      content(ctx, c);
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void begin(ChannelHandlerContext ctx, HttpRequest req) {
    reset();
    head = req;
    String path = new QueryStringDecoder(req.uri()).path();
    route = routes.getOrDefault(path, notFound);
    declared = HttpUtil.getContentLength(req, -1L);
    String enc = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    encoded = enc != null && !enc.isBlank() && !enc.trim().equalsIgnoreCase("identity");
    if (route instanceof Route.Ingest ingest) {
      IngestRoute.HeadDecision d = ingest.handler().checkHead(req);
      if (d instanceof IngestRoute.Refuse r) {
        ingest.handler().refuse(ctx, req, r.transport(), r.status(), r.message(), r.headers());
        dropping = true;
        return;
      }
      accept = (IngestRoute.Accept) d;
      if (declared > maxBodyBytes) {
        tooLarge(ctx, "request body of " + declared + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
        return;
      }
      Admission a = admission.orElseThrow(() -> new IllegalStateException(name + ": ingest route without admission"));
      long estimate = declared < 0 ? 0 : encoded ? declared * ASSUMED_COMPRESSION_RATIO : declared;
      Optional<Admission.Refusal> refused = a.check(accept.transport(), estimate);
      if (refused.isEmpty()) {
        budget = RequestBudget.open(a, accept.transport(), accept.format());
        long initial = declared < 0 ? 0 : encoded ? declared : declared + accept.format().decodedCost(declared);
        refused = budget.growRaw(initial);
      }
      if (refused.isPresent()) {
        refuse(ctx, refused.get());
        return;
      }
    } else if (declared > maxBodyBytes) {
      tooLarge(ctx, "request body of " + declared + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
      return;
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER));
    }
    // an admitted ingest request's declared length is reserved already: take it at once
    body = budget != null && declared >= 0 && declared <= Integer.MAX_VALUE
        ? ctx.alloc().heapBuffer((int) declared, (int) declared)
        : ctx.alloc().compositeHeapBuffer(Integer.MAX_VALUE);
  }

  private void content(ChannelHandlerContext ctx, HttpContent c) {
    if (dropping || body == null) {
      c.release();
      return;
    }
    int n = c.content().readableBytes();
    received += n;
    if (received > maxBodyBytes) {
      c.release();
      tooLarge(ctx, "request body exceeds the limit of " + maxBodyBytes + " bytes");
      return;
    }
    if (budget != null && declared < 0 && n > 0) {
      // a chunked body is accounted as it arrives
      Optional<Admission.Refusal> refused = budget.growRaw(encoded ? n : n + accept.format().decodedCost(n));
      if (refused.isPresent()) {
        c.release();
        refuse(ctx, refused.get());
        return;
      }
    }
    if (n > 0) {
      ByteBuf in = c.content();
      if (body instanceof CompositeByteBuf chunks) {
        chunks.addComponent(true,
            in.isDirect() ? ctx.alloc().heapBuffer(n, n).writeBytes(in, in.readerIndex(), n) : in.retain());
      } else {
        body.writeBytes(in, in.readerIndex(), n); // the decoder passes on no more than Content-Length
      }
    }
    boolean last = c instanceof LastHttpContent;
    FullHttpRequest full = null;
    if (last) {
      full = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(), body,
          head.headers(), ((LastHttpContent) c).trailingHeaders());
      body = null;
    }
    c.release();
    if (full != null) {
      dispatch(ctx, full);
    }
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest full) {
    Route r = route;
    HttpRequest h = head;
    head = null;
    if (r instanceof Route.Inline inline) {
      run(ctx, inline.handler(), full);
    } else if (r instanceof Route.OnExecutor ex) {
      try {
        ex.executor().execute(() -> run(ctx, ex.handler(), full));
      } catch (RejectedExecutionException e) {
        full.release();
        HttpResponses.text(ctx, h, 503, "the server is stopping or busy; retry later\n");
      }
    } else if (r instanceof Route.Ingest ingest) {
      RequestBudget b = budget;
      budget = null;
      Admission a = admission.orElseThrow();
      long estimate = encoded ? received * ASSUMED_COMPRESSION_RATIO : received;
      IngestExecutor.Lane lane = a.executor().laneFor(estimate);
      // such a body's estimate is far below the large lane's threshold: the lane is the small one
      if (!encoded && received <= IngestRoute.INLINE_BODY_BYTES && !ingest.handler().mayWait()
          && lane.tryRunHere(() -> runIngest(ctx, ingest.handler(), full, b))) {
        return;
      }
      if (!lane.trySubmit(() -> runIngest(ctx, ingest.handler(), full, b))) {
        full.release();
        b.release();
        Admission.Refusal refusal = a.queueFull(accept.transport());
        head = h;
        refuse(ctx, refusal);
        head = null;
      }
    }
  }

  private void run(ChannelHandlerContext ctx, HttpHandler handler, FullHttpRequest req) {
    try {
      handler.handle(ctx, req);
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      internalError(ctx, req, e);
    } finally {
      req.release();
    }
  }

  private void runIngest(ChannelHandlerContext ctx, IngestRoute handler, FullHttpRequest req, RequestBudget b) {
    try {
      handler.handle(ctx, req, b);
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      // a fault of ours (or input deep enough to overflow the stack): the sender gets a 500, never a
      // silently dropped connection; the service stays healthy
      LOG.log(Level.WARNING, name + ": internal error handling " + req.method() + " " + req.uri(), e);
      handler.refuse(ctx, req, b.transport(), IngestStatus.INTERNAL, "internal error: " + e, Map.of());
    } finally {
      req.release();
      b.release();
    }
  }

  private void internalError(ChannelHandlerContext ctx, FullHttpRequest req, Throwable e) {
    LOG.log(Level.WARNING, name + ": internal error handling " + req.method() + " " + req.uri(), e);
    HttpResponses.text(ctx, req, 500, "internal error: " + e + "\n");
  }

  private void refuse(ChannelHandlerContext ctx, Admission.Refusal r) {
    Map<String, String> headers = r.retryAfter().isZero() ? Map.of()
        : Map.of("Retry-After", Long.toString(Math.max(1, r.retryAfter().toSeconds())));
    IngestRoute handler = ((Route.Ingest) route).handler();
    handler.refuse(ctx, head, accept.transport(), r.status(), r.message(), headers);
    drop();
  }

  private void tooLarge(ChannelHandlerContext ctx, String message) {
    if (route instanceof Route.Ingest ingest && accept != null) {
      ingest.handler().refuse(ctx, head, accept.transport(), IngestStatus.TOO_LARGE, message, Map.of());
    } else {
      HttpResponses.text(ctx, head, 413, message.toLowerCase(Locale.ROOT).startsWith("request")
          ? message + "\n" : "request too large: " + message + "\n");
    }
    drop();
  }

  /** The rest of this request is read and dropped; what it held is given back. */
  private void drop() {
    dropping = true;
    if (body != null) {
      body.release();
      body = null;
    }
    if (budget != null) {
      budget.release();
      budget = null;
    }
  }

  private void reset() {
    drop();
    dropping = false;
    head = null;
    route = null;
    accept = null;
    declared = -1;
    received = 0;
    encoded = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reset();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    reset();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.FINE, name + ": connection error", cause);
    ctx.close();
  }
}
