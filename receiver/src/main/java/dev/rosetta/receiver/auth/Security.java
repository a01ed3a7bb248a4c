package dev.rosetta.receiver.auth;

import dev.rosetta.receiver.lifecycle.FilePoller;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.lifecycle.WatchedFiles;
import dev.rosetta.receiver.telemetry.SecurityMetrics;
import dev.rosetta.receiver.tls.ServerTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The service's credential material and the threads that serve it: the authenticators of the
 * {@code bearertokenauth} and {@code basicauth} extensions, the TLS contexts of the listeners, the
 * {@code rosetta-file-watch} thread that re-reads token, htpasswd, certificate, key and CA files
 * when they change, and the {@code rosetta-auth-verify-N} threads that check key-stretched
 * passwords (bcrypt) off the network threads, at most {@link #VERIFY_QUEUE} waiting.
 *
 * <p>Built from the configuration when the service is wired: every file is read then, and a file
 * that cannot be used fails the start with its name and the reason. {@link #start()} starts
 * watching; {@link #close()} stops both kinds of thread. Messages and metrics never hold a
 * credential.
 */
public final class Security implements AutoCloseable {
  /** How often credential files are checked for changes. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
  /** Password checks waiting at most; one more is answered "busy". */
  static final int VERIFY_QUEUE = 64;
  /** The largest token or htpasswd file read. */
  static final long MAX_FILE_BYTES = 16L << 20;

  private final SecurityMetrics metrics;
  private final FilePoller poller;
  private final ThreadPoolExecutor verifier;

  public Security(ServiceHealth health, SecurityMetrics metrics, Duration pollInterval) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.poller = new FilePoller(health, pollInterval);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    // threads start with the first check and end after 30 s without one
    this.verifier = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(VERIFY_QUEUE), health.threadFactory("rosetta-auth-verify"),
        new ThreadPoolExecutor.AbortPolicy());
    this.verifier.allowCoreThreadTimeOut(true);
  }

  public SecurityMetrics metrics() {
    return metrics;
  }

  /**
   * A {@code bearertokenauth} authenticator: the configured tokens, or those of {@code file}.
   *
   * @throws IllegalStateException when the file cannot be read or holds no token
   */
  public Authenticator bearerToken(String id, String header, String scheme, List<String> tokens, Optional<Path> file) {
    if (file.isPresent()) {
      WatchedFiles<BearerTokenAuthenticator.Tokens> watched = poller.watch(WatchedFiles.load(
          "the token file of " + id, List.of(file.get()), MAX_FILE_BYTES, contents -> {
            try {
              return BearerTokenAuthenticator.Tokens.parseFile(contents.get(0));
            } catch (IllegalArgumentException e) {
              throw new WatchedFiles.InvalidContentException(e.getMessage());
            }
          }, (what, ok) -> metrics.reload(id, ok)));
      return new BearerTokenAuthenticator(id, header, scheme, watched::current);
    }
    BearerTokenAuthenticator.Tokens fixed = BearerTokenAuthenticator.Tokens.of(tokens);
    return new BearerTokenAuthenticator(id, header, scheme, () -> fixed);
  }

  /**
   * A {@code basicauth} authenticator over an htpasswd file and/or inline htpasswd content (whose
   * users win over the file's).
   *
   * @throws IllegalStateException when the file cannot be read or has a bad line
   */
  public Authenticator basic(String id, Optional<Path> file, Optional<String> inline) {
    Optional<Htpasswd> inlineUsers = inline.map(text -> {
      try {
        return Htpasswd.parse(text, false);
      } catch (Htpasswd.InvalidException e) {
        throw new IllegalStateException(id + ": htpasswd.inline: " + e.getMessage(), e);
      }
    });
    if (file.isEmpty()) {
      BasicAuthenticator.Users fixed = BasicAuthenticator.Users.of(inlineUsers.orElseThrow(
          () -> new IllegalArgumentException(id + ": neither htpasswd.file nor htpasswd.inline")));
      return new BasicAuthenticator(id, () -> fixed, verifier);
    }
    WatchedFiles<BasicAuthenticator.Users> watched = poller.watch(WatchedFiles.load(
        "the htpasswd file of " + id, List.of(file.get()), MAX_FILE_BYTES, contents -> {
          try {
            Htpasswd users = Htpasswd.parse(new String(contents.get(0), StandardCharsets.UTF_8), inlineUsers.isPresent());
            return BasicAuthenticator.Users.of(inlineUsers.map(i -> Htpasswd.merge(users, i)).orElse(users));
          } catch (Htpasswd.InvalidException e) {
            throw new WatchedFiles.InvalidContentException(e.getMessage());
          }
        }, (what, ok) -> metrics.reload(id, ok)));
    return new BasicAuthenticator(id, watched::current, verifier);
  }

  /**
   * TLS for a listener, its files watched.
   *
   * @throws IllegalStateException naming the file and what is wrong
   */
  public ServerTls tls(String listener, Path certFile, Path keyFile, Optional<Path> clientCaFile, boolean grpc) {
    return ServerTls.create(listener, certFile, keyFile, clientCaFile, grpc, false, poller, metrics);
  }

  /**
   * TLS for a listener whose client certificates are checked per path (the exposition: probes
   * without certificate, {@code /metrics} with one), its files watched.
   */
  public ServerTls tlsWithOptionalClientCertificate(String listener, Path certFile, Path keyFile, Path clientCaFile) {
    return ServerTls.create(listener, certFile, keyFile, Optional.of(clientCaFile), false, true, poller, metrics);
  }

  /** Starts watching the files. */
  public void start() {
    poller.start();
  }

  /** Checks every watched file now (for tests). */
  public void checkFilesNow() {
    poller.checkAll();
  }

  @Override
  public void close() {
    poller.close();
    verifier.shutdownNow();
  }
}
