package dev.rosetta.receiver.auth;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A server authenticator, built from a {@code bearertokenauth} or {@code basicauth} extension:
 * decides on the credential a request carries in one header, before its body is read. Shared by
 * every listener that names the extension; thread-safe.
 *
 * <p>{@link #authenticate} is called on the HTTP listeners' event loops and on gRPC's call executor
 * (the small ingest lane), before admission, and never blocks: it returns a completed future unless
 * a password must be checked with a key-stretching hash (bcrypt), which runs on the verifier threads
 * ({@code rosetta-auth-verify-N}); the future then completes there.
 */
public interface Authenticator {
  /** The extension id, {@code bearertokenauth/clients}. */
  String id();

  /** The header that carries the credential, lower case ({@code authorization}). */
  String header();

  /**
   * Decides on {@code value}, the header's value, or null when the request has none. The future
   * never completes exceptionally.
   */
  CompletableFuture<Verdict> authenticate(String value);

  /** The {@code WWW-Authenticate} value of a 401 answer, when the credential is an Authorization header. */
  Optional<String> challenge();
}
