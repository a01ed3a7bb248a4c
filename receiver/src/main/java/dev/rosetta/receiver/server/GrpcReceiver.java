package dev.rosetta.receiver.server;

import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.tls.ServerTls;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The OTLP/gRPC listener. Handlers run directly on the transport threads (decoding and mapping are
 * CPU-only and never block), which saves a thread hop per request. Message size is limited after
 * decompression (gRPC's own check), answered RESOURCE_EXHAUSTED. Optional TLS ({@link ServerTls}:
 * certificates re-read when they change) and interceptors (authentication: a call is decided from
 * its metadata, before its message is read).
 */
public final class GrpcReceiver implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GrpcReceiver.class.getName());

  private final InetSocketAddress address;
  private final int maxMessageBytes;
  private final Optional<ServerTls> tls;
  private final List<ServerInterceptor> interceptors;
  private final IngestService ingest;
  private Server server;

  /** @param interceptors applied to every call, the first in the list first */
  public GrpcReceiver(InetSocketAddress address, int maxMessageBytes, Optional<ServerTls> tls,
      List<ServerInterceptor> interceptors, IngestService ingest) {
    this.address = address;
    this.maxMessageBytes = maxMessageBytes;
    this.tls = tls;
    this.interceptors = List.copyOf(interceptors);
    this.ingest = ingest;
  }

  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    NettyServerBuilder b = NettyServerBuilder.forAddress(address)
        .maxInboundMessageSize(maxMessageBytes)
        .directExecutor()
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(ServerInterceptors.interceptForward(OtlpGrpcService.definition(ingest), interceptors));
    tls.ifPresent(t -> b.sslContext(t.context()));
    Server s = b.build();
    try {
      s.start();
    } catch (IOException e) {
      s.shutdownNow();
      Throwable c = e.getCause() != null ? e.getCause() : e;
      java.net.BindException be = new java.net.BindException("cannot listen on " + address.getHostString() + ":"
          + address.getPort() + ": " + c.getMessage());
      be.initCause(e);
      throw be;
    }
    server = s;
    LOG.info("OTLP/gRPC listening on " + boundAddress());
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
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
