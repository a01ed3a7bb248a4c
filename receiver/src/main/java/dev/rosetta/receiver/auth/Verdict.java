package dev.rosetta.receiver.auth;

/**
 * What an {@link Authenticator} decided about a request's credential, with the words a refused
 * client is told. The words never repeat the credential.
 */
public enum Verdict {
  /** The credential is valid. */
  ACCEPTED("", ""),
  /** No credential was sent. */
  MISSING("missing", "missing credentials"),
  /** A credential of another scheme, or one that does not decode. */
  MALFORMED("malformed", "malformed credentials"),
  /** A well-formed credential that is not valid. */
  INVALID("invalid", "invalid credentials"),
  /**
   * The listener asks for a client certificate on this path and the connection has none (the
   * exposition with {@code client_ca_file}, whose probe paths take connections without one): 403.
   */
  NO_CLIENT_CERTIFICATE("client_certificate", "a client certificate is required"),
  /** Too many password checks are waiting: retry shortly (HTTP 503, gRPC UNAVAILABLE). */
  BUSY("busy", "too many authentication checks in progress; retry shortly");

  /** The {@code reason} label of {@code rosetta_auth_failures_total}. */
  public final String reason;
  /** The message for the client. */
  public final String message;

  Verdict(String reason, String message) {
    this.reason = reason;
    this.message = message;
  }

  public boolean accepted() {
    return this == ACCEPTED;
  }
}
