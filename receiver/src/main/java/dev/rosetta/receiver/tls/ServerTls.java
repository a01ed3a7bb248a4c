package dev.rosetta.receiver.tls;

import dev.rosetta.receiver.lifecycle.FilePoller;
import dev.rosetta.receiver.lifecycle.WatchedFiles;
import dev.rosetta.receiver.telemetry.SecurityMetrics;
import io.grpc.netty.GrpcSslContexts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * TLS for one listener ({@code otlp_grpc}, {@code otlp_http}, {@code exposition}): an {@link
 * SslContext} built once over a {@link ReloadingKeyManager} and, for mutual TLS, a {@link
 * ReloadingTrustManager}, whose files the {@link FilePoller} re-reads when they change — new
 * connections get the new certificate, established ones keep theirs. A certificate file renewed
 * without its key (or the reverse) is not taken until both match.
 *
 * <p>On the HTTP listeners {@link #addTo} also installs the {@link PlaintextGuard} (a client that
 * does not speak TLS is refused at once) and counts and logs (at debug) failed handshakes. On the
 * gRPC listener, grpc-java owns the pipeline: client certificates the CA refuses are counted by the
 * trust manager; other handshake failures are logged by grpc-java at debug.
 */
public final class ServerTls {
  private static final Logger LOG = Logger.getLogger(ServerTls.class.getName());

  /** The largest certificate, key or CA file read. */
  static final long MAX_FILE_BYTES = 1 << 20;

  private final String listener;
  private final SslContext context;
  private final SecurityMetrics metrics;

  private ServerTls(String listener, SslContext context, SecurityMetrics metrics) {
    this.listener = listener;
    this.context = context;
    this.metrics = metrics;
  }

  /**
   * Loads the files and builds the context; the files are watched by {@code poller} from then on.
   *
   * @param grpc whether the context is for grpc-java (HTTP/2 ciphers and ALPN) or for an HTTP/1.1 listener
   * @param clientCertificateOptional with a client CA: whether a connection without certificate is
   *     let through the handshake (a certificate that is presented must still be valid), for a
   *     listener that checks per path ({@link dev.rosetta.receiver.auth.HttpAuth})
   * @throws IllegalStateException naming the file and what is wrong with it
   */
  public static ServerTls create(String listener, Path certFile, Path keyFile, Optional<Path> clientCaFile,
      boolean grpc, boolean clientCertificateOptional, FilePoller poller, SecurityMetrics metrics) {
    Objects.requireNonNull(listener, "listener");
    WatchedFiles<KeyMaterial> keys = poller.watch(WatchedFiles.load("the TLS certificate and key of " + listener,
        List.of(certFile, keyFile), MAX_FILE_BYTES, contents -> {
          try {
            KeyMaterial m = KeyMaterial.parse(contents.get(0), contents.get(1));
            Instant notAfter = m.leaf().getNotAfter().toInstant();
            metrics.certificateExpiry(listener, notAfter.toEpochMilli());
            if (notAfter.isBefore(Instant.now())) {
              LOG.warning(listener + ": the certificate in " + certFile + " expired at " + notAfter);
            }
            return m;
          } catch (Pem.PemException e) {
            throw new WatchedFiles.InvalidContentException(e.getMessage());
          }
        }, (what, ok) -> metrics.reload("tls:" + listener, ok)));
    Optional<WatchedFiles<ReloadingTrustManager.Trust>> clientCas = clientCaFile.map(ca -> poller.watch(
        WatchedFiles.load("the client CA bundle of " + listener, List.of(ca), MAX_FILE_BYTES, contents -> {
          try {
            return ReloadingTrustManager.Trust.of(Pem.certificates(contents.get(0)));
          } catch (Pem.PemException e) {
            throw new WatchedFiles.InvalidContentException(e.getMessage());
          } catch (GeneralSecurityException e) {
            throw new WatchedFiles.InvalidContentException("the certificates cannot be used as trust anchors: "
                + e.getMessage());
          }
        }, (what, ok) -> metrics.reload("tls-client-ca:" + listener, ok))));
    try {
      SslContextBuilder b = SslContextBuilder.forServer(new ReloadingKeyManager(keys::current));
      if (grpc) {
        b = GrpcSslContexts.configure(b);
      }
      if (clientCas.isPresent()) {
        WatchedFiles<ReloadingTrustManager.Trust> cas = clientCas.get();
        b.trustManager(new ReloadingTrustManager(cas::current,
            () -> metrics.handshakeFailure(listener, "client_certificate")))
            .clientAuth(clientCertificateOptional ? ClientAuth.OPTIONAL : ClientAuth.REQUIRE);
      }
      return new ServerTls(listener, b.build(), metrics);
    } catch (SSLException | RuntimeException e) {
      throw new IllegalStateException(listener + ": cannot set up TLS with " + certFile + " and " + keyFile + ": "
          + e.getMessage(), e);
    }
  }

  public String listener() {
    return listener;
  }

  /** The context, for grpc-java's {@code NettyServerBuilder.sslContext}. */
  public SslContext context() {
    return context;
  }

  /** Puts the plaintext guard, the TLS handler and the handshake observer first in a new connection's pipeline. */
  public void addTo(ChannelPipeline pipeline) {
    pipeline.addLast("tls-guard", new PlaintextGuard(listener, metrics))
        .addLast("tls", context.newHandler(pipeline.channel().alloc()))
        .addLast("tls-events", new HandshakeObserver());
  }

  /** Counts and logs failed handshakes; a refused client certificate was counted by the trust manager. */
  private final class HandshakeObserver extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (!e.isSuccess()) {
          Throwable cause = e.cause();
          if (!causedBy(cause, CertificateException.class)) {
            String message = String.valueOf(cause.getMessage());
            metrics.handshakeFailure(listener,
                message.toLowerCase(java.util.Locale.ROOT).contains("certificate") ? "client_certificate" : "handshake");
          }
          LOG.fine(() -> listener + ": TLS handshake with " + ctx.channel().remoteAddress() + " failed: " + cause);
        }
        super.userEventTriggered(ctx, evt);
        ctx.pipeline().remove(this);
        return;
      }
      super.userEventTriggered(ctx, evt);
    }
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> kind) {
    List<Throwable> seen = new ArrayList<>();
    for (Throwable c = t; c != null && !seen.contains(c); c = c.getCause()) {
      if (kind.isInstance(c)) {
        return true;
      }
      seen.add(c);
    }
    return false;
  }
}
