package dev.rosetta.receiver.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for a listening socket: the server certificate chain and private key (PEM), and optionally a
 * CA bundle that client certificates must chain to (mutual TLS). YAML keys {@code cert_file},
 * {@code key_file}, {@code client_ca_file}; relative names are relative to the working directory,
 * as in the Collector.
 */
public record TlsServerConfig(Path certFile, Path keyFile, Optional<Path> clientCaFile) {
  public TlsServerConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(clientCaFile, "clientCaFile");
  }
}
