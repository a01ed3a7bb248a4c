package dev.rosetta.receiver.auth;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Authentication for one HTTP listener: which {@link Authenticator} (if any), whether a client
 * certificate is required on the paths that are not open (the exposition with {@code
 * client_ca_file}, whose TLS takes connections without certificate so that probes get through),
 * which paths stay open (the exposition's {@code /healthz} and {@code /readyz}, for kubelet
 * probes), how a refusal is written (an OTLP {@code google.rpc.Status} on the receiver, plain text
 * on the exposition) and counted. Makes one {@link HttpAuthHandler} per connection, placed before
 * admission ({@link dev.rosetta.receiver.server.NettyHttpServer.Builder#beforeAdmission}) under
 * {@link #HANDLER_NAME}.
 */
public final class HttpAuth {
  /** The name of the handler in a connection's pipeline. */
  public static final String HANDLER_NAME = "auth";

  /** Writes the answer to a refused request (401 or 503) in the listener's format. */
  @FunctionalInterface
  public interface RefusalWriter {
    void write(ChannelHandlerContext ctx, HttpRequest request, int status, String message,
        Map<String, String> headers);
  }

  /** Counts a refused request. */
  @FunctionalInterface
  public interface RefusalCounter {
    void refused(HttpRequest request, Verdict verdict);
  }

  private final Optional<Authenticator> authenticator;
  private final boolean clientCertificate;
  private final Predicate<String> open;
  private final RefusalWriter writer;
  private final RefusalCounter counter;

  /**
   * @param open the paths (without query) that need no credential
   */
  public HttpAuth(Authenticator authenticator, Predicate<String> open, RefusalWriter writer, RefusalCounter counter) {
    this(Optional.of(authenticator), false, open, writer, counter);
  }

  /**
   * @param clientCertificate whether requests to paths that are not open need a TLS client
   *     certificate (verified by the handshake)
   */
  public HttpAuth(Optional<Authenticator> authenticator, boolean clientCertificate, Predicate<String> open,
      RefusalWriter writer, RefusalCounter counter) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.clientCertificate = clientCertificate;
    this.open = Objects.requireNonNull(open, "open");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  /** The handler for a new connection, placed after the connection handling and before admission. */
  public ChannelHandler newHandler() {
    return new HttpAuthHandler(this);
  }

  Optional<Authenticator> authenticator() {
    return authenticator;
  }

  boolean clientCertificate() {
    return clientCertificate;
  }

  boolean isOpen(String path) {
    return open.test(path);
  }

  RefusalWriter writer() {
    return writer;
  }

  RefusalCounter counter() {
    return counter;
  }
}
