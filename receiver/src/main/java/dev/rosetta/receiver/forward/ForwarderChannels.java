package dev.rosetta.receiver.forward;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the Netty channel described by {@link ForwarderSettings}. The channel connects lazily, on
 * the first export.
 */
final class ForwarderChannels {
  private ForwarderChannels() {}

  /**
   * @throws UncheckedIOException when a TLS file cannot be read or parsed; the message names it
   */
  static ManagedChannel create(ForwarderSettings settings) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(settings.target()).userAgent("rosetta");
    if (settings.plaintext()) {
      builder.usePlaintext();
    } else {
      ForwarderSettings.Tls tls = settings.tls();
      try {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (tls.insecureSkipVerify()) {
          ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.caFile().isPresent()) {
          ssl.trustManager(readable("tls.caFile", tls.caFile().get()).toFile());
        }
        if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
          ssl.keyManager(
              readable("tls.certFile", tls.certFile().get()).toFile(),
              readable("tls.keyFile", tls.keyFile().get()).toFile());
        }
        builder.sslContext(ssl.build());
      } catch (IOException | IllegalArgumentException e) {
        throw new UncheckedIOException(
            new IOException("cannot build the TLS context from " + tls + ": " + e.getMessage(), e));
      }
      tls.serverNameOverride().ifPresent(builder::overrideAuthority);
    }
    return builder.build();
  }

  private static Path readable(String key, Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException(key + ": file " + file + " does not exist or is not readable");
    }
    return file;
  }
}
