package dev.rosetta.receiver.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for an outgoing connection ({@code exporters.otlp.tls}), as in the Collector: {@code
 * insecure} turns TLS off (plaintext); otherwise the server is verified against {@code ca_file} (or
 * the system trust store) unless {@code insecure_skip_verify}; {@code cert_file} and {@code
 * key_file} give a client certificate (both or neither); {@code server_name_override} replaces the
 * name checked against the certificate and sent as SNI.
 */
public record TlsClientConfig(
    boolean insecure,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    boolean insecureSkipVerify,
    Optional<String> serverNameOverride) {
  public TlsClientConfig {
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(serverNameOverride, "serverNameOverride");
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("certFile and keyFile must be given together");
    }
  }

  /** TLS on, verified against the system trust store, no client certificate: the default. */
  public static TlsClientConfig secure() {
    return new TlsClientConfig(
        false, Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty());
  }

  /** Plaintext, no TLS ({@code insecure: true}, or an {@code http://} endpoint). */
  public static TlsClientConfig plaintext() {
    return new TlsClientConfig(
        true, Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty());
  }
}
