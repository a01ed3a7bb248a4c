package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.TlsClientConfig;
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
 * Builds the Netty channel an exporter's settings describe. The channel connects lazily, on the
 * first export.
 */
final class ForwarderChannels {
  private ForwarderChannels() {}

  /**
   * @throws UncheckedIOException when a TLS file cannot be read or parsed; the message names it
   */
  static ManagedChannel create(OtlpExporterConfig config) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(config.endpoint().toString()).userAgent("rosetta");
    TlsClientConfig tls = config.tls();
    if (tls.insecure()) {
      builder.usePlaintext();
    } else {
      try {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (tls.insecureSkipVerify()) {
          ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.caFile().isPresent()) {
          ssl.trustManager(readable("tls.ca_file", tls.caFile().get()).toFile());
        }
        if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
          ssl.keyManager(
              readable("tls.cert_file", tls.certFile().get()).toFile(),
              readable("tls.key_file", tls.keyFile().get()).toFile());
        }
        builder.sslContext(ssl.build());
      } catch (IOException | IllegalArgumentException e) {
        throw new UncheckedIOException(new IOException("exporter " + config.id()
            + ": cannot build the TLS context: " + e.getMessage(), e));
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
