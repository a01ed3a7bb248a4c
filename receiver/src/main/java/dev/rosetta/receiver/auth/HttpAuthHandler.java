package dev.rosetta.receiver.auth;

import dev.rosetta.receiver.server.ReadGate;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Authenticates each HTTP request at its head, before its body is read. Sits after the connection
 * handling of {@link dev.rosetta.receiver.server.NettyHttpServer} (which hands on one request at a
 * time, in order) and before admission, one instance per connection; runs on the connection's event
 * loop. A refused request therefore never reserves memory and never reaches a lane.
 *
 * <p>An accepted request passes on unchanged. A refused one is answered here at once (401 with
 * {@code WWW-Authenticate}, 403 without a required client certificate, 503 when the password checks
 * are saturated) and nothing of it is handed on; the connection handling reads the rest of its body
 * and drops it, chunk by chunk, never buffered or decoded. Since the connection has one request in
 * hand at a time, answers to pipelined requests keep their order. A sender that announced a body
 * larger than {@link #DISCARD_LIMIT} or {@code Expect: 100-continue} (it waits for a 100 that never
 * comes) is answered with {@code Connection: close}, and the connection closes after the answer.
 *
 * <p>While a password is checked off the event loop, the connection's {@link ReadGate} is paused:
 * nothing more is read, the request's head waits here, and reading resumes with the verdict.
 */
final class HttpAuthHandler extends ChannelInboundHandlerAdapter {
  /** A refused request announcing a larger body is answered with {@code Connection: close}. */
  static final long DISCARD_LIMIT = 1 << 20;

  private enum State {
    /** Between requests, or in the body of an accepted one. */
    PASS,
    /** In the body of a refused request: dropped. */
    DISCARD,
    /** A password check is running; messages wait in {@link #held}. */
    PENDING
  }

  private final HttpAuth auth;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private State state = State.PASS;
  private ReadGate gate;
  /** Whether this handler holds a pause of the gate. */
  private boolean paused;

  HttpAuthHandler(HttpAuth auth) {
    this.auth = auth;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    gate = ReadGate.of(ctx.channel());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.PENDING) {
      held.add(msg);
      return;
    }
    process(ctx, msg);
  }

  private void process(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      head(ctx, req);
    } else if (msg instanceof HttpContent content) {
      if (state == State.DISCARD) {
        if (content instanceof LastHttpContent) {
          state = State.PASS;
        }
        content.release();
      } else {
        ctx.fireChannelRead(msg);
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void head(ChannelHandlerContext ctx, HttpRequest req) {
    if (!req.decoderResult().isSuccess() || auth.isOpen(new QueryStringDecoder(req.uri()).path())) {
      state = State.PASS;
      ctx.fireChannelRead(req);
      return;
    }
    if (auth.clientCertificate() && !hasClientCertificate(ctx)) {
      decide(ctx, req, Verdict.NO_CLIENT_CERTIFICATE);
      return;
    }
    if (auth.authenticator().isEmpty()) {
      decide(ctx, req, Verdict.ACCEPTED);
      return;
    }
    Authenticator a = auth.authenticator().get();
    CompletableFuture<Verdict> verdict = a.authenticate(req.headers().get(a.header()));
    if (verdict.isDone()) {
      decide(ctx, req, verdict.getNow(Verdict.BUSY));
      return;
    }
    state = State.PENDING;
    held.add(req);
    if (!paused) {
      paused = true;
      gate.pause();
    }
    verdict.whenComplete((v, e) -> ctx.executor().execute(() -> resume(ctx, v == null ? Verdict.BUSY : v)));
  }

  /** Whether the TLS handshake of this connection verified a client certificate. */
  private static boolean hasClientCertificate(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return false;
    }
    try {
      return ssl.engine().getSession().getPeerCertificates().length > 0;
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }

  private void decide(ChannelHandlerContext ctx, HttpRequest req, Verdict verdict) {
    if (verdict.accepted()) {
      state = State.PASS;
      ctx.fireChannelRead(req);
      return;
    }
    auth.counter().refused(req, verdict);
    boolean close = HttpUtil.is100ContinueExpected(req) || HttpUtil.getContentLength(req, 0L) > DISCARD_LIMIT;
    RefusedRequest refused = new RefusedRequest(req, auth, verdict, close);
    boolean complete = req instanceof LastHttpContent;
    ReferenceCountUtil.release(req);
    state = complete ? State.PASS : State.DISCARD;
    refused.answer(ctx);
  }

  private void resume(ChannelHandlerContext ctx, Verdict verdict) {
    if (state != State.PENDING) {
      return; // the connection closed meanwhile; what was held is released
    }
    if (!ctx.channel().isActive()) {
      releaseHeld();
      return;
    }
    HttpRequest req = (HttpRequest) held.poll();
    state = State.PASS;
    decide(ctx, req, verdict);
    while (!held.isEmpty() && state != State.PENDING) {
      process(ctx, held.poll());
    }
    if (state != State.PENDING && paused) {
      paused = false;
      gate.resume();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseHeld();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  private void releaseHeld() {
    state = State.PASS;
    Object o;
    while ((o = held.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }
}
