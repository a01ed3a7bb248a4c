/**
 * Authentication of the requests the service receives: the {@code bearertokenauth} and {@code
 * basicauth} authenticators ({@link dev.rosetta.receiver.auth.Authenticator}), htpasswd files and
 * their password encodings, the Netty handler and the gRPC interceptor that decide at a request's
 * head, and {@link dev.rosetta.receiver.auth.Security}, which owns the credential files' watch and
 * the password verifier threads.
 *
 * <p>Threads: Netty event loops (the HTTP listeners) run the handler, placed before admission
 * ({@code NettyHttpServer.Builder.beforeAdmission}), and gRPC's call executor (the small ingest
 * lane, {@code rosetta-ingest-N}) runs the interceptor, before a call's admission; neither blocks.
 * {@code rosetta-auth-verify-N} run bcrypt (and other key-stretching) checks and complete the
 * verdicts: an HTTP verdict is handed back to the connection's event loop (whose read gate is paused
 * meanwhile), a gRPC call accepted after a check is started on the verify thread. {@code
 * rosetta-file-watch-1} swaps in re-read token and htpasswd files. Authenticators are shared by
 * listeners and thread-safe; a handler belongs to one connection and its event loop.
 */
package dev.rosetta.receiver.auth;
