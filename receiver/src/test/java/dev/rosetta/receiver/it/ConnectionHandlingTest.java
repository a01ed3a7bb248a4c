package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP listener's connection rules: header and body read deadlines that a trickle does not
 * extend, idle timeout only between exchanges, pipelined requests answered in order, the connection
 * cap, malformed and over-large heads, Expect: 100-continue, a body over the limit refused at the
 * head.
 */
class ConnectionHandlingTest {
  static final Map<String, String> PROTOBUF = Map.of("Content-Type", "application/x-protobuf");
  /** Slack for timers on a loaded machine. */
  static final Duration SLACK = Duration.ofSeconds(4);

  static String timeouts() {
    return RunningRosetta.listeners(
        "max_request_body_size: 1048576, read_header_timeout: 1s, read_timeout: 2s, idle_timeout: 1s", "", "");
  }

  @Test
  void aHeaderTrickledByteByByteIsCutOffAtTheHeaderDeadline() throws Exception {
    try (RunningRosetta r = RunningRosetta.withYaml(timeouts(), null);
        RawHttp c = new RawHttp(r.httpPort())) {
      byte[] head = "POST /v1/metrics HTTP/1.1\r\nHost: test\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
          .getBytes(StandardCharsets.ISO_8859_1);
      long t0 = System.nanoTime();
      Thread trickle = new Thread(() -> {
        try {
          for (byte b : head) {
            c.send(new byte[] {b});
            Thread.sleep(100);
          }
        } catch (Exception e) {
          // the server cut us off
        }
      });
      trickle.start();
      RawHttp.Response resp = c.read(Duration.ofSeconds(1).plus(SLACK));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      trickle.interrupt();
      assertThat(resp.status()).isEqualTo(408);
      assertThat(resp.text()).contains("read_header_timeout");
      assertThat(took).as("cut off near read_header_timeout (1 s), not after the whole trickle (3.7 s)")
          .isLessThan(Duration.ofMillis(3500));
      assertThat(c.closedWithin(SLACK)).isTrue();
      assertThat(r.service.components().registry().getSampleValue("rosetta_server_timeouts_total",
          new String[] {"listener", "phase"}, new String[] {"otlp-http", "header"})).isEqualTo(1.0);
    }
  }

  @Test
  void aBodyTrickledByteByByteIsCutOffAtTheReadDeadline() throws Exception {
    try (RunningRosetta r = RunningRosetta.withYaml(timeouts(), null);
        RawHttp c = new RawHttp(r.httpPort())) {
      c.send(RawHttp.head("POST", "/v1/metrics", Map.of("Content-Type", "application/x-protobuf",
          "Content-Length", "1000")));
      long t0 = System.nanoTime();
      Thread trickle = new Thread(() -> {
        try {
          for (int i = 0; i < 1000; i++) {
            c.send(new byte[] {0});
            Thread.sleep(50);
          }
        } catch (Exception e) {
          // cut off
        }
      });
      trickle.start();
      RawHttp.Response resp = c.read(Duration.ofSeconds(2).plus(SLACK));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      trickle.interrupt();
      assertThat(resp.status()).isEqualTo(408);
      assertThat(resp.text()).contains("read_timeout");
      assertThat(took).isLessThan(Duration.ofSeconds(2).plus(SLACK));
      assertThat(c.closedWithin(SLACK)).isTrue();
    }
  }

  @Test
  void anIdleConnectionIsClosedButNotWhileItsRequestIsHandled() throws Exception {
    BlockingStage blocking = new BlockingStage();
    try (RunningRosetta r = RunningRosetta.withYaml(timeouts(), blocking.module());
        RawHttp idle = new RawHttp(r.httpPort());
        RawHttp busy = new RawHttp(r.httpPort())) {
      idle.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("idle")));
      assertThat(idle.read(SLACK).status()).isEqualTo(200);
      busy.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.gauge(BlockingStage.NAME, "busy", 1, 0)
          .toByteArray()));
      blocking.awaitHeld(1, SLACK);
      // the idle one goes after idle_timeout (1 s)
      assertThat(idle.closedWithin(Duration.ofSeconds(1).plus(SLACK))).isTrue();
      // the busy one is handled for longer than idle_timeout and still gets its answer
      Thread.sleep(2500);
      blocking.release();
      assertThat(busy.read(SLACK).status()).isEqualTo(200);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RunningRosetta r = new RunningRosetta("");
        RawHttp c = new RawHttp(r.httpPort())) {
      byte[] a = RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("a"));
      byte[] b = RawHttp.request("GET", "/nowhere", Map.of(), new byte[0]);
      byte[] d = RawHttp.request("POST", "/v1/metrics", Map.of("Content-Type", "text/plain"), "x".getBytes());
      byte[] e = RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("e"));
      byte[] all = new byte[a.length + b.length + d.length + e.length];
      int o = 0;
      for (byte[] x : List.of(a, b, d, e)) {
        System.arraycopy(x, 0, all, o, x.length);
        o += x.length;
      }
      c.send(all);
      assertThat(List.of(c.read(SLACK).status(), c.read(SLACK).status(), c.read(SLACK).status(),
          c.read(SLACK).status())).containsExactly(200, 404, 415, 200);
    }
  }

  @Test
  void beyondMaxConnectionsNewConnectionsWaitUntilOneCloses() throws Exception {
    try (RunningRosetta r = RunningRosetta.withYaml(RunningRosetta.listeners("max_connections: 2", "", ""), null)) {
      RawHttp first = new RawHttp(r.httpPort());
      RawHttp second = new RawHttp(r.httpPort());
      first.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("1")));
      assertThat(first.read(SLACK).status()).isEqualTo(200);
      second.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("2")));
      assertThat(second.read(SLACK).status()).isEqualTo(200);
      try (RawHttp third = new RawHttp(r.httpPort())) {
        third.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("3")));
        assertThat(third.closedWithin(Duration.ofSeconds(1))).as("waits, neither answered nor closed").isFalse();
        first.close();
        assertThat(third.read(SLACK).status()).as("served once a connection closed").isEqualTo(200);
      }
      second.close();
      assertThat(r.service.components().registry().getSampleValue("rosetta_server_connection_limit_reached_total",
          new String[] {"listener"}, new String[] {"otlp-http"})).isGreaterThanOrEqualTo(1.0);
    }
  }

  @Test
  void malformedAndOversizedHeadsAreAnsweredAndTheConnectionClosed() throws Exception {
    try (RunningRosetta r = new RunningRosetta("")) {
      try (RawHttp c = new RawHttp(r.httpPort())) {
        c.send("THIS IS NOT HTTP\r\n\r\n");
        assertThat(c.read(SLACK).status()).isEqualTo(400);
        assertThat(c.closedWithin(SLACK)).isTrue();
      }
      try (RawHttp c = new RawHttp(r.httpPort())) {
        c.send(RawHttp.head("POST", "/v1/metrics", Map.of("X-Big", "y".repeat(40_000))));
        assertThat(c.read(SLACK).status()).isEqualTo(431);
        assertThat(c.closedWithin(SLACK)).isTrue();
      }
    }
  }

  @Test
  void aBodyOverTheLimitIsRefusedAtTheHeadBeforeItIsSent() throws Exception {
    try (RunningRosetta r = new RunningRosetta("");
        RawHttp c = new RawHttp(r.httpPort())) {
      c.send(RawHttp.head("POST", "/v1/metrics", Map.of("Content-Type", "application/x-protobuf",
          "Content-Length", Integer.toString(50 << 20))));
      RawHttp.Response resp = c.read(SLACK);
      assertThat(resp.status()).isEqualTo(413);
      assertThat(com.google.rpc.Status.parseFrom(resp.body()).getMessage())
          .contains("exceeds the limit of 1048576 bytes");
    }
  }

  @Test
  void expectContinueIsAnsweredWhenTheRequestIsAdmitted() throws Exception {
    try (RunningRosetta r = new RunningRosetta("");
        RawHttp c = new RawHttp(r.httpPort())) {
      byte[] body = Bodies.small("continue");
      c.send(RawHttp.head("POST", "/v1/metrics", Map.of("Content-Type", "application/x-protobuf",
          "Content-Length", Integer.toString(body.length), "Expect", "100-continue")));
      assertThat(c.read(SLACK).status()).isEqualTo(100);
      c.send(body);
      assertThat(c.read(SLACK).status()).isEqualTo(200);
      // refused at the head: the final answer comes without 100, and the connection closes
      c.send(RawHttp.head("POST", "/v1/metrics", Map.of("Content-Type", "application/x-protobuf",
          "Content-Length", Integer.toString(5 << 20), "Expect", "100-continue")));
      assertThat(c.read(SLACK).status()).isEqualTo(413);
      assertThat(c.closedWithin(SLACK)).isTrue();
    }
  }
}
