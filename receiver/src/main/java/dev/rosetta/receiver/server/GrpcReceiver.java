package dev.rosetta.receiver.server;

import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.config.GrpcKeepaliveConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.tls.ServerTls;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The OTLP/gRPC listener.
 *
 * <p>Threads: one accept thread ({@code otlp-grpc-accept-1}) and {@code workers} event loops ({@code
 * otlp-grpc-N}) doing the transport's I/O only (HTTP/2 framing, TLS, flow control, keepalive).
 * Every call runs on the ingest executor's small lane, which is gRPC's executor (never the event
 * loops): admission at the call's start, decoding and ingest (on the large lane for large
 * messages), see {@link OtlpGrpcService}.
 *
 * <p>Limits: {@code max_recv_msg_size_mib} after decompression (RESOURCE_EXHAUSTED beyond it),
 * {@code max_concurrent_streams} calls per connection, a flow-control window of {@value
 * #FLOW_CONTROL_WINDOW} bytes (what a connection may send before its calls are admitted and read),
 * {@code max_connections} (beyond it new connections wait in the listen backlog), keepalive
 * enforcement and connection age from {@link GrpcKeepaliveConfig}, and at most {@value
 * #MAX_RST_FRAMES} stream resets per {@value #RST_WINDOW_SECONDS} s per connection (HTTP/2 rapid
 * reset). Buffers come from the heap.
 *
 * <p>Optional TLS ({@link ServerTls}: certificates re-read when they change). Interceptors given to
 * the constructor (authentication: a call is decided from its metadata, before its message is read)
 * run before admission, the first in the list first: a call they refuse reserves no memory and is
 * not counted in a lane.
 */
public final class GrpcReceiver implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GrpcReceiver.class.getName());
  static final String LISTENER = "otlp-grpc";
  static final int FLOW_CONTROL_WINDOW = 1024 * 1024;
  static final int MAX_RST_FRAMES = 200;
  static final int RST_WINDOW_SECONDS = 30;

  /** Connection and stream limits. */
  public record Limits(int maxMessageBytes, int maxConcurrentStreams, int maxConnections,
      GrpcKeepaliveConfig keepalive) {
    public Limits {
      Objects.requireNonNull(keepalive, "keepalive");
    }
  }

  private final InetSocketAddress address;
  private final Limits limits;
  private final Optional<ServerTls> tls;
  private final IngestService ingest;
  private final Admission admission;
  private final int workerThreads;
  private final ServiceHealth health;
  private final ServerMetrics metrics;
  private final List<ServerInterceptor> interceptors;
  private Server server;
  private EventLoopGroup boss;
  private EventLoopGroup workers;

  /** @param interceptors applied to every call before admission, the first in the list first */
  public GrpcReceiver(InetSocketAddress address, Limits limits, Optional<ServerTls> tls, IngestService ingest,
      Admission admission, int workerThreads, ServiceHealth health, ServerMetrics metrics,
      List<ServerInterceptor> interceptors) {
    this.address = Objects.requireNonNull(address, "address");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.tls = Objects.requireNonNull(tls, "tls");
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.admission = Objects.requireNonNull(admission, "admission");
    this.workerThreads = Math.max(1, workerThreads);
    this.health = Objects.requireNonNull(health, "health");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.interceptors = List.copyOf(interceptors);
  }

  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    boss = EventLoops.group(LISTENER + "-accept", 1, health);
    workers = EventLoops.group(LISTENER, workerThreads, health);
    ConnectionLimiter limiter = new ConnectionLimiter(LISTENER, limits.maxConnections(), metrics);
    io.netty.channel.ChannelFactory<ServerChannel> channels = () -> {
      ServerChannel ch = EventLoops.newServerChannel();
      ch.pipeline().addLast("connection-limit", limiter);
      return ch;
    };
    GrpcKeepaliveConfig k = limits.keepalive();
    NettyServerBuilder b = NettyServerBuilder.forAddress(address)
        .channelFactory(channels)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .executor(admission.executor().small())
        .withChildOption(ChannelOption.ALLOCATOR, NettyHttpServer.ALLOCATOR)
        .maxInboundMessageSize(limits.maxMessageBytes())
        .maxConcurrentCallsPerConnection(limits.maxConcurrentStreams())
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .keepAliveTime(k.time().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(k.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .permitKeepAliveTime(k.minTime().toNanos(), TimeUnit.NANOSECONDS)
        .permitKeepAliveWithoutCalls(k.permitWithoutStream())
        .maxRstFramesPerWindow(MAX_RST_FRAMES, RST_WINDOW_SECONDS)
        .addService(ServerInterceptors.interceptForward(
            OtlpGrpcService.definition(ingest, admission, limits.maxMessageBytes()), interceptors));
    if (!k.maxConnectionIdle().isZero()) {
      b.maxConnectionIdle(k.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS);
    }
    if (!k.maxConnectionAge().isZero()) {
      b.maxConnectionAge(k.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS);
    }
    if (!k.maxConnectionAgeGrace().isZero()) {
      b.maxConnectionAgeGrace(k.maxConnectionAgeGrace().toNanos(), TimeUnit.NANOSECONDS);
    }
    tls.ifPresent(t -> b.sslContext(t.context()));
    Server s = b.build();
    try {
      s.start();
    } catch (IOException e) {
      s.shutdownNow();
      shutdownGroups();
      Throwable c = e.getCause() != null ? e.getCause() : e;
      BindException be = new BindException("cannot listen on " + address.getHostString() + ":"
          + address.getPort() + ": " + EventLoops.bindReason(c));
      be.initCause(e);
      throw be;
    }
    server = s;
    LOG.info("OTLP/gRPC listening on " + dev.rosetta.receiver.telemetry.Formats.address(boundAddress()));
    long budget = admission.limiter().budget();
    if (limits.maxMessageBytes() > budget) {
      LOG.warning("OTLP/gRPC: messages of up to " + (limits.maxMessageBytes() >> 20) + " MiB are accepted"
          + " (max_recv_msg_size_mib), more than the memory limiter's in-flight budget of " + (budget >> 20)
          + " MiB: calls are taken one at a time, and a message larger than the budget is refused after it"
          + " arrived; lower max_recv_msg_size_mib or give the service more heap");
    }
  }

  public synchronized InetSocketAddress boundAddress() {
    if (server == null) {
      return address;
    }
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  public synchronized boolean isRunning() {
    return server != null && !server.isShutdown();
  }

  /** Stops accepting calls and waits up to {@code grace} for calls in flight. Idempotent. */
  public synchronized void stop(Duration grace) {
    if (server == null) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
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
    stop(Duration.ofSeconds(5));
  }
}
