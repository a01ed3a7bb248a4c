package dev.rosetta.receiver.forward;

import static dev.rosetta.receiver.testing.OtlpSink.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.forward.ForwarderSettings.Batch;
import dev.rosetta.receiver.forward.ForwarderSettings.Retry;
import dev.rosetta.receiver.testing.OtlpRequests;
import dev.rosetta.receiver.testing.OtlpSink;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forwarder against an in-process OTLP sink. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OtlpForwarderTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private OtlpSink sink;
  private ManagedChannel channel;
  private CollectorRegistry registry;
  private final List<OtlpForwarder> forwarders = new ArrayList<>();

  @BeforeEach
  void setUp() {
    sink = OtlpSink.inProcess();
    channel = sink.newChannel();
    registry = new CollectorRegistry();
  }

  /** Every test ends with the balance: everything accepted was sent or dropped, nothing is left. */
  @AfterEach
  void tearDown() {
    try {
      for (OtlpForwarder f : forwarders) {
        f.shutdown(Duration.ofSeconds(5));
        ForwarderStats s = f.stats();
        assertThat(s.queuedRequests()).as("queued requests").isZero();
        assertThat(s.queuedPoints()).as("queued points").isZero();
        assertThat(s.inFlightPoints()).as("in-flight points").isZero();
        assertThat(s.unaccountedPoints()).as("enqueued - sent - dropped").isZero();
        assertThat(s.enqueuedPoints()).isEqualTo(s.sentPoints() + s.totalDroppedPoints());
      }
    } finally {
      channel.shutdownNow();
      sink.close();
    }
  }

  private static ForwarderSettings.Builder settings() {
    return ForwarderSettings.builder("downstream.invalid:4317")
        .plaintext(true)
        .timeout(Duration.ofSeconds(3))
        .numConsumers(1)
        .queueSize(100)
        .retry(fastRetry(Duration.ofSeconds(5)))
        .batch(new Batch(1, 0, Duration.ZERO));
  }

  private static Retry fastRetry(Duration maxElapsed) {
    return new Retry(true, Duration.ofMillis(10), 0.2, 1.5, Duration.ofMillis(40), maxElapsed);
  }

  private OtlpForwarder forwarder(UnaryOperator<ForwarderSettings.Builder> customize) {
    OtlpForwarder f =
        OtlpForwarder.forChannel(customize.apply(settings()).build(), channel, registry);
    forwarders.add(f);
    return f;
  }

  private static int offerAll(OtlpForwarder f, List<ExportMetricsServiceRequest> requests) {
    int points = 0;
    for (ExportMetricsServiceRequest r : requests) {
      assertThat(f.offer(r, OtlpDataPoints.count(r))).isTrue();
      points += OtlpDataPoints.count(r);
    }
    return points;
  }

  private static List<ExportMetricsServiceRequest> gaugeRequests(int n, int metrics, int points) {
    List<ExportMetricsServiceRequest> rs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rs.add(OtlpRequests.gauges("req" + i, metrics, points));
    }
    return rs;
  }

  /** Waits until the forwarder has seen {@code points} acknowledged (the sink then has them too). */
  private static void awaitSent(OtlpForwarder f, long points) {
    awaitTrue(() -> f.stats().sentPoints() >= points, points + " points sent");
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    assertThat(await(condition, WAIT)).as(what).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // content and batching

  @Test
  void forwardedContentEqualsWhatWasOffered() {
    OtlpForwarder f = forwarder(b -> b.batch(new Batch(1000, 0, Duration.ofMillis(50))));
    List<ExportMetricsServiceRequest> offered =
        List.of(
            OtlpRequests.allKinds("a", 3),
            OtlpRequests.allKinds("b", 1),
            OtlpRequests.gauges("c", 2, 2));
    int points = offerAll(f, offered);

    awaitSent(f, points);
    assertThat(OtlpRequests.resourceMetrics(sink.acceptedRequests()))
        .isEqualTo(OtlpRequests.resourceMetrics(offered));
    assertThat(f.stats().sentPoints()).isEqualTo(points);
    assertThat(f.stats().enqueuedPoints()).isEqualTo(points);
  }

  @Test
  void smallRequestsAreMergedIntoOneExport() {
    OtlpForwarder f = forwarder(b -> b.batch(new Batch(10, 0, Duration.ofSeconds(5))));
    List<ExportMetricsServiceRequest> offered = gaugeRequests(5, 1, 2);
    int points = offerAll(f, offered);

    awaitSent(f, points);
    assertThat(sink.calls()).hasSize(1);
    assertThat(sink.calls().get(0).request().getResourceMetricsList())
        .isEqualTo(OtlpRequests.resourceMetrics(offered));
    assertThat(f.stats().sentRequests()).isEqualTo(1);
  }

  @Test
  void aSmallExportLeavesAfterTheFlushTimeout() {
    OtlpForwarder f = forwarder(b -> b.batch(new Batch(1000, 0, Duration.ofMillis(100))));
    long start = System.nanoTime();
    offerAll(f, gaugeRequests(1, 1, 3));

    awaitSent(f, 3);
    long waitedMillis = (sink.calls().get(0).arrivalNanos() - start) / 1_000_000;
    assertThat(waitedMillis).isGreaterThanOrEqualTo(80);
  }

  @Test
  void oversizedRequestIsSplitSoThatNoExportExceedsTheMax() {
    OtlpForwarder f = forwarder(b -> b.batch(new Batch(5, 8, Duration.ofMillis(20))));
    ExportMetricsServiceRequest big = OtlpRequests.allKinds("big", 4); // 24 points
    List<ExportMetricsServiceRequest> offered = new ArrayList<>(List.of(big));
    offered.addAll(gaugeRequests(3, 1, 3));
    int points = offerAll(f, offered);

    awaitSent(f, points);
    assertThat(sink.calls()).allSatisfy(c -> assertThat(c.points()).isBetween(1, 8));
    assertThat(OtlpRequests.pointIds(sink.acceptedRequests()))
        .isEqualTo(OtlpRequests.pointIds(offered));
  }

  @Test
  void requestsWithinTheMaxAreNeverSplit() {
    OtlpForwarder f = forwarder(b -> b.batch(new Batch(10, 10, Duration.ofMillis(50))));
    List<ExportMetricsServiceRequest> offered = gaugeRequests(3, 2, 3); // 6 points each
    int points = offerAll(f, offered);

    awaitSent(f, points);
    // 6 + 6 > 10: each request travels alone and whole
    assertThat(sink.acceptedRequests()).containsExactlyElementsOf(offered);
  }

  // ---------------------------------------------------------------------------------------------
  // retries

  @Test
  void unavailableForAWhileIsRetriedAndEveryPointArrivesExactlyOnce() {
    sink.failFor(Duration.ofMillis(300), Status.Code.UNAVAILABLE);
    OtlpForwarder f = forwarder(b -> b.numConsumers(3));
    List<ExportMetricsServiceRequest> offered = gaugeRequests(6, 2, 2);
    int points = offerAll(f, offered);

    awaitSent(f, points);
    List<String> delivered = OtlpRequests.pointIds(sink.acceptedRequests());
    assertThat(delivered).hasSameSizeAs(new HashSet<>(delivered));
    assertThat(delivered).containsExactlyInAnyOrderElementsOf(OtlpRequests.pointIds(offered));

    ForwarderStats s = f.stats();
    assertThat(s.sentPoints()).isEqualTo(points);
    assertThat(s.totalDroppedPoints()).isZero();
    assertThat(s.failedRequests(Status.Code.UNAVAILABLE)).isPositive();
    assertThat(s.retries()).isEqualTo(s.failedRequests(Status.Code.UNAVAILABLE));
    assertThat(sink.calls()).hasSize((int) (s.sentRequests() + s.retries()));
  }

  @Test
  void retryInfoDelayIsHonoured() {
    sink.failNextWithRetryInfo(1, Status.Code.RESOURCE_EXHAUSTED, Duration.ofMillis(400));
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 1));

    awaitSent(f, 1);
    List<OtlpSink.Call> calls = sink.calls();
    assertThat(calls).hasSize(2);
    long gapMillis = (calls.get(1).arrivalNanos() - calls.get(0).arrivalNanos()) / 1_000_000;
    // the backoff alone would wait ~10ms
    assertThat(gapMillis).isGreaterThanOrEqualTo(350);
    assertThat(f.stats().retries()).isEqualTo(1);
  }

  @Test
  void resourceExhaustedWithoutRetryInfoIsNotRetried() {
    sink.failNext(1, Status.Code.RESOURCE_EXHAUSTED);
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 4));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 4, "dropped");
    assertThat(f.stats().droppedPoints(DropReason.NON_RETRYABLE)).isEqualTo(4);
    assertThat(sink.calls()).hasSize(1);
  }

  /** Each code answered once: retryable ones are retried and delivered, the others dropped. */
  @ParameterizedTest(name = "{0} retried: {1}")
  @CsvSource({
    "CANCELLED, true",
    "UNKNOWN, false",
    "INVALID_ARGUMENT, false",
    "DEADLINE_EXCEEDED, true",
    "NOT_FOUND, false",
    "ALREADY_EXISTS, false",
    "PERMISSION_DENIED, false",
    "RESOURCE_EXHAUSTED, false",
    "FAILED_PRECONDITION, false",
    "ABORTED, true",
    "OUT_OF_RANGE, true",
    "UNIMPLEMENTED, false",
    "INTERNAL, false",
    "UNAVAILABLE, true",
    "DATA_LOSS, true",
    "UNAUTHENTICATED, false",
  })
  void statusCodesAreRetriedAsTheOtlpSpecSays(Status.Code code, boolean retried) {
    sink.failNext(1, code);
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 2));

    awaitTrue(() -> f.stats().sentPoints() + f.stats().totalDroppedPoints() == 2, "settled");
    ForwarderStats s = f.stats();
    assertThat(s.failedRequests(code)).isEqualTo(1);
    if (retried) {
      assertThat(s.sentPoints()).isEqualTo(2);
      assertThat(s.retries()).isEqualTo(1);
      assertThat(sink.calls()).hasSize(2);
    } else {
      assertThat(s.droppedPoints(DropReason.NON_RETRYABLE)).isEqualTo(2);
      assertThat(s.retries()).isZero();
      assertThat(sink.calls()).hasSize(1);
    }
  }

  @Test
  void invalidArgumentIsDroppedAtOnceAndTheNextRequestStillGoes() {
    sink.failNext(1, Status.Code.INVALID_ARGUMENT);
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(2, 1, 3));

    awaitTrue(() -> f.stats().sentPoints() == 3, "second request sent");
    ForwarderStats s = f.stats();
    assertThat(s.droppedPoints(DropReason.NON_RETRYABLE)).isEqualTo(3);
    assertThat(s.retries()).isZero();
    assertThat(s.failedRequests(Status.Code.INVALID_ARGUMENT)).isEqualTo(1);
    assertThat(sink.calls()).hasSize(2);
  }

  @Test
  void retriesStopAfterMaxElapsedTime() {
    OtlpForwarder f = forwarder(b -> b.retry(fastRetry(Duration.ofMillis(500))));
    // a first export warms the channel: in a fresh JVM the first call alone can take longer than
    // the retry budget, and then no retry would fit in it
    offerAll(f, gaugeRequests(1, 1, 1));
    awaitTrue(() -> f.stats().sentPoints() == 1, "first export sent");
    sink.failAlways(Status.Code.UNAVAILABLE);
    offerAll(f, gaugeRequests(1, 1, 5));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 5, "dropped");
    ForwarderStats s = f.stats();
    assertThat(s.droppedPoints(DropReason.RETRIES_EXHAUSTED)).isEqualTo(5);
    assertThat(s.retries()).isPositive();
    assertThat(sink.calls()).hasSizeGreaterThan(3);
  }

  @Test
  void withRetriesDisabledARetryableFailureDropsAtOnce() {
    sink.failNext(1, Status.Code.UNAVAILABLE);
    OtlpForwarder f = forwarder(b -> b.retry(Retry.disabled()));
    offerAll(f, gaugeRequests(1, 1, 2));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 2, "dropped");
    assertThat(f.stats().droppedPoints(DropReason.RETRIES_EXHAUSTED)).isEqualTo(2);
    assertThat(sink.calls()).hasSize(1);
  }

  @Test
  void partialSuccessCountsRejectedPointsAndIsNotRetried() {
    sink.partialSuccessNext(3, "3 points had no timestamp");
    List<String> logged = captureLog();
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 2, 5));

    awaitTrue(
        () -> f.stats().sentPoints() + f.stats().totalDroppedPoints() == 10, "answer accounted");
    ForwarderStats s = f.stats();
    assertThat(s.sentPoints()).isEqualTo(7);
    assertThat(s.droppedPoints(DropReason.REJECTED_BY_DOWNSTREAM)).isEqualTo(3);
    assertThat(sink.calls()).hasSize(1);
    assertThat(logged).anySatisfy(l -> assertThat(l).contains("3 points had no timestamp"));
  }

  // ---------------------------------------------------------------------------------------------
  // queue

  @Test
  void fullQueueRefusesWithoutBlockingAndCountsRefused() {
    sink.hangNext(1);
    OtlpForwarder f = forwarder(b -> b.queueSize(2));
    ExportMetricsServiceRequest r = OtlpRequests.gauges("r", 1, 4);

    assertThat(f.offer(r, 4)).isTrue();
    assertThat(sink.awaitCalls(1, WAIT)).isTrue(); // the only sender is busy with it
    assertThat(f.offer(r, 4)).isTrue();
    assertThat(f.offer(r, 4)).isTrue();
    long start = System.nanoTime();
    assertThat(f.offer(r, 4)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

    ForwarderStats s = f.stats();
    assertThat(s.refusedPoints(RefusalReason.QUEUE_FULL)).isEqualTo(4);
    assertThat(s.enqueuedPoints()).isEqualTo(12);
    assertThat(s.queuedRequests()).isEqualTo(2);
    assertThat(s.queuedPoints()).isEqualTo(8);
    assertThat(s.inFlightPoints()).isEqualTo(4);
    assertThat(s.totalDroppedPoints()).isZero();

    sink.releaseHung();
    awaitTrue(() -> f.stats().sentPoints() == 12, "all sent");
    assertThat(f.offer(r, 4)).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // shutdown

  @Test
  void shutdownDrainsQueueAndInFlightExports() {
    sink.responseDelay(Duration.ofMillis(30));
    OtlpForwarder f = forwarder(b -> b.numConsumers(2));
    List<ExportMetricsServiceRequest> offered = gaugeRequests(10, 1, 2);
    int points = offerAll(f, offered);

    f.shutdown(Duration.ofSeconds(5));

    assertThat(sink.acceptedPoints()).isEqualTo(points);
    assertThat(OtlpRequests.pointIds(sink.acceptedRequests()))
        .containsExactlyInAnyOrderElementsOf(OtlpRequests.pointIds(offered));
    ForwarderStats s = f.stats();
    assertThat(s.sentPoints()).isEqualTo(points);
    assertThat(s.totalDroppedPoints()).isZero();

    assertThat(f.offer(offered.get(0), 2)).isFalse();
    assertThat(f.stats().refusedPoints(RefusalReason.STOPPED)).isEqualTo(2);
  }

  @Test
  void shutdownWithTheDownstreamDownPastTheDeadlineDropsTheRest() {
    sink.failAlways(Status.Code.UNAVAILABLE);
    OtlpForwarder f = forwarder(b -> b.retry(fastRetry(Duration.ZERO))); // retry forever
    int points = offerAll(f, gaugeRequests(5, 1, 3));
    assertThat(sink.awaitCalls(2, WAIT)).isTrue();

    long start = System.nanoTime();
    f.shutdown(Duration.ofMillis(300));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(3));
    ForwarderStats s = f.stats();
    assertThat(s.sentPoints()).isZero();
    assertThat(s.droppedPoints(DropReason.SHUTDOWN)).isEqualTo(points);
    assertThat(s.droppedPoints(DropReason.RETRIES_EXHAUSTED)).isZero();
  }

  @Test
  void shutdownCancelsAnExportTheDownstreamNeverAnswers() {
    sink.hangNext(100);
    OtlpForwarder f = forwarder(b -> b.timeout(Duration.ofSeconds(30)));
    offerAll(f, gaugeRequests(3, 1, 2));
    assertThat(sink.awaitCalls(1, WAIT)).isTrue();

    long start = System.nanoTime();
    f.shutdown(Duration.ofMillis(200));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(3));
    ForwarderStats s = f.stats();
    assertThat(s.droppedPoints(DropReason.SHUTDOWN)).isEqualTo(6);
    assertThat(s.failedRequests(Status.Code.CANCELLED)).isEqualTo(1);
    assertThat(s.retries()).isZero();
  }

  @Test
  void shutdownIsIdempotentAndSafeBeforeAnySend() {
    OtlpForwarder f = forwarder(b -> b);
    f.shutdown(Duration.ofSeconds(1));
    f.shutdown(Duration.ofSeconds(1));
    f.close();

    assertThat(f.offer(OtlpRequests.gauges("late", 1, 1), 1)).isFalse();
    ForwarderStats s = f.stats();
    assertThat(s.enqueuedPoints()).isZero();
    assertThat(s.refusedPoints(RefusalReason.STOPPED)).isEqualTo(1);
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void concurrentShutdownCallsAllReturnAfterTheWorkIsAccountedFor() throws Exception {
    sink.responseDelay(Duration.ofMillis(50));
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(4, 1, 1));
    CountDownLatch done = new CountDownLatch(3);
    List<Long> seenUnaccounted = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t =
          new Thread(
              () -> {
                f.shutdown(Duration.ofSeconds(5));
                ForwarderStats s = f.stats();
                seenUnaccounted.add(s.queuedPoints() + s.inFlightPoints());
                done.countDown();
              });
      t.start();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(seenUnaccounted).containsOnly(0L);
    assertThat(f.stats().sentPoints()).isEqualTo(4);
  }

  // ---------------------------------------------------------------------------------------------
  // transport options

  @Test
  void headersAndGzipReachTheSink() {
    OtlpForwarder f =
        forwarder(
            b ->
                b.gzip(true)
                    .headers(Map.of("X-Tenant", "acme", "authorization", "Bearer s3cret")));
    offerAll(f, gaugeRequests(1, 1, 1));

    awaitSent(f, 1);
    OtlpSink.Call call = sink.calls().get(0);
    assertThat(call.header("x-tenant")).contains("acme");
    assertThat(call.header("authorization")).contains("Bearer s3cret");
    assertThat(call.header("grpc-encoding")).contains("gzip");
  }

  @Test
  void withoutGzipNoEncodingIsAnnounced() {
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 1));

    awaitSent(f, 1);
    assertThat(sink.calls().get(0).header("grpc-encoding")).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // observability

  @Test
  void selfMetricsMatchTheStats() {
    sink.failNext(1, Status.Code.INVALID_ARGUMENT).failNext(1, Status.Code.UNAVAILABLE);
    OtlpForwarder f = forwarder(b -> b);
    offerAll(f, gaugeRequests(3, 1, 2));
    awaitTrue(() -> f.stats().sentPoints() + f.stats().totalDroppedPoints() == 6, "settled");
    f.shutdown(Duration.ofSeconds(1));
    assertThat(f.offer(OtlpRequests.gauges("late", 1, 5), 5)).isFalse();

    ForwarderStats s = f.stats();
    assertThat(sample("rosetta_exporter_enqueued_points_total")).isEqualTo(6);
    assertThat(sample("rosetta_exporter_sent_points_total")).isEqualTo(s.sentPoints()).isEqualTo(4);
    assertThat(sample("rosetta_exporter_sent_requests_total")).isEqualTo(2);
    assertThat(sample("rosetta_exporter_retries_total")).isEqualTo(1);
    assertThat(sample("rosetta_exporter_send_failed_requests_total", "code", "INVALID_ARGUMENT"))
        .isEqualTo(1);
    assertThat(sample("rosetta_exporter_send_failed_requests_total", "code", "UNAVAILABLE"))
        .isEqualTo(1);
    assertThat(sample("rosetta_exporter_dropped_points_total", "reason", "non_retryable"))
        .isEqualTo(2);
    assertThat(sample("rosetta_exporter_dropped_points_total", "reason", "shutdown")).isZero();
    assertThat(sample("rosetta_exporter_refused_points_total", "reason", "stopped")).isEqualTo(5);
    assertThat(sample("rosetta_exporter_refused_points_total", "reason", "queue_full")).isZero();
    assertThat(sample("rosetta_exporter_queue_requests")).isZero();
    assertThat(sample("rosetta_exporter_queue_points")).isZero();
    assertThat(sample("rosetta_exporter_in_flight_points")).isZero();
  }

  @Test
  void metricsCanBeSharedBySuccessiveForwarders() {
    ForwarderMetrics metrics = new ForwarderMetrics(registry);
    for (int i = 1; i <= 2; i++) {
      OtlpForwarder f = OtlpForwarder.forChannel(settings().build(), channel, metrics);
      forwarders.add(f);
      offerAll(f, gaugeRequests(1, 1, i));
      f.shutdown(Duration.ofSeconds(5));
    }
    assertThat(sample("rosetta_exporter_sent_points_total")).isEqualTo(3);
    assertThat(forwarders.get(1).stats().sentPoints()).isEqualTo(2);
  }

  @Test
  void registeringTwiceOnOneRegistryFails() {
    forwarder(b -> b);
    assertThatThrownBy(() -> forwarder(b -> b)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void downstreamStateChangesAreLoggedOnceEach() {
    List<String> logged = captureLog();
    sink.failNext(6, Status.Code.UNAVAILABLE);
    OtlpForwarder f = forwarder(b -> b);
    int points = offerAll(f, gaugeRequests(4, 1, 1));

    awaitSent(f, points);
    assertThat(logged).filteredOn(l -> l.contains("unavailable")).hasSize(1);
    assertThat(logged).filteredOn(l -> l.contains("recovered")).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------
  // the balance under load

  @Test
  void concurrentOffersAgainstAFlakyDownstreamKeepTheBalance() throws Exception {
    sink.failEvery(3, Status.Code.UNAVAILABLE).failNext(2, Status.Code.INVALID_ARGUMENT);
    OtlpForwarder f =
        forwarder(
            b ->
                b.numConsumers(4)
                    .queueSize(20)
                    .batch(new Batch(10, 15, Duration.ofMillis(5))));
    AtomicLong refused = new AtomicLong();
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread p =
          new Thread(
              () -> {
                for (int i = 0; i < 150; i++) {
                  ExportMetricsServiceRequest r =
                      OtlpRequests.gauges("p" + id + "-" + i, 1 + i % 3, 1 + i % 7);
                  int n = OtlpDataPoints.count(r);
                  if (!f.offer(r, n)) {
                    refused.addAndGet(n);
                  }
                  if (i % 10 == 0) {
                    Thread.yield();
                  }
                }
              });
      producers.add(p);
      p.start();
    }
    for (Thread p : producers) {
      p.join();
    }
    f.shutdown(Duration.ofSeconds(5));

    ForwarderStats s = f.stats();
    assertThat(s.totalRefusedPoints()).isEqualTo(refused.get());
    assertThat(s.unaccountedPoints()).isZero();
    assertThat(s.sentPoints()).isEqualTo(sink.acceptedPoints());
    List<String> delivered = OtlpRequests.pointIds(sink.acceptedRequests());
    assertThat(delivered).hasSameSizeAs(new HashSet<>(delivered));
    assertThat(sink.calls()).allSatisfy(c -> assertThat(c.points()).isLessThanOrEqualTo(15));
  }

  // ---------------------------------------------------------------------------------------------

  private double sample(String name) {
    Double v = registry.getSampleValue(name);
    return v == null ? Double.NaN : v;
  }

  private double sample(String name, String label, String value) {
    Double v = registry.getSampleValue(name, new String[] {label}, new String[] {value});
    return v == null ? Double.NaN : v;
  }

  private final List<Runnable> logCleanup = new ArrayList<>();

  private List<String> captureLog() {
    Logger logger = Logger.getLogger(OtlpForwarder.class.getName());
    List<String> messages = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            messages.add(record.getLevel() + " " + record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
    logCleanup.add(() -> logger.removeHandler(handler));
    return messages;
  }

  @AfterEach
  void removeLogHandlers() {
    logCleanup.forEach(Runnable::run);
  }
}
