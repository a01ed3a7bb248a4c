package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.rosetta.receiver.admission.MemoryLimiter;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Authentication before admission by memory, in the running service: an unauthenticated request
 * is refused 401 / UNAUTHENTICATED without reserving any of the in-flight budget, also while
 * authenticated requests hold the whole budget (they get 503 / UNAVAILABLE) or the heap is above
 * the soft limit; pipelined requests whose passwords are checked off the event loop are answered in
 * order; a gRPC call accepted after a password check is admitted and leaves nothing behind.
 */
class AuthAdmissionTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String TOKEN = "adm-" + UUID.randomUUID();
  static final String BEARER = "Bearer " + TOKEN;
  static final Map<String, String> PROTOBUF = Map.of("Content-Type", "application/x-protobuf");
  static final Map<String, String> PROTOBUF_WITH_TOKEN = Map.of("Content-Type", "application/x-protobuf",
      "Authorization", BEARER);

  /** Both OTLP listeners behind {@code bearertokenauth}, with {@code extra} top-level sections. */
  static String bearer(String grpcKeys, String extra) {
    return """
        extensions:
          bearertokenauth: {token: "%s"}
        service:
          extensions: [bearertokenauth]
        """.formatted(TOKEN)
        + RunningRosetta.listeners("max_request_body_size: 1048576, auth: {authenticator: bearertokenauth}",
            "auth: {authenticator: bearertokenauth}" + (grpcKeys.isEmpty() ? "" : ", " + grpcKeys), "")
        + extra;
  }

  static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> m = new LinkedHashMap<>(headers);
    m.put(name, value);
    return m;
  }

  static double unauthenticated(RunningRosetta r, String transport) {
    return r.service.components().metrics().requests(transport, "unauthenticated");
  }

  static void awaitInFlight(MemoryLimiter limiter, boolean reserved) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while ((limiter.inFlight() > 0) != reserved) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("in-flight bytes " + limiter.inFlight() + ", expected " + (reserved ? "some" : "none"));
      }
      Thread.sleep(10);
    }
  }

  @Test
  void anUnauthenticatedBodyReservesNothingWhileItArrives() throws Exception {
    try (RunningRosetta r = RunningRosetta.withYaml(bearer("", AdmissionTest.BUDGET), null)) {
      MemoryLimiter limiter = r.service.components().admission().limiter();
      byte[] body = Bodies.ofSize("arriving", "a", 300_000);
      byte[] first = Arrays.copyOf(body, 64 * 1024);
      byte[] rest = Arrays.copyOfRange(body, first.length, body.length);

      // a control: with the token, the body's share is reserved at the head, while it arrives
      try (RawHttp c = new RawHttp(r.httpPort())) {
        c.send(RawHttp.head("POST", "/v1/metrics", with(PROTOBUF_WITH_TOKEN, "Content-Length",
            Integer.toString(body.length))));
        c.send(first);
        awaitInFlight(limiter, true);
        assertThat(limiter.inFlight()).as("about 11 times the body").isGreaterThan(10L * body.length);
        c.send(rest);
        assertThat(c.read(WAIT).status()).isEqualTo(200);
        awaitInFlight(limiter, false);
      }

      // without it: 401 from the head, and nothing reserved while the body is still arriving
      double before = unauthenticated(r, "http_protobuf");
      try (RawHttp c = new RawHttp(r.httpPort())) {
        c.send(RawHttp.head("POST", "/v1/metrics", with(PROTOBUF, "Content-Length", Integer.toString(body.length))));
        c.send(first);
        RawHttp.Response refused = c.read(WAIT);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers()).containsEntry("www-authenticate", "Bearer realm=\"rosetta\"");
        assertThat(limiter.inFlight()).as("the refused request holds none of the budget").isZero();
        c.send(rest);
        // the rest was dropped: the connection takes the next request
        c.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF_WITH_TOKEN, Bodies.small("after")));
        assertThat(c.read(WAIT).status()).isEqualTo(200);
      }
      assertThat(unauthenticated(r, "http_protobuf")).isEqualTo(before + 1);
      assertThat(AdmissionTest.refused(r, "http_protobuf", "in_flight_budget")).isZero();
      awaitInFlight(limiter, false);
    }
  }

  @Test
  void whileOthersHoldTheBudgetAnUnauthenticatedClientIsToldItIsUnauthenticated() throws Exception {
    BlockingStage blocking = new BlockingStage();
    try (RunningRosetta r = RunningRosetta.withYaml(bearer("max_recv_msg_size_mib: 1", AdmissionTest.BUDGET),
        blocking.module());
        RawHttp holder = new RawHttp(r.httpPort());
        RawHttp other = new RawHttp(r.httpPort());
        RawHttp stranger = new RawHttp(r.httpPort())) {
      MemoryLimiter limiter = r.service.components().admission().limiter();
      // ~300 kB holds ~3.5 MiB of the 4 MiB budget while it is handled
      holder.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF_WITH_TOKEN,
          Bodies.ofSize(BlockingStage.NAME, "h", 300_000)));
      blocking.awaitHeld(1, WAIT);
      long held = limiter.inFlight();
      assertThat(held).isPositive();

      // a control: an authenticated request that does not fit now is told to retry
      byte[] body = Bodies.ofSize("other", "o", 200_000);
      other.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF_WITH_TOKEN, body));
      assertThat(other.read(WAIT).status()).isEqualTo(503);
      assertThat(AdmissionTest.refused(r, "http_protobuf", "in_flight_budget")).isEqualTo(1);

      // the same request without the credential, or with a wrong one: 401, never 503
      stranger.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, body));
      assertThat(stranger.read(WAIT).status()).isEqualTo(401);
      stranger.send(RawHttp.request("POST", "/v1/metrics", with(PROTOBUF, "Authorization", "Bearer wrong"), body));
      assertThat(stranger.read(WAIT).status()).isEqualTo(401);
      // announcing more than the budget could ever hold (413 with the token): still 401
      stranger.send(RawHttp.head("POST", "/v1/metrics", with(PROTOBUF, "Content-Length", "900000")));
      RawHttp.Response announced = stranger.read(WAIT);
      assertThat(announced.status()).isEqualTo(401);

      // gRPC: the held request leaves too little for a call's 1 MiB start
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        ExportMetricsServiceRequest small = ExportMetricsServiceRequest.parseFrom(Bodies.small("g"));
        assertThat(grpcStatus(() -> AuthClients.rawExport(ch, small.toByteArray(), BEARER)))
            .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(grpcStatus(() -> AuthClients.rawExport(ch, small.toByteArray(), null)))
            .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(grpcStatus(() -> AuthClients.rawExport(ch, small.toByteArray(), "Bearer wrong")))
            .isEqualTo(Status.Code.UNAUTHENTICATED);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      assertThat(AdmissionTest.refused(r, "http_protobuf", "in_flight_budget")).as("only the control")
          .isEqualTo(1);
      assertThat(AdmissionTest.refused(r, "http_protobuf", "too_large_for_memory")).isZero();
      assertThat(AdmissionTest.refused(r, "grpc", "in_flight_budget")).as("only the authenticated call")
          .isEqualTo(1);
      assertThat(limiter.inFlight()).as("the refused requests reserved nothing").isEqualTo(held);
      assertThat(unauthenticated(r, "http_protobuf")).isEqualTo(3);
      assertThat(unauthenticated(r, "grpc")).isEqualTo(2);

      blocking.release();
      assertThat(holder.read(WAIT).status()).isEqualTo(200);
      awaitInFlight(limiter, false);
    }
  }

  @Test
  void aboveTheSoftLimitAnUnauthenticatedClientIsToldItIsUnauthenticated() throws Exception {
    // a 1 MiB soft limit: the heap is always above it, and every admitted request would be refused
    try (RunningRosetta r = RunningRosetta.withYaml(bearer("",
        "processors: {memory_limiter: {check_interval: 50ms, limit_mib: 2, spike_limit_mib: 1}}\n"), null);
        RawHttp c = new RawHttp(r.httpPort())) {
      MemoryLimiter limiter = r.service.components().admission().limiter();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!limiter.refusing() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(limiter.refusing()).isTrue();
      c.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("x")));
      assertThat(c.read(WAIT).status()).isEqualTo(401);
      c.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF_WITH_TOKEN, Bodies.small("x")));
      RawHttp.Response busy = c.read(WAIT);
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.headers()).containsEntry("retry-after", "5");
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        byte[] small = Bodies.small("g");
        assertThat(grpcStatus(() -> AuthClients.rawExport(ch, small, null))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(grpcStatus(() -> AuthClients.rawExport(ch, small, BEARER))).isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(AdmissionTest.refused(r, "http_protobuf", "memory_limit")).as("only the authenticated request")
          .isEqualTo(1);
      assertThat(AdmissionTest.refused(r, "grpc", "memory_limit")).as("only the authenticated call").isEqualTo(1);
    }
  }

  @Test
  void pipelinedRequestsWithPasswordChecksAreAnsweredInOrder() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(8, password.toCharArray());
    String yaml = """
        extensions:
          basicauth:
            htpasswd:
              inline: |
                sender:%s
        service:
          extensions: [basicauth]
        """.formatted(hash)
        + RunningRosetta.listeners("max_request_body_size: 1048576, read_timeout: 20s, auth: {authenticator: basicauth}",
            "", "");
    try (RunningRosetta r = RunningRosetta.withYaml(yaml, null);
        RawHttp c = new RawHttp(r.httpPort())) {
      Map<String, String> good = with(PROTOBUF, "Authorization", AuthClients.basic("sender", password));
      Map<String, String> wrong = with(PROTOBUF, "Authorization", AuthClients.basic("sender", "not-" + password));
      byte[] garbage = AuthClients.ascii("not protobuf at all");
      double malformed = r.service.components().metrics().requests("http_protobuf", "malformed");
      double accepted = r.service.components().metrics().acceptedPoints("http_protobuf");
      // four requests in one write: a password checked on the verifier threads (the connection
      // reads nothing more meanwhile), a wrong password (checked too), no credential (decided at
      // once), and the first credential again (remembered by then)
      c.send(ReceiverAuthTest.concat(
          RawHttp.request("POST", "/v1/metrics", good, Bodies.small("first")),
          RawHttp.request("POST", "/v1/metrics", wrong, garbage),
          RawHttp.request("POST", "/v1/metrics", PROTOBUF, garbage),
          RawHttp.request("POST", "/v1/metrics", good, Bodies.small("fourth"))));
      assertThat(c.read(WAIT).status()).isEqualTo(200);
      assertThat(c.read(WAIT).status()).isEqualTo(401);
      assertThat(c.read(WAIT).status()).isEqualTo(401);
      assertThat(c.read(WAIT).status()).isEqualTo(200);
      assertThat(r.service.components().metrics().acceptedPoints("http_protobuf")).isEqualTo(accepted + 4);
      assertThat(r.service.components().metrics().requests("http_protobuf", "malformed"))
          .as("the refused bodies were never parsed").isEqualTo(malformed);
      assertThat(r.service.components().security().metrics().authFailures("otlp_http", "invalid")).isEqualTo(1);
      assertThat(r.service.components().security().metrics().authFailures("otlp_http", "missing")).isEqualTo(1);
    }
  }

  @Test
  void aGrpcCallAcceptedAfterAPasswordCheckIsAdmittedAndLeavesNothingBehind() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(8, password.toCharArray());
    String yaml = """
        extensions:
          basicauth:
            htpasswd:
              inline: |
                sender:%s
        service:
          extensions: [basicauth]
        """.formatted(hash) + RunningRosetta.listeners("", "auth: {authenticator: basicauth}", "");
    try (RunningRosetta r = RunningRosetta.withYaml(yaml, null)) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        byte[] small = Bodies.small("checked");
        assertThat(AuthClients.rawExport(ch, small, AuthClients.basic("sender", password))).isNotNull();
        assertThat(grpcStatus(() -> AuthClients.rawExport(ch, small, AuthClients.basic("sender", "wrong"))))
            .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(grpcStatus(() -> AuthClients.rawExport(ch, small, AuthClients.basic("nobody", password))))
            .isEqualTo(Status.Code.UNAUTHENTICATED);
        // remembered now: decided at once
        assertThat(AuthClients.rawExport(ch, small, AuthClients.basic("sender", password))).isNotNull();
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(r.service.components().metrics().acceptedPoints("grpc")).isEqualTo(4);
      awaitInFlight(r.service.components().admission().limiter(), false);
      long deadline = System.nanoTime() + WAIT.toNanos();
      Double inLane = smallLane(r);
      while ((inLane == null || inLane != 0) && System.nanoTime() < deadline) {
        Thread.sleep(10);
        inLane = smallLane(r);
      }
      assertThat(inLane).as("every call left the small lane").isEqualTo(0.0);
    }
  }

  static Double smallLane(RunningRosetta r) {
    return r.service.components().registry().getSampleValue("rosetta_ingest_requests", new String[] {"lane"},
        new String[] {"small"});
  }

  static Status.Code grpcStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    return Status.Code.OK;
  }
}
