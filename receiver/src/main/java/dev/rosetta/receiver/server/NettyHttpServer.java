package dev.rosetta.receiver.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A small Netty HTTP/1.1 server: exact-path routes to {@link HttpHandler}s, a body limit on the
 * wire bytes (a larger body gets the {@code oversized} handler's answer and the connection closes),
 * idle connections closed after two minutes, optional TLS. Start and stop are idempotent; a failed
 * bind releases everything it took.
 */
public final class NettyHttpServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NettyHttpServer.class.getName());

  private final String name;
  private final InetSocketAddress address;
  private final Map<String, HttpHandler> routes;
  private final HttpHandler notFound;
  private final HttpHandler oversized;
  private final int maxContentLength;
  private final int workerThreads;
  private final Optional<SslContext> ssl;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel channel;

  public NettyHttpServer(String name, InetSocketAddress address, Map<String, HttpHandler> routes,
      HttpHandler notFound, HttpHandler oversized, int maxContentLength, int workerThreads,
      Optional<SslContext> ssl) {
    this.name = Objects.requireNonNull(name, "name");
    this.address = Objects.requireNonNull(address, "address");
    this.routes = Map.copyOf(routes);
    this.notFound = Objects.requireNonNull(notFound, "notFound");
    this.oversized = Objects.requireNonNull(oversized, "oversized");
    this.maxContentLength = maxContentLength;
    this.workerThreads = workerThreads;
    this.ssl = Objects.requireNonNull(ssl, "ssl");
  }

  /**
   * Binds and starts serving.
   *
   * @throws java.net.BindException (or another IOException) naming the address when it cannot bind
   */
  public synchronized void start() throws java.io.IOException {
    if (channel != null) {
      return;
    }
    boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true),
        NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory(name, true),
        NioIoHandler.newFactory());
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ssl.ifPresent(s -> ch.pipeline().addLast("tls", s.newHandler(ch.alloc())));
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, 120, TimeUnit.SECONDS))
                .addLast("codec", new HttpServerCodec())
                .addLast("keepalive", new HttpServerKeepAliveHandler())
                .addLast("aggregate", new LimitedAggregator(maxContentLength))
                .addLast("route", new Router());
          }
        });
    io.netty.channel.ChannelFuture bound = b.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutdownGroups();
      Throwable cause = bound.cause();
      if (cause instanceof java.net.BindException be) {
        throw bindError(be);
      }
      throw new java.io.IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
          + cause.getMessage(), cause);
    }
    channel = bound.channel();
    LOG.info(name + " listening on " + dev.rosetta.receiver.telemetry.Formats.address(boundAddress()));
  }

  private java.net.BindException bindError(java.net.BindException e) {
    java.net.BindException be = new java.net.BindException(
        "cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage());
    be.initCause(e);
    return be;
  }

  /** The bound address (the real port when configured with port 0). */
  public synchronized InetSocketAddress boundAddress() {
    return channel == null ? address : (InetSocketAddress) channel.localAddress();
  }

  public synchronized boolean isRunning() {
    return channel != null && channel.isActive();
  }

  /** Closes the listener and the connections; idempotent, safe before start. */
  public synchronized void stop() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
      channel = null;
    }
    shutdownGroups();
  }

  private void shutdownGroups() {
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      boss = null;
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      workers = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private final class LimitedAggregator extends HttpObjectAggregator {
    LimitedAggregator(int max) {
      super(max);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      if (oversized instanceof HttpRequest req) {
        // Answer in the route's format; the unread rest of the body makes the connection unusable.
        io.netty.handler.codec.http.DefaultFullHttpRequest head = new io.netty.handler.codec.http.DefaultFullHttpRequest(
            req.protocolVersion(), req.method(), req.uri());
        head.headers().set(req.headers());
        head.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
        try {
          NettyHttpServer.this.oversized.handle(ctx, head);
        } finally {
          head.release();
        }
      } else {
        ctx.close();
      }
    }
  }

  private final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!req.decoderResult().isSuccess()) {
        HttpResponses.send(ctx, req, 400, "text/plain; charset=utf-8",
            io.netty.buffer.Unpooled.copiedBuffer("malformed HTTP request\n", java.nio.charset.StandardCharsets.UTF_8),
            Map.of(), true);
        return;
      }
      String path = new QueryStringDecoder(req.uri()).path();
      HttpHandler h = routes.getOrDefault(path, notFound);
      try {
        h.handle(ctx, req);
      } catch (RuntimeException | LinkageError e) {
        // a fault of ours: the sender gets a 500, never a silently dropped connection
        LOG.log(Level.WARNING, name + ": internal error handling " + req.method() + " " + path, e);
        HttpResponses.text(ctx, req, 500, "internal error: " + e + "\n");
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.log(Level.FINE, name + ": connection error", cause);
      ctx.close();
    }
  }
}
