package dev.rosetta.receiver.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code bearertokenauth} extension, with the Collector's keys: {@code token} (one token) or
 * {@code tokens} (several, any of which is valid), or {@code filename} (a file holding the token,
 * one per line, re-read when it changes); {@code scheme} (default {@code Bearer}; empty: the header
 * is the token alone) and {@code header} (default {@code Authorization}). Requests must carry
 * {@code <header>: <scheme> <token>}.
 */
public record BearerTokenAuthConfig(ComponentId id, String header, String scheme, List<Secret> tokens,
    Optional<Path> filename) implements AuthenticatorConfig {
  public static final String DEFAULT_HEADER = "Authorization";
  public static final String DEFAULT_SCHEME = "Bearer";

  public BearerTokenAuthConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(scheme, "scheme");
    tokens = List.copyOf(tokens);
    Objects.requireNonNull(filename, "filename");
    if (tokens.isEmpty() == filename.isEmpty()) {
      throw new IllegalArgumentException("exactly one of tokens and filename");
    }
  }
}
