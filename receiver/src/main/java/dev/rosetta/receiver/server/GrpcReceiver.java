package dev.rosetta.receiver.server;

import dev.rosetta.receiver.pipeline.IngestService;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The OTLP/gRPC listener. Handlers run directly on the transport threads (decoding and mapping are
 * CPU-only and never block), which saves a thread hop per request. Message size is limited after
 * decompression (gRPC's own check), answered RESOURCE_EXHAUSTED.
 */
public final class GrpcReceiver implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GrpcReceiver.class.getName());

  /** TLS material for the listener; {@code clientCa} present means clients must present a certificate. */
  public record Tls(File certFile, File keyFile, Optional<File> clientCa) {}

  private final InetSocketAddress address;
  private final int maxMessageBytes;
  private final Optional<Tls> tls;
  private final IngestService ingest;
  private Server server;

  public GrpcReceiver(InetSocketAddress address, int maxMessageBytes, Optional<Tls> tls, IngestService ingest) {
    this.address = address;
    this.maxMessageBytes = maxMessageBytes;
    this.tls = tls;
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
        .addService(OtlpGrpcService.definition(ingest));
    if (tls.isPresent()) {
      Tls t = tls.get();
      SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(t.certFile(), t.keyFile()));
      if (t.clientCa().isPresent()) {
        ssl.trustManager(t.clientCa().get()).clientAuth(ClientAuth.REQUIRE);
      }
      SslContext ctx = ssl.build();
      b.sslContext(ctx);
    }
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
    LOG.info("OTLP/gRPC listening on " + dev.rosetta.receiver.telemetry.Formats.address(boundAddress()));
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
