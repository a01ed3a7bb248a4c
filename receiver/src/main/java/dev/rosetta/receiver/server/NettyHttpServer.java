package dev.rosetta.receiver.server;

import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.config.HttpServerSettings;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.PreferHeapByteBufAllocator;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A Netty HTTP/1.1 server: exact-path {@link Route}s, optional TLS ({@link ServerTls}: certificates
 * re-read when they change, plaintext clients refused), and the connection rules of
 * {@link HttpServerSettings} (a cap on connections, header and body read deadlines, idle timeout
 * between exchanges only, write timeout, pipelined requests answered in order one at a time).
 *
 * <p>Threads: one accept thread ({@code <name>-accept-1}) and {@code workers} event loops ({@code
 * <name>-N}) doing I/O only: reading, writing, TLS, request heads, admission. Handlers run where
 * their route says ({@link Route}). Buffers are not pooled: their memory goes back when they are
 * released. The native transport reads into and writes from direct memory; a request's body is
 * copied to the heap as it is read (see {@code RouterHandler}), where the memory limiter counts it.
 *
 * <p>Per connection the pipeline is: {@code tls-guard}, {@code tls}, {@code tls-events} (when
 * TLS), {@code write-timeout}, {@code request-start}, {@code http}, {@code flow-control}, {@code
 * exchange}, then the handlers given to {@link Builder#beforeAdmission} (authentication: they see
 * each request head and body chunk before admission and may answer a request themselves, which
 * drops the rest of it; one that needs time for a request pauses the connection's {@link ReadGate}),
 * then {@code router} (admission, routing, dispatch). Start and stop are idempotent; a failed bind
 * releases everything it took.
 */
public final class NettyHttpServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NettyHttpServer.class.getName());
  /** Unpooled, heap buffers unless direct ones are asked for: memory held by a connection goes back once released. */
  static final ByteBufAllocator ALLOCATOR = new PreferHeapByteBufAllocator(new UnpooledByteBufAllocator(false));
  static final int MAX_INITIAL_LINE = 8192;
  static final int MAX_HEADER_SIZE = 16384;
  static final int MAX_CHUNK_SIZE = 65536;

  private final String name;
  private final InetSocketAddress address;
  private final Map<String, Route> routes;
  private final Route notFound;
  private final long maxBodyBytes;
  private final int workerThreads;
  private final Optional<ServerTls> tls;
  private final HttpServerSettings settings;
  private final ServiceHealth health;
  private final ServerMetrics metrics;
  private final Optional<Admission> admission;
  private final List<Map.Entry<String, Supplier<ChannelHandler>>> beforeAdmission;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel channel;

  private NettyHttpServer(Builder b) {
    this.name = b.name;
    this.address = b.address;
    this.routes = Map.copyOf(b.routes);
    this.notFound = b.notFound;
    this.maxBodyBytes = b.maxBodyBytes;
    this.workerThreads = b.workerThreads;
    this.tls = b.tls;
    this.settings = b.settings;
    this.health = b.health;
    this.metrics = b.metrics;
    this.admission = b.admission;
    this.beforeAdmission = List.copyOf(b.beforeAdmission);
    if (admission.isEmpty() && routes.values().stream().anyMatch(r -> r instanceof Route.Ingest)) {
      throw new IllegalArgumentException(name + ": ingest routes need admission");
    }
  }

  public static Builder builder(String name, InetSocketAddress address) {
    return new Builder(name, address);
  }

  /** Settings of a {@link NettyHttpServer}. */
  public static final class Builder {
    private final String name;
    private final InetSocketAddress address;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private Route notFound = Route.inline((ctx, req) -> HttpResponses.text(ctx, req, 404, "not found\n"));
    private long maxBodyBytes = 64 * 1024;
    private int workerThreads = 1;
    private Optional<ServerTls> tls = Optional.empty();
    private HttpServerSettings settings = HttpServerSettings.defaults();
    private ServiceHealth health = new ServiceHealth();
    private ServerMetrics metrics;
    private Optional<Admission> admission = Optional.empty();
    private final List<Map.Entry<String, Supplier<ChannelHandler>>> beforeAdmission = new ArrayList<>();

    private Builder(String name, InetSocketAddress address) {
      this.name = Objects.requireNonNull(name, "name");
      this.address = Objects.requireNonNull(address, "address");
    }

    public Builder route(String path, Route route) {
      routes.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(route, "route"));
      return this;
    }

    public Builder routes(Map<String, Route> all) {
      all.forEach(this::route);
      return this;
    }

    public Builder notFound(Route route) {
      this.notFound = Objects.requireNonNull(route, "route");
      return this;
    }

    /** The largest body read, in bytes as received (default 64 KiB). */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    public Builder workerThreads(int n) {
      this.workerThreads = Math.max(1, n);
      return this;
    }

    public Builder tls(Optional<ServerTls> tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    public Builder settings(HttpServerSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public Builder health(ServiceHealth health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    public Builder metrics(ServerMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public Builder admission(Admission admission) {
      this.admission = Optional.of(admission);
      return this;
    }

    /**
     * A handler placed after the connection handling and before admission, one new instance per
     * connection (authentication goes here). It sees each request head and body chunk first; to
     * refuse a request it writes a complete response and drops the request's messages (the
     * connection handling drops the rest of the body). A handler that decides off the event loop
     * pauses the connection's {@link ReadGate} meanwhile, so that nothing more is read, and holds
     * what it was handed until it resumes the gate.
     */
    public Builder beforeAdmission(String handlerName, Supplier<ChannelHandler> handler) {
      beforeAdmission.add(Map.entry(Objects.requireNonNull(handlerName, "handlerName"),
          Objects.requireNonNull(handler, "handler")));
      return this;
    }

    public NettyHttpServer build() {
      if (metrics == null) {
        metrics = ServerMetrics.unregistered();
      }
      return new NettyHttpServer(this);
    }
  }

  /**
   * Binds and starts serving.
   *
   * @throws BindException (or another IOException) naming the address when it cannot bind
   */
  public synchronized void start() throws IOException {
    if (channel != null) {
      return;
    }
    boss = EventLoops.group(name + "-accept", 1, health);
    workers = EventLoops.group(name, workerThreads, health);
    ConnectionLimiter limiter = new ConnectionLimiter(name, settings.maxConnections(), metrics);
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channelFactory(EventLoops::newServerChannel)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.ALLOCATOR, ALLOCATOR)
        .handler(limiter)
        .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            configure(ch.pipeline(), ch);
          }
        });
    ChannelFuture bound = b.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutdownGroups();
      Throwable cause = bound.cause();
      if (EventLoops.addressUnavailable(cause)) {
        throw bindError(cause);
      }
      throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
          + EventLoops.bindReason(cause), cause);
    }
    channel = bound.channel();
    LOG.info(name + " listening on " + dev.rosetta.receiver.telemetry.Formats.address(boundAddress()));
  }

  private void configure(ChannelPipeline p, SocketChannel ch) {
    tls.ifPresent(t -> t.addTo(p));
    p.addLast("write-timeout", new WriteTimeoutHandler(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS));
    HttpExchangeHandler exchange = new HttpExchangeHandler(name, settings, metrics, Math.max(maxBodyBytes, 1 << 20));
    p.addLast("request-start", new HttpExchangeHandler.RequestStart(exchange));
    p.addLast("http", new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE)
        .setMaxHeaderSize(MAX_HEADER_SIZE).setMaxChunkSize(MAX_CHUNK_SIZE)));
    p.addLast("flow-control", new FlowControlHandler());
    p.addLast("exchange", exchange);
    for (Map.Entry<String, Supplier<ChannelHandler>> e : beforeAdmission) {
      p.addLast(e.getKey(), e.getValue().get());
    }
    p.addLast("router", new RouterHandler(name, routes, notFound, maxBodyBytes, admission));
  }

  private BindException bindError(Throwable e) {
    BindException be = new BindException(
        "cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + EventLoops.bindReason(e));
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

  public String name() {
    return name;
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
}
