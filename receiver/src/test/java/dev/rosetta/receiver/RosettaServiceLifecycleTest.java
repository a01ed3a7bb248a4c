package dev.rosetta.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start rolls back partial starts; stop is idempotent and safe before start; ports are reusable. */
class RosettaServiceLifecycleTest {

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String config(int grpc, int http, int metrics) {
    return """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:%d"}
              http: {endpoint: "127.0.0.1:%d"}
        exporters:
          prometheus: {endpoint: "127.0.0.1:%d"}
        """.formatted(grpc, http, metrics);
  }

  /** Three free ports, for the gRPC, HTTP and /metrics listeners. */
  static int[] freePorts() throws Exception {
    return new int[] {freePort(), freePort(), freePort()};
  }

  /** A service (not started) listening on {@code ports}: gRPC, HTTP, /metrics. */
  static RosettaService service(int[] ports) throws Exception {
    return Rosetta.create(ConfigLoader.parse(config(ports[0], ports[1], ports[2]), "test", Map.of()));
  }

  static void assertBindable(int port) throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
    }
  }

  @Test
  void aTakenPortFailsTheStartNamingTheAddressAndReleasesWhatWasStarted() throws Exception {
    int grpc = freePort();
    int metrics = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int http = taken.getLocalPort();
      RosettaService svc = Rosetta.create(ConfigLoader.parse(config(grpc, http, metrics), "test", Map.of()));
      assertThatThrownBy(svc::start)
          .isInstanceOf(BindException.class)
          .hasMessage("cannot listen on 127.0.0.1:" + http + ": Address already in use");
      assertThat(svc.isReady()).isFalse();
      svc.stop();
    }
    // the listeners that had started are closed again
    assertBindable(grpc);
    assertBindable(metrics);
  }

  @Test
  void everyListenerNamesItsTakenPortTheSameWayOnEitherTransport() throws Exception {
    for (int which = 0; which < 3; which++) {
      try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        int port = taken.getLocalPort();
        int[] ports = freePorts();
        ports[which] = port;
        RosettaService svc = service(ports);
        assertThatThrownBy(svc::start)
            .as("listener %d on %s", which, dev.rosetta.receiver.server.EventLoops.transport())
            .isInstanceOf(BindException.class)
            .hasMessage("cannot listen on 127.0.0.1:" + port + ": Address already in use");
        svc.stop();
      }
    }
  }

  @Test
  void theListenersUseEpollWhereNettysNativeTransportIsBuiltIn() {
    boolean linuxX64 = System.getProperty("os.name").equals("Linux")
        && System.getProperty("os.arch").equals("amd64");
    org.junit.jupiter.api.Assumptions.assumeTrue(linuxX64 && !Boolean.getBoolean("io.netty.transport.noNative"),
        "the jar carries Netty's native epoll transport for Linux on x86-64 only; elsewhere Java NIO serves");
    assertThat(dev.rosetta.receiver.server.EventLoops.transport()).isEqualTo("epoll");
  }

  @Test
  void aRestartBindsPortsWhoseLastConnectionsTheServiceClosedItself() throws Exception {
    int[] ports = freePorts();
    RosettaService first = service(ports);
    first.start();
    java.util.List<java.net.Socket> clients = new java.util.ArrayList<>();
    try {
      for (int port : ports) {
        java.net.Socket c = new java.net.Socket("127.0.0.1", port);
        c.setSoTimeout(10_000);
        clients.add(c);
      }
      // an answered request on each HTTP port, the connection kept open
      for (java.net.Socket c : clients.subList(1, 3)) {
        c.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        c.getOutputStream().flush();
        assertThat(c.getInputStream().read()).isEqualTo('H');
      }
    } finally {
      // the service closes its side first, so those connections end in TIME_WAIT on its ports
      first.stop();
      for (java.net.Socket c : clients) {
        c.close();
      }
    }
    RosettaService second = service(ports);
    try {
      second.start();
      assertThat(second.isReady()).as("listening again on %s", dev.rosetta.receiver.server.EventLoops.transport())
          .isTrue();
    } finally {
      second.stop();
    }
  }

  @Test
  void stopIsIdempotentAndSafeBeforeStart() throws Exception {
    RosettaService svc = Rosetta.create(ConfigLoader.parse(config(0, 0, 0), "test", Map.of()));
    svc.stop();
    svc.stop();
    assertThat(svc.isReady()).isFalse();
  }

  @Test
  void aSecondInstanceBindsTheSamePortsAfterTheFirstStops() throws Exception {
    int[] ports = freePorts();
    RosettaService first = service(ports);
    first.start();
    assertThat(first.isReady()).isTrue();
    first.stop();
    first.stop();
    RosettaService second = service(ports);
    try {
      second.start();
      assertThat(second.isReady()).isTrue();
      assertThat(second.grpcAddress().orElseThrow().getPort()).isEqualTo(ports[0]);
    } finally {
      second.stop();
    }
  }

  @Test
  void cliReportsStartFailuresAndUsageErrorsWithoutStackTraces(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path cfg = dir.resolve("rosetta.yaml");
      Files.writeString(cfg, config(0, 0, taken.getLocalPort()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(new String[] {"--config", cfg.toString()}, new PrintStream(out), new PrintStream(err),
          Map.of());
      String e = err.toString(StandardCharsets.UTF_8);
      assertThat(code).isEqualTo(1);
      assertThat(e).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).doesNotContain("\tat ");
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(Main.run(new String[] {"frobnicate"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err), Map.of())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command \"frobnicate\"").contains("usage:");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "exporters:\n  prometheus: {endpoint: nowhere}\n");
    ByteArrayOutputStream err2 = new ByteArrayOutputStream();
    assertThat(Main.run(new String[] {"validate", "--config", bad.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2), Map.of())).isEqualTo(1);
    assertThat(err2.toString(StandardCharsets.UTF_8)).contains("exporters.prometheus.endpoint");

    // validate loads the view files a configuration names
    Files.createDirectories(dir.resolve("views"));
    Files.writeString(dir.resolve("views/team.yaml"), "views:\n  - match: /gc/heap/{x}:bytes\n    name: go.heap.{x}\n"
        + "    typ: gauge\n");
    Path withViews = dir.resolve("with-views.yaml");
    Files.writeString(withViews, "views:\n  files: [views/*.yaml]\n");
    ByteArrayOutputStream err3 = new ByteArrayOutputStream();
    assertThat(Main.run(new String[] {"validate", "--config", withViews.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err3), Map.of())).isEqualTo(1);
    assertThat(err3.toString(StandardCharsets.UTF_8)).contains("team.yaml").contains("\"typ\": unknown field");
  }
}
