package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.auth.Authenticator;
import dev.rosetta.receiver.auth.HttpAuth;
import dev.rosetta.receiver.auth.HttpRefusals;
import dev.rosetta.receiver.auth.Verdict;
import dev.rosetta.receiver.config.HttpServerSettings;
import dev.rosetta.receiver.server.HttpResponses;
import dev.rosetta.receiver.server.NettyHttpServer;
import dev.rosetta.receiver.server.Route;
import dev.rosetta.receiver.server.ServerMetrics;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authentication handler inside the HTTP listener's connection rules, with an authenticator
 * whose slow verdicts the test gives by hand: pipelined requests are answered in order while a
 * verdict is pending, a pending verdict counts against the request's read deadline (nothing more is
 * read meanwhile), a refused request's body is dropped within the read deadline, an exchange ended
 * by a refusal leaves the connection idle as any other, and a large refused body gets its answer
 * while the client is still sending.
 */
class AuthConnectionTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  /** Slack for timers on a loaded machine. */
  static final Duration SLACK = Duration.ofSeconds(4);
  static final HttpServerSettings SETTINGS = new HttpServerSettings(16, Duration.ofSeconds(1), Duration.ofSeconds(1),
      Duration.ofSeconds(5), Duration.ofSeconds(1));

  /**
   * {@code Authorization: now-ok} is accepted and {@code now-bad} refused at once; {@code later}
   * waits for the test to complete its verdict ({@link #pending}).
   */
  static final class HandAuthenticator implements Authenticator {
    final LinkedBlockingQueue<CompletableFuture<Verdict>> pending = new LinkedBlockingQueue<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String id() {
      return "hand";
    }

    @Override
    public String header() {
      return "authorization";
    }

    @Override
    public CompletableFuture<Verdict> authenticate(String value) {
      calls.incrementAndGet();
      if (value == null) {
        return CompletableFuture.completedFuture(Verdict.MISSING);
      }
      return switch (value) {
        case "now-ok" -> CompletableFuture.completedFuture(Verdict.ACCEPTED);
        case "later" -> {
          CompletableFuture<Verdict> f = new CompletableFuture<>();
          pending.add(f);
          yield f;
        }
        default -> CompletableFuture.completedFuture(Verdict.INVALID);
      };
    }

    @Override
    public Optional<String> challenge() {
      return Optional.of("Hand realm=\"test\"");
    }
  }

  HandAuthenticator authenticator;
  List<String> bodies;
  List<Verdict> refusals;
  CollectorRegistry registry;
  NettyHttpServer server;

  @BeforeEach
  void start() throws IOException {
    authenticator = new HandAuthenticator();
    bodies = new CopyOnWriteArrayList<>();
    refusals = new CopyOnWriteArrayList<>();
    registry = new CollectorRegistry(true);
    HttpAuth auth = new HttpAuth(authenticator, path -> false, HttpRefusals.text(), (req, v) -> refusals.add(v));
    server = NettyHttpServer.builder("auth-test", new InetSocketAddress("127.0.0.1", 0))
        .route("/echo", Route.inline((ctx, req) -> {
          bodies.add(req.content().toString(StandardCharsets.UTF_8));
          HttpResponses.text(ctx, req, 200, "ok\n");
        }))
        .maxBodyBytes(8 << 20)
        .settings(SETTINGS)
        .metrics(new ServerMetrics(registry))
        .beforeAdmission(HttpAuth.HANDLER_NAME, auth::newHandler)
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    authenticator.pending.forEach(f -> f.complete(Verdict.INVALID));
    server.stop();
  }

  int port() {
    return server.boundAddress().getPort();
  }

  static byte[] post(String authorization, String body, String... extraHeaders) {
    StringBuilder b = new StringBuilder("POST /echo HTTP/1.1\r\nHost: test\r\n");
    if (authorization != null) {
      b.append("Authorization: ").append(authorization).append("\r\n");
    }
    for (String h : extraHeaders) {
      b.append(h).append("\r\n");
    }
    b.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  double timeouts(String phase) {
    Double v = registry.getSampleValue("rosetta_server_timeouts_total", new String[] {"listener", "phase"},
        new String[] {"auth-test", phase});
    return v == null ? 0 : v;
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderWhileAVerdictIsPending() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      c.send(ReceiverAuthTest.concat(post("later", "first"), post("now-bad", "second"), post(null, "third"),
          post("now-ok", "fourth")));
      CompletableFuture<Verdict> first = authenticator.pending.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      Thread.sleep(300);
      assertThat(authenticator.calls.get()).as("the requests behind the pending one wait their turn").isEqualTo(1);
      assertThat(c.socket.getInputStream().available()).as("nothing answered yet").isZero();
      first.complete(Verdict.ACCEPTED);
      RawHttp.Response r1 = c.read(WAIT);
      RawHttp.Response r2 = c.read(WAIT);
      RawHttp.Response r3 = c.read(WAIT);
      RawHttp.Response r4 = c.read(WAIT);
      assertThat(List.of(r1.status(), r2.status(), r3.status(), r4.status())).containsExactly(200, 401, 401, 200);
      assertThat(r2.headers()).containsEntry("www-authenticate", "Hand realm=\"test\"");
      assertThat(r2.text()).isEqualTo("invalid credentials\n");
      assertThat(r3.text()).isEqualTo("missing credentials\n");
    }
    assertThat(bodies).as("the refused bodies never reached the route").containsExactly("first", "fourth");
    assertThat(refusals).containsExactly(Verdict.INVALID, Verdict.MISSING);
  }

  @Test
  void aPendingVerdictCountsAgainstTheReadDeadline() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      long t0 = System.nanoTime();
      c.send(post("later", "body"));
      CompletableFuture<Verdict> verdict = authenticator.pending.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(verdict).isNotNull();
      // nothing more of the request is read while the verdict is pending, so its body is not
      // complete when read_timeout (1 s) passes
      RawHttp.Response resp = c.read(SETTINGS.readTimeout().plus(SLACK));
      assertThat(resp.status()).isEqualTo(408);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
      assertThat(c.closedWithin(SLACK)).isTrue();
      verdict.complete(Verdict.ACCEPTED); // too late: nothing happens
    }
    assertThat(timeouts("body")).isEqualTo(1);
    Thread.sleep(200);
    assertThat(bodies).isEmpty();
    // the listener serves on
    try (RawHttp c = new RawHttp(port())) {
      c.send(post("now-ok", "next"));
      assertThat(c.read(WAIT).status()).isEqualTo(200);
    }
    assertThat(bodies).containsExactly("next");
  }

  @Test
  void aVerdictWithinTheDeadlineLetsTheBodyBeReadAfterIt() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      c.send(post("later", "x".repeat(100_000)));
      CompletableFuture<Verdict> verdict = authenticator.pending.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(verdict).isNotNull();
      Thread.sleep(200);
      verdict.complete(Verdict.ACCEPTED);
      assertThat(c.read(WAIT).status()).isEqualTo(200);
    }
    assertThat(bodies).hasSize(1);
    assertThat(bodies.get(0)).hasSize(100_000);
  }

  @Test
  void aRefusedBodyThatStopsComingIsCutOffAtTheReadDeadline() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      c.send("POST /echo HTTP/1.1\r\nHost: test\r\nAuthorization: now-bad\r\nContent-Length: 1000\r\n\r\n0123456789");
      RawHttp.Response resp = c.read(WAIT);
      assertThat(resp.status()).as("answered at the head").isEqualTo(401);
      assertThat(c.closedWithin(SETTINGS.readTimeout().plus(SLACK))).as("the rest never came").isTrue();
    }
    assertThat(timeouts("body")).isEqualTo(1);
    assertThat(bodies).isEmpty();
  }

  @Test
  void aRefusedExchangeLeavesTheConnectionIdleAsAnyOther() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      c.send(post("now-bad", "refused"));
      assertThat(c.read(WAIT).status()).isEqualTo(401);
      Thread.sleep(300);
      c.send(post("now-ok", "kept"));
      assertThat(c.read(WAIT).status()).as("the connection was kept").isEqualTo(200);
      c.send(post(null, "refused again"));
      assertThat(c.read(WAIT).status()).isEqualTo(401);
      assertThat(c.closedWithin(SETTINGS.idleTimeout().plus(SLACK))).as("closed once idle").isTrue();
    }
    assertThat(timeouts("idle")).isEqualTo(1);
    assertThat(bodies).containsExactly("kept");
  }

  @Test
  void aLargeRefusedBodyGetsItsAnswerWhileTheClientIsStillSending() throws Exception {
    int length = 8 << 20;
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(("POST /echo HTTP/1.1\r\nHost: test\r\nAuthorization: now-bad\r\nContent-Length: " + length
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      Thread sender = new Thread(() -> {
        byte[] chunk = new byte[64 * 1024];
        try {
          for (int sent = 0; sent < length; sent += chunk.length) {
            out.write(chunk);
          }
        } catch (IOException e) {
          // the server closed after its answer
        }
      });
      sender.start();
      AuthClients.Raw got = AuthClients.readAll(s.getInputStream());
      sender.join(WAIT.toMillis());
      assertThat(got.statusLine()).isEqualTo("HTTP/1.1 401 Unauthorized");
      assertThat(got.text().toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
      assertThat(got.closed()).isTrue();
    }
    assertThat(bodies).isEmpty();
    assertThat(refusals).containsExactly(Verdict.INVALID);
  }
}
