package dev.rosetta.receiver.scrape;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The HTTP/1.1 client of the scrape receivers, on Netty event loops of its own that do I/O only:
 * connect, TLS, write the request, collect the (gzip-decompressed) body up to a limit. The answer
 * is handed back through a future; parsing and ingestion happen elsewhere.
 *
 * <p>Each target has a {@link Session}: its connection is kept while the target keeps it alive and
 * reused by the next scrape (a stale kept connection is retried once on a fresh one). A request has
 * one deadline covering connect, TLS, headers and body; past it the connection is closed and the
 * future fails with {@link ScrapeFailure#TIMEOUT}. Redirects are followed (at most 10) when asked.
 *
 * <p>Thread-safe: {@link #fetch} may be called from any thread; a session carries one request at a
 * time (a target's scrapes never overlap).
 */
public final class ScrapeHttpClient implements AutoCloseable {
  private static final int MAX_REDIRECTS = 10;

  /** A failed fetch, with its reason. */
  public static final class FetchException extends Exception {
    private static final long serialVersionUID = 1L;
    public final ScrapeFailure reason;

    FetchException(ScrapeFailure reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /** What to send. {@code body} null means GET. */
  public record Request(
      URI uri,
      Map<String, String> headers,
      byte[] body,
      long bodyLimit,
      long deadlineNanos,
      Optional<SslContext> ssl,
      Optional<String> serverName,
      boolean verifyHostname,
      boolean followRedirects) {
    public Request {
      Objects.requireNonNull(uri, "uri");
      headers = Map.copyOf(headers);
      Objects.requireNonNull(ssl, "ssl");
      Objects.requireNonNull(serverName, "serverName");
    }
  }

  /** A complete answer with status 200. */
  public record Response(String contentType, byte[] body) {}

  /** A target's connection, reused across its scrapes. */
  public static final class Session {
    private volatile Channel channel;
    private volatile String key = "";

    /** Closes the kept connection, if any. */
    public void close() {
      Channel c = channel;
      channel = null;
      if (c != null) {
        c.close();
      }
    }
  }

  private final EventLoopGroup group;

  /** @param threads I/O threads (one or two serve thousands of targets) */
  public ScrapeHttpClient(ThreadFactory threadFactory, int threads) {
    this.group = new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
  }

  /**
   * Sends the request. The host is resolved on the calling thread (never on an event loop); the
   * rest happens on the client's event loops, and the future completes there.
   */
  public CompletableFuture<Response> fetch(Session session, Request request) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    fetch(session, request, request.uri(), 0, true, result);
    return result;
  }

  private void fetch(Session session, Request request, URI uri, int redirects, boolean mayReuse,
      CompletableFuture<Response> result) {
    String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean tls = scheme.equals("https");
    String host = uri.getHost();
    if (host == null) {
      result.completeExceptionally(new FetchException(ScrapeFailure.CONNECTION, "invalid URL " + uri));
      return;
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    String key = scheme + "://" + host + ":" + port;
    long remaining = request.deadlineNanos() - System.nanoTime();
    if (remaining <= 0) {
      result.completeExceptionally(new FetchException(ScrapeFailure.TIMEOUT, "scrape timed out"));
      return;
    }
    Channel kept = session.channel;
    if (mayReuse && kept != null && kept.isActive() && key.equals(session.key)) {
      send(session, kept, request, uri, redirects, true, result);
      return;
    }
    session.close();
    InetAddress address;
    try {
      address = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    } catch (UnknownHostException e) {
      result.completeExceptionally(new FetchException(ScrapeFailure.CONNECTION, "cannot resolve " + host));
      return;
    }
    if (tls && request.ssl().isEmpty()) {
      result.completeExceptionally(new FetchException(ScrapeFailure.CONNECTION, "https without TLS settings"));
      return;
    }
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE,
            TimeUnit.NANOSECONDS.toMillis(remaining))))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls) {
              String peer = request.serverName().orElse(host);
              SSLEngine engine = request.ssl().get().newEngine(ch.alloc(), peer, port);
              if (request.verifyHostname()) {
                SSLParameters params = engine.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(params);
              }
              ch.pipeline().addLast("tls", new SslHandler(engine));
            }
            ch.pipeline()
                .addLast("codec", new HttpClientCodec())
                .addLast("inflate", new HttpContentDecompressor(0))
                .addLast("exchange", new ExchangeHandler());
          }
        });
    ChannelFuture connect = b.connect(new InetSocketAddress(address, port));
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        Throwable c = f.cause();
        boolean timeout = c instanceof io.netty.channel.ConnectTimeoutException;
        result.completeExceptionally(new FetchException(timeout ? ScrapeFailure.TIMEOUT : ScrapeFailure.CONNECTION,
            (timeout ? "connect timed out: " : "cannot connect to " + host + ":" + port + ": ") + message(c)));
        return;
      }
      Channel ch = connect.channel();
      session.channel = ch;
      session.key = key;
      send(session, ch, request, uri, redirects, false, result);
    });
  }

  private void send(Session session, Channel ch, Request request, URI uri, int redirects, boolean reused,
      CompletableFuture<Response> result) {
    ch.eventLoop().execute(() -> {
      ExchangeHandler handler = ch.pipeline().get(ExchangeHandler.class);
      if (handler == null || !ch.isActive()) {
        if (reused) {
          fetch(session, request, uri, redirects, false, result);
        } else {
          result.completeExceptionally(new FetchException(ScrapeFailure.CONNECTION, "connection closed"));
        }
        return;
      }
      Exchange ex = new Exchange(session, request, uri, redirects, reused, result, ch);
      long remaining = request.deadlineNanos() - System.nanoTime();
      ex.timeout = ch.eventLoop().schedule(() -> ex.fail(ScrapeFailure.TIMEOUT,
          "no complete answer within the scrape timeout", true), Math.max(0, remaining), TimeUnit.NANOSECONDS);
      handler.current = ex;
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (uri.getRawQuery() != null) {
        path += "?" + uri.getRawQuery();
      }
      FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
          request.body() == null ? HttpMethod.GET : HttpMethod.POST, path,
          request.body() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(request.body()));
      req.headers().set(HttpHeaderNames.HOST, uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost());
      request.headers().forEach((k, v) -> req.headers().set(k, v));
      if (request.body() != null) {
        req.headers().set(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
      }
      ch.writeAndFlush(req).addListener(w -> {
        if (!w.isSuccess()) {
          ex.fail(ScrapeFailure.CONNECTION, "cannot send the request: " + message(w.cause()), true);
        }
      });
    });
  }

  /** One request on one connection; touched only on the connection's event loop. */
  private final class Exchange {
    final Session session;
    final Request request;
    final URI uri;
    final int redirects;
    final boolean reused;
    final CompletableFuture<Response> result;
    final Channel channel;
    ScheduledFuture<?> timeout;
    int status;
    boolean keepAlive;
    String contentType;
    String location;
    boolean started;
    byte[] body = new byte[8192];
    int size;
    boolean done;

    Exchange(Session session, Request request, URI uri, int redirects, boolean reused,
        CompletableFuture<Response> result, Channel channel) {
      this.session = session;
      this.request = request;
      this.uri = uri;
      this.redirects = redirects;
      this.reused = reused;
      this.result = result;
      this.channel = channel;
    }

    void head(HttpResponse r) {
      started = true;
      status = r.status().code();
      keepAlive = HttpUtil.isKeepAlive(r);
      contentType = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
      location = r.headers().get(HttpHeaderNames.LOCATION);
      if (status != 200 && !(isRedirect() && request.followRedirects())) {
        fail(ScrapeFailure.HTTP_STATUS, "server returned HTTP status " + r.status(), true);
      }
    }

    boolean isRedirect() {
      return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) && location != null;
    }

    void content(ByteBuf b) {
      if (done || status != 200) {
        return;
      }
      int n = b.readableBytes();
      long limit = request.bodyLimit();
      if (limit > 0 && (long) size + n >= limit) {
        fail(ScrapeFailure.BODY_SIZE_LIMIT, "body size limit exceeded (" + limit + " bytes)", true);
        return;
      }
      if (size + n > body.length) {
        long grown = Math.max((long) body.length * 2, (long) size + n);
        if (grown > Integer.MAX_VALUE - 16) {
          fail(ScrapeFailure.BODY_SIZE_LIMIT, "body larger than 2 GiB", true);
          return;
        }
        body = Arrays.copyOf(body, (int) grown);
      }
      b.readBytes(body, size, n);
      size += n;
    }

    void end() {
      if (done) {
        return;
      }
      if (isRedirect() && request.followRedirects()) {
        done = true;
        timeout.cancel(false);
        release(false);
        if (redirects >= MAX_REDIRECTS) {
          result.completeExceptionally(new FetchException(ScrapeFailure.HTTP_STATUS, "more than " + MAX_REDIRECTS
              + " redirects"));
          return;
        }
        URI next;
        try {
          next = uri.resolve(location);
        } catch (IllegalArgumentException e) {
          result.completeExceptionally(new FetchException(ScrapeFailure.HTTP_STATUS, "invalid redirect location"));
          return;
        }
        group.next().execute(() -> fetch(session, request, next, redirects + 1, true, result));
        return;
      }
      done = true;
      timeout.cancel(false);
      release(false);
      result.complete(new Response(contentType, size == body.length ? body : Arrays.copyOf(body, size)));
    }

    void fail(ScrapeFailure reason, String message, boolean close) {
      if (done) {
        return;
      }
      done = true;
      if (timeout != null) {
        timeout.cancel(false);
      }
      release(close);
      result.completeExceptionally(new FetchException(reason, message));
    }

    /** Closed before any answer on a kept connection: the server dropped it; one fresh try. */
    void closedEarly() {
      if (done) {
        return;
      }
      if (reused && !started) {
        done = true;
        timeout.cancel(false);
        release(true);
        group.next().execute(() -> fetch(session, request, uri, redirects, false, result));
        return;
      }
      fail(ScrapeFailure.CONNECTION, "connection closed before the answer was complete", true);
    }

    private void release(boolean close) {
      ExchangeHandler h = channel.pipeline().get(ExchangeHandler.class);
      if (h != null && h.current == this) {
        h.current = null;
      }
      if (close || !keepAlive) {
        if (session.channel == channel) {
          session.channel = null;
        }
        channel.close();
      }
    }
  }

  /** Routes a connection's events to its current exchange. */
  private static final class ExchangeHandler extends SimpleChannelInboundHandler<HttpObject> {
    Exchange current;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      Exchange ex = current;
      if (ex == null) {
        ctx.close(); // an answer nobody asked for
        return;
      }
      if (msg instanceof HttpResponse r) {
        ex.head(r);
      }
      if (msg instanceof HttpContent c) {
        ex.content(c.content());
        if (msg instanceof LastHttpContent && current == ex) {
          ex.end();
        }
      }
      if (msg.decoderResult().isFailure() && current == ex) {
        ex.fail(ScrapeFailure.CONNECTION, "invalid HTTP answer: " + message(msg.decoderResult().cause()), true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      Exchange ex = current;
      if (ex != null) {
        ex.closedEarly();
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange ex = current;
      if (ex != null) {
        ex.fail(ScrapeFailure.CONNECTION, message(cause), true);
      } else {
        ctx.close();
      }
    }
  }

  private static String message(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getMessage() == null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  /** The Accept-Encoding header: gzip when compression is enabled, identity otherwise. */
  static String acceptEncoding(boolean compression) {
    return compression ? HttpHeaderValues.GZIP.toString() : HttpHeaderValues.IDENTITY.toString();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
