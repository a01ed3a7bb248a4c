package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An expensive request (held in the pipeline, standing for a body that takes long to decode) does
 * not delay other clients' requests, over either transport, nor {@code /metrics}: the event loops
 * only do I/O, and large requests run on their own lane.
 */
class FairnessTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  /** Far below the time the expensive requests are held; generous for a loaded machine. */
  static final Duration SMALL_REQUEST_BOUND = Duration.ofSeconds(5);
  static final Map<String, String> PROTOBUF = Map.of("Content-Type", "application/x-protobuf");

  @Test
  void expensiveRequestsDoNotDelayOtherClientsOrTheScrape() throws Exception {
    BlockingStage blocking = new BlockingStage();
    try (RunningRosetta r = new RunningRosetta("", blocking.module());
        RawHttp expensive1 = new RawHttp(r.httpPort());
        RawHttp expensive2 = new RawHttp(r.httpPort())) {
      // two large bodies (600 kB): one is handled on the large lane, the other waits there
      expensive1.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF,
          Bodies.ofSize(BlockingStage.NAME, "e1", 600_000)));
      expensive2.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF,
          Bodies.ofSize(BlockingStage.NAME, "e2", 600_000)));
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.grpcPort()).usePlaintext().build();
      try {
        var future = MetricsServiceGrpc.newFutureStub(ch);
        var expensiveGrpc = future.export(ExportMetricsServiceRequest.parseFrom(
            Bodies.ofSize(BlockingStage.NAME, "e3", 600_000)));
        blocking.awaitHeld(1, WAIT);

        List<Duration> latencies = new ArrayList<>();
        var stub = MetricsServiceGrpc.newBlockingStub(ch);
        for (int i = 0; i < 20; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> resp = r.http.send(HttpRequest.newBuilder(URI.create(r.httpBase() + "/v1/metrics"))
              .header("Content-Type", "application/x-protobuf").timeout(WAIT)
              .POST(HttpRequest.BodyPublishers.ofByteArray(Bodies.small("h" + i))).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(resp.statusCode()).isEqualTo(200);
          ExportMetricsServiceResponse g = stub.withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
              .export(ExportMetricsServiceRequest.parseFrom(Bodies.small("g" + i)));
          assertThat(g.hasPartialSuccess()).isFalse();
          HttpResponse<String> scrape = r.http.send(HttpRequest.newBuilder(URI.create(r.metricsBase() + "/metrics"))
              .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(scrape.statusCode()).isEqualTo(200);
          latencies.add(Duration.ofNanos(System.nanoTime() - t0));
        }
        assertThat(blocking.held()).as("the expensive requests were still in hand").isPositive();
        assertThat(latencies).allMatch(d -> d.compareTo(SMALL_REQUEST_BOUND) < 0);

        blocking.release();
        assertThat(expensive1.read(WAIT).status()).isEqualTo(200);
        assertThat(expensive2.read(WAIT).status()).isEqualTo(200);
        assertThat(expensiveGrpc.get(10, TimeUnit.SECONDS).hasPartialSuccess()).isFalse();
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aSlowSmallRequestLeavesTheOtherIngestThreadsToOthers() throws Exception {
    BlockingStage blocking = new BlockingStage();
    try (RunningRosetta r = new RunningRosetta("", blocking.module());
        RawHttp slow = new RawHttp(r.httpPort());
        RawHttp other = new RawHttp(r.httpPort())) {
      slow.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.gauge(BlockingStage.NAME, "s", 1, 0)
          .toByteArray()));
      blocking.awaitHeld(1, WAIT);
      for (int i = 0; i < 20; i++) {
        other.send(RawHttp.request("POST", "/v1/metrics", PROTOBUF, Bodies.small("o" + i)));
        assertThat(other.read(SMALL_REQUEST_BOUND).status()).isEqualTo(200);
      }
      blocking.release();
      assertThat(slow.read(WAIT).status()).isEqualTo(200);
    }
  }
}
