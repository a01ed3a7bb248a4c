package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Body storms against the packaged service on a small heap ({@code -Xmx256m}, exiting on
 * OutOfMemoryError): 16 clients at once posting ~15 MB OTLP protobuf bodies; 16 gzip bodies of
 * ~1.6 MB that inflate to ~19 MB; 16 bodies of 4 MB (of which some fit the memory budget one at a
 * time); and the same over gRPC. Every client gets a status (200, 413 or 503; OK, RESOURCE_EXHAUSTED
 * or UNAVAILABLE), none a closed connection; the process survives, stays healthy and serves normally
 * afterwards; its resident memory stays near the heap.
 */
@ExtendWith(PeerLogs.class)
class BodyStormTest {
  static final int CLIENTS = 16;
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);
  static final Set<String> HTTP_ANSWERS = Set.of("200", "413", "503");
  static final Set<String> GRPC_ANSWERS = Set.of("OK", "RESOURCE_EXHAUSTED", "UNAVAILABLE");
  /** The heap, plus what a JVM holds besides it (code, metaspace, thread stacks, GC structures). */
  static final long RSS_BOUND = (256L + 200) << 20;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void stormsOnA256MiBHeapGetStatusesAndLeaveTheServiceServing() throws Exception {
    byte[] big = Bodies.otlp("storm", 15_000_000, 0.5, 1);
    byte[] inflating = Bodies.otlp("storm", 19_000_000, 0.12, 2);
    byte[] gzip = Bodies.gzip(inflating);
    byte[] mid = Bodies.otlp("storm", 4_000_000, 0.5, 3);
    assertThat(gzip.length).as("gzip body size").isBetween(1_200_000, 2_200_000);
    try (RosettaProcess r = RosettaProcess.start(getClass(), "storm", tmp, RosettaProcess.Ports.free(), "", "",
        List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"))) {
      URI otlp = URI.create(r.httpBase() + "/v1/metrics");
      int grpcPort = r.ports().grpc();

      Storm.Result s1 = Storm.http(otlp, big, null, CLIENTS, CLIENT_TIMEOUT);
      Storm.Result s2 = Storm.http(otlp, gzip, "gzip", CLIENTS, CLIENT_TIMEOUT);
      Storm.Result s3 = Storm.http(otlp, mid, null, CLIENTS, CLIENT_TIMEOUT);
      Storm.Result g1 = Storm.grpc("127.0.0.1", grpcPort, big, false, CLIENTS, CLIENT_TIMEOUT);
      Storm.Result g2 = Storm.grpc("127.0.0.1", grpcPort, inflating, true, CLIENTS, CLIENT_TIMEOUT);
      Storm.Result g3 = Storm.grpc("127.0.0.1", grpcPort, mid, false, CLIENTS, CLIENT_TIMEOUT);
      String report = "15 MB: " + s1.counts() + ", gzip 1.6->19 MB: " + s2.counts() + ", 4 MB: " + s3.counts()
          + "; gRPC 15 MB: " + g1.counts() + ", gRPC gzip 19 MB: " + g2.counts() + ", gRPC 4 MB: " + g3.counts()
          + "; log:\n" + r.logText();
      System.out.println("storm answers: " + report.substring(0, report.indexOf("; log:")));

      assertThat(r.process().isAlive()).as("the service survived; " + report).isTrue();
      assertThat(r.logText()).as("no OutOfMemoryError").doesNotContain("OutOfMemoryError");
      for (Storm.Result s : List.of(s1, s2, s3)) {
        assertThat(s.answers()).as(report).hasSize(CLIENTS).allMatch(HTTP_ANSWERS::contains);
      }
      for (Storm.Result s : List.of(g1, g2, g3)) {
        assertThat(s.answers()).as(report).hasSize(CLIENTS).allMatch(GRPC_ANSWERS::contains);
      }
      // the budget lets 4 MB bodies through one or a few at a time, and refuses the rest for a retry
      assertThat(s3.answers()).as(report).contains("200", "503");
      assertThat(g3.answers()).as(report).contains("OK", "UNAVAILABLE");

      // serving normally afterwards
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Await.until("a small request accepted after the storms", Duration.ofSeconds(30), () -> client.send(
          HttpRequest.newBuilder(otlp).header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(Bodies.small("after", "after-storm", 10)))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode(), code -> code == 200);
      assertThat(r.get("/healthz").statusCode()).isEqualTo(200);
      String metrics = r.scrape();
      assertThat(metrics).contains("id=\"after-storm\"").contains("rosetta_admission_refused_requests_total");
      long rss = r.rssBytes();
      System.out.println("storm RSS after: " + (rss >> 20) + " MiB");
      assertThat(rss).as("resident memory after the storms, bytes").isLessThan(RSS_BOUND);
      r.stopCleanly();
    }
  }
}
