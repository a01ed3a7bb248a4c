package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gRPC listener's limits: concurrent streams per connection, connection age, keepalive enforcement. */
class GrpcConnectionTest {
  static final Duration WAIT = Duration.ofSeconds(15);

  static double accepted(RunningRosetta r) {
    Double v = r.service.components().registry().getSampleValue("rosetta_server_connections_accepted_total",
        new String[] {"listener"}, new String[] {"otlp-grpc"});
    return v == null ? 0 : v;
  }

  static double open(RunningRosetta r) {
    Double v = r.service.components().registry().getSampleValue("rosetta_server_connections",
        new String[] {"listener"}, new String[] {"otlp-grpc"});
    return v == null ? 0 : v;
  }

  @Test
  void callsBeyondMaxConcurrentStreamsWaitForTheirTurn() throws Exception {
    BlockingStage blocking = new BlockingStage();
    try (RunningRosetta r = RunningRosetta.withYaml(RunningRosetta.listeners("", "max_concurrent_streams: 2", ""),
        blocking.module())) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        var stub = MetricsServiceGrpc.newFutureStub(ch);
        List<com.google.common.util.concurrent.ListenableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          calls.add(stub.export(ExportMetricsServiceRequest.parseFrom(Bodies.gauge(BlockingStage.NAME, "c" + i, 1, 0)
              .toByteArray())));
        }
        blocking.awaitHeld(2, WAIT);
        Thread.sleep(500);
        assertThat(blocking.entered()).as("the third call waits for a stream").isEqualTo(2);
        blocking.release();
        for (var c : calls) {
          c.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(blocking.entered()).isEqualTo(3);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void connectionsOlderThanMaxConnectionAgeAreReplaced() throws Exception {
    String grpc = "keepalive: {server_parameters: {max_connection_age: 1s, max_connection_age_grace: 1s}}";
    try (RunningRosetta r = RunningRosetta.withYaml(RunningRosetta.listeners("", grpc, ""), null)) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        var stub = MetricsServiceGrpc.newBlockingStub(ch);
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).export(ExportMetricsServiceRequest.parseFrom(Bodies.small("a")));
        assertThat(accepted(r)).isEqualTo(1);
        Thread.sleep(3500);
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).export(ExportMetricsServiceRequest.parseFrom(Bodies.small("b")));
        assertThat(accepted(r)).as("the aged connection was closed and a new one made").isGreaterThanOrEqualTo(2);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * grpc-java's client will not ping more often than every 10 s, so this client speaks HTTP/2 itself:
   * the connection preface, then pings in a row with no call open.
   */
  @Test
  void aClientPingingTooOftenIsToldTooManyPingsAndDisconnected() throws Exception {
    String grpc = "keepalive: {enforcement_policy: {min_time: 5s, permit_without_stream: false}}";
    try (RunningRosetta r = RunningRosetta.withYaml(RunningRosetta.listeners("", grpc, ""), null);
        java.net.Socket s = new java.net.Socket("127.0.0.1", r.grpcPort())) {
      s.setSoTimeout((int) WAIT.toMillis());
      java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
      out.write(Http2Frames.PREFACE);
      Http2Frames.write(out, Http2Frames.SETTINGS, 0, 0, new byte[0]);
      for (int i = 0; i < 5; i++) {
        Http2Frames.write(out, Http2Frames.PING, 0, 0, new byte[8]);
      }
      out.flush();
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      while (true) {
        Http2Frames.Frame f = Http2Frames.Frame.read(in);
        byte[] payload = f.payload();
        if (f.type() == Http2Frames.GOAWAY) { // last stream id, error code, debug data
          int error = java.nio.ByteBuffer.wrap(payload, 4, 4).getInt();
          String debug = new String(payload, 8, payload.length - 8, java.nio.charset.StandardCharsets.UTF_8);
          assertThat(error).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
          assertThat(debug).isEqualTo("too_many_pings");
          break;
        }
      }
      assertThat(in.read(new byte[1024]) < 0 || in.read(new byte[1024]) < 0).as("then closed").isTrue();
    }
  }
}
