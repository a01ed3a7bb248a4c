package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Admission by memory: with an in-flight budget of 4 MiB (spike_limit_mib), a request that could
 * never fit is answered 413 / RESOURCE_EXHAUSTED before its body is sent, one that does not fit
 * while others hold the budget 503 with Retry-After / UNAVAILABLE with RetryInfo, chunked and
 * compressed bodies are accounted as they arrive and inflate; with the heap above the soft limit
 * everything is refused for a retry.
 */
class AdmissionTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final Map<String, String> PROTOBUF = Map.of("Content-Type", "application/x-protobuf");
  /** A 4 MiB in-flight budget; the hard limit is the heap. */
  static final String BUDGET = "processors: {memory_limiter: {limit_mib: 1000000, spike_limit_mib: 4}}\n";

  static double refused(RunningRosetta r, String transport, String reason) {
    Double v = r.service.components().registry().getSampleValue("rosetta_admission_refused_requests_total",
        new String[] {"transport", "reason"}, new String[] {transport, reason});
    return v == null ? 0 : v;
  }

  @Test
  void aBodyThatCouldNeverFitIsRefusedAtTheHead() throws Exception {
    try (RunningRosetta r = new RunningRosetta(BUDGET);
        RawHttp c = new RawHttp(r.httpPort())) {
      // 500 kB of protobuf holds about 12 times that while it is decoded: more than 4 MiB
      c.send(RawHttp.head("POST", "/v1/metrics", Map.of("Content-Type", "application/x-protobuf",
          "Content-Length", "500000")));
      RawHttp.Response resp = c.read(WAIT);
      assertThat(resp.status()).isEqualTo(413);
      assertThat(com.google.rpc.Status.parseFrom(resp.body()).getMessage())
          .contains("more than the in-flight budget of 4 MiB");
      assertThat(refused(r, "http_protobuf", "too_large_for_memory")).isEqualTo(1);
    }
  }

  @Test
  void aRequestThatDoesNotFitWhileOthersHoldTheBudgetIsToldToRetry() throws Exception {
    BlockingStage blocking = new BlockingStage();
    try (RunningRosetta r = new RunningRosetta(BUDGET, blocking.module());
        RawHttp holder = new RawHttp(r.httpPort());
        RawHttp other = new RawHttp(r.httpPort())) {
      // ~250 kB holds ~3 MiB of the budget while it is handled
      holder.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.ofSize(BlockingStage.NAME, "h", 250_000)));
      blocking.awaitHeld(1, WAIT);
      other.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.ofSize("other", "o", 200_000)));
      RawHttp.Response busy = other.read(WAIT);
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.headers()).containsEntry("retry-after", "1");
      assertThat(com.google.rpc.Status.parseFrom(busy.body()).getMessage()).contains("hold the memory budget");
      // the connection stays usable: the refused body was read and dropped
      other.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("small")));
      assertThat(other.read(WAIT).status()).isEqualTo(200);
      blocking.release();
      assertThat(holder.read(WAIT).status()).isEqualTo(200);
      other.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.ofSize("other", "o", 200_000)));
      assertThat(other.read(WAIT).status()).as("fits once the budget is free").isEqualTo(200);
      assertThat(r.service.components().admission().limiter().inFlight()).isZero();
    }
  }

  @Test
  void aChunkedBodyIsAccountedAsItArrives() throws Exception {
    try (RunningRosetta r = new RunningRosetta(BUDGET);
        RawHttp c = new RawHttp(r.httpPort())) {
      c.send(RawHttp.head("POST", "/v1/metrics", Map.of("Content-Type", "application/x-protobuf",
          "Transfer-Encoding", "chunked")));
      byte[] chunk = new byte[64 * 1024];
      String size = Integer.toHexString(chunk.length) + "\r\n";
      RawHttp.Response resp = null;
      // the answer comes once about 350 kB have arrived, long before the 900 kB are sent
      CompletableFuture<RawHttp.Response> answer = CompletableFuture.supplyAsync(() -> {
        try {
          return c.read(WAIT);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      int sent = 0;
      try {
        for (int i = 0; i < 14 && !answer.isDone(); i++) {
          c.send(size);
          c.send(chunk);
          c.send("\r\n");
          sent += chunk.length;
          Thread.sleep(50);
        }
      } catch (java.io.IOException closed) {
        // the server may close once it answered
      }
      resp = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(resp.status()).isEqualTo(413);
      assertThat(sent).isLessThan(14 * chunk.length);
    }
  }

  @Test
  void aCompressedBodyIsAccountedAsItInflates() throws Exception {
    try (RunningRosetta r = new RunningRosetta(BUDGET)) {
      // 900 kB of protobuf in a few kB of gzip: refused while inflating, never inflated whole
      byte[] body = Bodies.gauge("inflating", "i", 900, 1000).toByteArray();
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write(body);
      }
      try (RawHttp c = new RawHttp(r.httpPort())) {
        c.send(RawHttp.request("POST", "/v1/metrics", Map.of("Content-Type", "application/x-protobuf",
            "Content-Encoding", "gzip"), gz.toByteArray()));
        RawHttp.Response resp = c.read(WAIT);
        assertThat(resp.status()).isEqualTo(413);
        assertThat(com.google.rpc.Status.parseFrom(resp.body()).getMessage()).contains("in-flight budget");
      }
    }
  }

  @Test
  void grpcCallsAreAdmittedAtTheirStart() throws Exception {
    BlockingStage blocking = new BlockingStage();
    // gRPC reserves the largest message at a call's start: 1 MiB here, so four calls fit at once
    String yaml = RunningRosetta.listeners("", "max_recv_msg_size_mib: 1", "") + BUDGET;
    try (RunningRosetta r = RunningRosetta.withYaml(yaml, blocking.module())) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        var async = MetricsServiceGrpc.newFutureStub(ch);
        var stub = MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        var held = async.export(ExportMetricsServiceRequest.parseFrom(
            Bodies.ofSize(BlockingStage.NAME, "h", 320_000)));
        blocking.awaitHeld(1, WAIT);
        // what the held call holds (~3.4 MiB) leaves too little for another call's 1 MiB start
        StatusRuntimeException e = null;
        try {
          stub.export(ExportMetricsServiceRequest.parseFrom(Bodies.small("s")));
        } catch (StatusRuntimeException ex) {
          e = ex;
        }
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        com.google.rpc.Status st = StatusProto.fromThrowable(e);
        assertThat(st.getDetailsList()).anyMatch(a -> a.is(RetryInfo.class));
        blocking.release();
        held.get(10, TimeUnit.SECONDS);
        assertThat(stub.export(ExportMetricsServiceRequest.parseFrom(Bodies.small("s")))).isNotNull();
        // a message that could never fit is refused once it has arrived
        try {
          stub.export(ExportMetricsServiceRequest.parseFrom(Bodies.ofSize("big", "b", 600_000)));
          throw new AssertionError("expected RESOURCE_EXHAUSTED");
        } catch (StatusRuntimeException ex) {
          assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(ex.getStatus().getDescription()).contains("in-flight budget");
        }
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(refused(r, "grpc", "in_flight_budget")).isEqualTo(1);
      assertThat(r.service.components().admission().limiter().inFlight()).isZero();
    }
  }

  @Test
  void aboveTheSoftLimitEverythingIsRefusedForARetry() throws Exception {
    // a 1 MiB soft limit: the heap is always above it
    String yaml = RunningRosetta.listeners("", "", "")
        + "processors: {memory_limiter: {check_interval: 50ms, limit_mib: 2, spike_limit_mib: 1}}\n";
    try (RunningRosetta r = RunningRosetta.withYaml(yaml, null);
        RawHttp c = new RawHttp(r.httpPort())) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!r.service.components().admission().limiter().refusing() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      c.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("x")));
      RawHttp.Response resp = c.read(WAIT);
      assertThat(resp.status()).isEqualTo(503);
      assertThat(resp.headers()).containsEntry("retry-after", "5");
      assertThat(com.google.rpc.Status.parseFrom(resp.body()).getMessage()).contains("soft limit");
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(ExportMetricsServiceRequest.parseFrom(Bodies.small("g")));
        throw new AssertionError("expected UNAVAILABLE");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        RetryInfo retry = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(5);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(r.scrape()).contains("rosetta_memory_limiter_refusing 1.0");
      assertThat(refused(r, "http_protobuf", "memory_limit")).isEqualTo(1);
      assertThat(refused(r, "grpc", "memory_limit")).isEqualTo(1);
    }
  }
}
