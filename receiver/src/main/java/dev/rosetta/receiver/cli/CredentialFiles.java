package dev.rosetta.receiver.cli;

import dev.rosetta.receiver.auth.BearerTokenAuthenticator;
import dev.rosetta.receiver.auth.Htpasswd;
import dev.rosetta.receiver.config.AuthenticatorConfig;
import dev.rosetta.receiver.config.BasicAuthConfig;
import dev.rosetta.receiver.config.BearerTokenAuthConfig;
import dev.rosetta.receiver.config.ConfigError;
import dev.rosetta.receiver.config.GrpcReceiverConfig;
import dev.rosetta.receiver.config.HttpReceiverConfig;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.TlsServerConfig;
import dev.rosetta.receiver.tls.KeyMaterial;
import dev.rosetta.receiver.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the credential files a configuration names — token files, htpasswd files, TLS certificates,
 * keys and client CA bundles — as the service will at start, for {@code rosetta validate}: a bad
 * htpasswd line or a key that is not its certificate's is found before a deployment. Problems name
 * the file and what is wrong, never the content.
 */
final class CredentialFiles {
  private static final long MAX_BYTES = 16L << 20;

  private CredentialFiles() {}

  /** Every problem, as {@link ConfigError}s at the key naming the file. */
  static List<ConfigError> problems(RosettaConfig config) {
    List<ConfigError> out = new ArrayList<>();
    String source = config.source();
    for (AuthenticatorConfig a : config.extensions().enabled(AuthenticatorConfig.class)) {
      String at = "extensions." + a.id();
      if (a instanceof BearerTokenAuthConfig b && b.filename().isPresent()) {
        Path f = b.filename().get();
        read(f).ifPresentOrElse(bytes -> {
          try {
            BearerTokenAuthenticator.Tokens.parseFile(bytes);
          } catch (IllegalArgumentException e) {
            out.add(new ConfigError(source, at + ".filename", f.toString(), f + ": " + e.getMessage()));
          }
        }, () -> out.add(unreadable(source, at + ".filename", f)));
      } else if (a instanceof BasicAuthConfig b && b.htpasswdFile().isPresent()) {
        Path f = b.htpasswdFile().get();
        read(f).ifPresentOrElse(bytes -> {
          try {
            Htpasswd.parse(new String(bytes, StandardCharsets.UTF_8), b.htpasswdInline().isPresent());
          } catch (Htpasswd.InvalidException e) {
            e.problems().forEach(p -> out.add(new ConfigError(source, at + ".htpasswd.file", f.toString(), f + ": " + p)));
          }
        }, () -> out.add(unreadable(source, at + ".htpasswd.file", f)));
      }
    }
    config.receivers().otlp().grpc().flatMap(GrpcReceiverConfig::tls)
        .ifPresent(t -> tls(source, "receivers.otlp.protocols.grpc.tls", t, out));
    config.receivers().otlp().http().flatMap(HttpReceiverConfig::tls)
        .ifPresent(t -> tls(source, "receivers.otlp.protocols.http.tls", t, out));
    config.exporters().prometheus().tls().ifPresent(t -> tls(source, "exporters.prometheus.tls", t, out));
    return out;
  }

  private static void tls(String source, String at, TlsServerConfig t, List<ConfigError> out) {
    Optional<byte[]> cert = read(t.certFile());
    Optional<byte[]> key = read(t.keyFile());
    if (cert.isEmpty()) {
      out.add(unreadable(source, at + ".cert_file", t.certFile()));
    }
    if (key.isEmpty()) {
      out.add(unreadable(source, at + ".key_file", t.keyFile()));
    }
    if (cert.isPresent() && key.isPresent()) {
      try {
        KeyMaterial.parse(cert.get(), key.get());
      } catch (Pem.PemException e) {
        out.add(new ConfigError(source, at, "", t.certFile() + ", " + t.keyFile() + ": " + e.getMessage()));
      }
    }
    t.clientCaFile().ifPresent(ca -> read(ca).ifPresentOrElse(bytes -> {
      try {
        Pem.certificates(bytes);
      } catch (Pem.PemException e) {
        out.add(new ConfigError(source, at + ".client_ca_file", ca.toString(), ca + ": " + e.getMessage()));
      }
    }, () -> out.add(unreadable(source, at + ".client_ca_file", ca))));
  }

  private static Optional<byte[]> read(Path f) {
    try {
      if (Files.size(f) > MAX_BYTES) {
        return Optional.empty();
      }
      return Optional.of(Files.readAllBytes(f));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static ConfigError unreadable(String source, String at, Path f) {
    String why;
    try {
      long size = Files.size(f);
      why = size > MAX_BYTES ? "larger than " + MAX_BYTES + " bytes" : "cannot be read";
    } catch (NoSuchFileException e) {
      why = "does not exist";
    } catch (IOException e) {
      why = "cannot be read (" + e.getClass().getSimpleName() + ")";
    }
    return new ConfigError(source, at, f.toString(), f + ": " + why);
  }
}
