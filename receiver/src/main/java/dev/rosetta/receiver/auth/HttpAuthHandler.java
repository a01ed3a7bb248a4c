package dev.rosetta.receiver.auth;

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
 * Authenticates each HTTP request at its head, before its body is read. Sits right after the HTTP
 * codec, one instance per connection; runs on the connection's event loop.
 *
 * <p>An accepted request passes on unchanged. A refused one is replaced by a body-less {@link
 * RefusedRequest}, which the router answers (401 with {@code WWW-Authenticate}, or 503 when the
 * password checks are saturated) in its turn among pipelined requests; the refused request's body
 * is dropped chunk by chunk as it arrives, never buffered or decoded. A sender that announced a body
 * larger than {@link #DISCARD_LIMIT} or {@code Expect: 100-continue} (it waits for a 100 that never
 * comes) is answered with {@code Connection: close}; one that streams more than the limit is
 * disconnected.
 *
 * <p>While a password is checked off the event loop, the connection stops reading and the messages
 * already decoded wait here, in order; reading resumes with the verdict.
 */
final class HttpAuthHandler extends ChannelInboundHandlerAdapter {
  /** Bytes of a refused body dropped before the connection is closed. */
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
  private long discarded;

  HttpAuthHandler(HttpAuth auth) {
    this.auth = auth;
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
        discarded += content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        content.release();
        if (last) {
          state = State.PASS;
        } else if (discarded > DISCARD_LIMIT) {
          ctx.close();
        }
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
    ctx.channel().config().setAutoRead(false);
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
    discarded = 0;
    state = complete ? State.PASS : State.DISCARD;
    ctx.fireChannelRead(refused);
  }

  private void resume(ChannelHandlerContext ctx, Verdict verdict) {
    if (state != State.PENDING) {
      return; // the connection closed meanwhile; what was held is released
    }
    HttpRequest req = (HttpRequest) held.poll();
    state = State.PASS;
    decide(ctx, req, verdict);
    while (!held.isEmpty() && state != State.PENDING) {
      process(ctx, held.poll());
    }
    if (state != State.PENDING && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
      ctx.read();
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
