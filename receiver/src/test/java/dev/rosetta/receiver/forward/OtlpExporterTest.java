package dev.rosetta.receiver.forward;

import static dev.rosetta.receiver.testing.OtlpSink.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.config.BatchConfig;
import dev.rosetta.receiver.config.Compression;
import dev.rosetta.receiver.config.Endpoint;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.QueueConfig;
import dev.rosetta.receiver.config.RetryConfig;
import dev.rosetta.receiver.config.TlsClientConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
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

/** An exporter with a memory queue against an in-process OTLP sink. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OtlpExporterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private OtlpSink sink;
  private ManagedChannel channel;
  private CollectorRegistry registry;
  private ExporterMetrics metrics;
  private final ServiceHealth health = new ServiceHealth();
  private final List<OtlpExporter> forwarders = new ArrayList<>();

  @BeforeEach
  void setUp() {
    sink = OtlpSink.inProcess();
    channel = sink.newChannel();
    registry = new CollectorRegistry();
    metrics = new ExporterMetrics(registry);
  }

  /** Every test ends with the balance: everything accepted was sent or dropped, nothing is left. */
  @AfterEach
  void tearDown() {
    try {
      for (OtlpExporter f : forwarders) {
        f.shutdown(Duration.ofSeconds(5));
        ExporterStats s = f.stats();
        assertThat(s.queuedRequests()).as("queued requests").isZero();
        assertThat(s.queuedPoints()).as("queued points").isZero();
        assertThat(s.inFlightPoints()).as("in-flight points").isZero();
        assertThat(s.unaccountedPoints()).as("enqueued - sent - dropped").isZero();
        assertThat(s.enqueuedPoints()).isEqualTo(s.sentPoints() + s.totalDroppedPoints());
      }
      assertThat(health.isHealthy()).as("no thread died").isTrue();
    } finally {
      channel.shutdownNow();
      sink.close();
    }
  }

  static OtlpExporterConfig settings() {
    return OtlpExporterConfig.defaults(new Endpoint("downstream.invalid", 4317))
        .withTls(TlsClientConfig.plaintext())
        .withCompression(Compression.NONE)
        .withTimeout(Duration.ofSeconds(3))
        .withSendingQueue(QueueConfig.memory(1, 100))
        .withRetryOnFailure(fastRetry(Duration.ofSeconds(5)))
        .withBatch(new BatchConfig(1, 0, Duration.ZERO));
  }

  static RetryConfig fastRetry(Duration maxElapsed) {
    return new RetryConfig(true, Duration.ofMillis(10), 0.2, 1.5, Duration.ofMillis(40), maxElapsed);
  }

  static RetryConfig noRetry() {
    return new RetryConfig(false, Duration.ofMillis(10), 0.2, 1.5, Duration.ofMillis(40), Duration.ZERO);
  }

  private OtlpExporter forwarder(UnaryOperator<OtlpExporterConfig> customize) {
    try {
      OtlpExporter f = OtlpExporter.forChannel(customize.apply(settings()), channel, metrics, health);
      forwarders.add(f);
      return f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int offerAll(OtlpExporter f, List<ExportMetricsServiceRequest> requests) {
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
  private static void awaitSent(OtlpExporter f, long points) {
    awaitTrue(() -> f.stats().sentPoints() >= points, points + " points sent");
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    assertThat(await(condition, WAIT)).as(what).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // content and batching

  @Test
  void forwardedContentEqualsWhatWasOffered() {
    OtlpExporter f = forwarder(b -> b.withBatch(new BatchConfig(1000, 0, Duration.ofMillis(50))));
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
    OtlpExporter f = forwarder(b -> b.withBatch(new BatchConfig(10, 0, Duration.ofSeconds(5))));
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
    OtlpExporter f = forwarder(b -> b.withBatch(new BatchConfig(1000, 0, Duration.ofMillis(100))));
    long start = System.nanoTime();
    offerAll(f, gaugeRequests(1, 1, 3));

    awaitSent(f, 3);
    long waitedMillis = (sink.calls().get(0).arrivalNanos() - start) / 1_000_000;
    assertThat(waitedMillis).isGreaterThanOrEqualTo(80);
  }

  @Test
  void oversizedRequestIsSplitSoThatNoExportExceedsTheMax() {
    OtlpExporter f = forwarder(b -> b.withBatch(new BatchConfig(5, 8, Duration.ofMillis(20))));
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
    OtlpExporter f = forwarder(b -> b.withBatch(new BatchConfig(10, 10, Duration.ofMillis(50))));
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
    OtlpExporter f = forwarder(b -> b.withSendingQueue(QueueConfig.memory(3, 100)));
    List<ExportMetricsServiceRequest> offered = gaugeRequests(6, 2, 2);
    int points = offerAll(f, offered);

    awaitSent(f, points);
    List<String> delivered = OtlpRequests.pointIds(sink.acceptedRequests());
    assertThat(delivered).hasSameSizeAs(new HashSet<>(delivered));
    assertThat(delivered).containsExactlyInAnyOrderElementsOf(OtlpRequests.pointIds(offered));

    ExporterStats s = f.stats();
    assertThat(s.sentPoints()).isEqualTo(points);
    assertThat(s.totalDroppedPoints()).isZero();
    assertThat(s.failedRequests(Status.Code.UNAVAILABLE)).isPositive();
    assertThat(s.retries()).isEqualTo(s.failedRequests(Status.Code.UNAVAILABLE));
    assertThat(sink.calls()).hasSize((int) (s.sentRequests() + s.retries()));
  }

  @Test
  void retryInfoDelayIsHonoured() {
    sink.failNextWithRetryInfo(1, Status.Code.RESOURCE_EXHAUSTED, Duration.ofMillis(400));
    OtlpExporter f = forwarder(b -> b);
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
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 4));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 4, "dropped");
    assertThat(f.stats().droppedPoints(DropReason.RESOURCE_EXHAUSTED)).isEqualTo(4);
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
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 2));

    awaitTrue(() -> f.stats().sentPoints() + f.stats().totalDroppedPoints() == 2, "settled");
    ExporterStats s = f.stats();
    assertThat(s.failedRequests(code)).isEqualTo(1);
    if (retried) {
      assertThat(s.sentPoints()).isEqualTo(2);
      assertThat(s.retries()).isEqualTo(1);
      assertThat(sink.calls()).hasSize(2);
    } else {
      assertThat(s.droppedPoints(code == Status.Code.RESOURCE_EXHAUSTED ? DropReason.RESOURCE_EXHAUSTED
          : DropReason.NON_RETRYABLE)).isEqualTo(2);
      assertThat(s.retries()).isZero();
      assertThat(sink.calls()).hasSize(1);
    }
  }

  @Test
  void invalidArgumentIsDroppedAtOnceAndTheNextRequestStillGoes() {
    sink.failNext(1, Status.Code.INVALID_ARGUMENT);
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(2, 1, 3));

    awaitTrue(() -> f.stats().sentPoints() == 3, "second request sent");
    ExporterStats s = f.stats();
    assertThat(s.droppedPoints(DropReason.NON_RETRYABLE)).isEqualTo(3);
    assertThat(s.retries()).isZero();
    assertThat(s.failedRequests(Status.Code.INVALID_ARGUMENT)).isEqualTo(1);
    assertThat(sink.calls()).hasSize(2);
  }

  @Test
  void retriesStopAfterMaxElapsedTime() {
    OtlpExporter f = forwarder(b -> b.withRetryOnFailure(fastRetry(Duration.ofMillis(500))));
    // a first export warms the channel: in a fresh JVM the first call alone can take longer than
    // the retry budget, and then no retry would fit in it
    offerAll(f, gaugeRequests(1, 1, 1));
    awaitTrue(() -> f.stats().sentPoints() == 1, "first export sent");
    sink.failAlways(Status.Code.UNAVAILABLE);
    offerAll(f, gaugeRequests(1, 1, 5));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 5, "dropped");
    ExporterStats s = f.stats();
    assertThat(s.droppedPoints(DropReason.RETRIES_EXHAUSTED)).isEqualTo(5);
    assertThat(s.retries()).isPositive();
    assertThat(sink.calls()).hasSizeGreaterThan(3);
  }

  @Test
  void withRetriesDisabledARetryableFailureDropsAtOnce() {
    sink.failNext(1, Status.Code.UNAVAILABLE);
    OtlpExporter f = forwarder(b -> b.withRetryOnFailure(noRetry()));
    offerAll(f, gaugeRequests(1, 1, 2));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 2, "dropped");
    assertThat(f.stats().droppedPoints(DropReason.RETRIES_EXHAUSTED)).isEqualTo(2);
    assertThat(sink.calls()).hasSize(1);
  }

  @Test
  void partialSuccessCountsRejectedPointsAndIsNotRetried() {
    sink.partialSuccessNext(3, "3 points had no timestamp");
    List<String> logged = captureLog();
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 2, 5));

    awaitTrue(
        () -> f.stats().sentPoints() + f.stats().totalDroppedPoints() == 10, "answer accounted");
    ExporterStats s = f.stats();
    assertThat(s.sentPoints()).isEqualTo(7);
    assertThat(s.droppedPoints(DropReason.REJECTED_BY_DOWNSTREAM)).isEqualTo(3);
    assertThat(sink.calls()).hasSize(1);
    assertThat(logged).anySatisfy(l -> assertThat(l).contains("3 points had no timestamp"));
  }

  // ---------------------------------------------------------------------------------------------
  // outcome unknown

  /** The sink holds at least what was acknowledged, at most that plus what may have arrived twice or unanswered. */
  private void assertBounds(ExporterStats s) {
    long received = sink.receivedPoints();
    assertThat(received).as("points the sink may have applied").isGreaterThanOrEqualTo(s.sentPoints());
    assertThat(received).as("sent + unacknowledged + resent")
        .isLessThanOrEqualTo(s.sentPoints() + s.droppedPoints(DropReason.UNACKNOWLEDGED) + s.resentPoints());
  }

  @Test
  void anAttemptThatTimesOutIsRetriedAndCountedAsResent() {
    sink.hangNext(1);
    OtlpExporter f = forwarder(b -> b.withTimeout(Duration.ofMillis(200)));
    offerAll(f, gaugeRequests(1, 1, 3));

    awaitSent(f, 3);
    ExporterStats s = f.stats();
    assertThat(s.failedRequests(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(1);
    assertThat(s.retries()).isEqualTo(1);
    assertThat(s.resentPoints()).isEqualTo(3);
    assertThat(s.totalDroppedPoints()).isZero();
    assertThat(sink.calls()).hasSize(2);
    assertBounds(s);
  }

  @Test
  void givingUpAfterUnansweredAttemptsCountsUnacknowledgedAndLogsOneLine() {
    sink.hangNext(1000);
    List<String> logged = captureLog();
    OtlpExporter f = forwarder(b -> b.withTimeout(Duration.ofMillis(50))
        .withRetryOnFailure(fastRetry(Duration.ofMillis(300))));
    offerAll(f, gaugeRequests(1, 1, 4));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 4, "given up");
    ExporterStats s = f.stats();
    assertThat(s.droppedPoints(DropReason.UNACKNOWLEDGED)).isEqualTo(4);
    assertThat(s.droppedPoints(DropReason.RETRIES_EXHAUSTED)).isZero();
    // a retry counts as resent only after an attempt that left (one whose deadline passed before the
    // request was written does not)
    assertThat(s.resentPoints()).isPositive().isLessThanOrEqualTo(4 * s.retries());
    assertBounds(s);
    assertThat(logged).filteredOn(l -> l.contains("gave up")).singleElement().asString()
        .contains("4 points").contains("reason unacknowledged").contains("may have reached it");
  }

  @Test
  void aRefusalAfterAnUnansweredAttemptIsStillUnacknowledged() {
    sink.hangNext(1).failNext(1, Status.Code.INVALID_ARGUMENT);
    OtlpExporter f = forwarder(b -> b.withTimeout(Duration.ofMillis(100)));
    offerAll(f, gaugeRequests(1, 1, 2));

    awaitTrue(() -> f.stats().totalDroppedPoints() == 2, "given up");
    assertThat(f.stats().droppedPoints(DropReason.UNACKNOWLEDGED)).isEqualTo(2);
    assertBounds(f.stats());
  }

  @Test
  void answeredFailuresAreCertainNotDeliveredAndNeverResent() {
    sink.failNext(3, Status.Code.UNAVAILABLE);
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 2));

    awaitSent(f, 2);
    assertThat(f.stats().retries()).isEqualTo(3);
    assertThat(f.stats().resentPoints()).isZero();
    assertBounds(f.stats());
  }

  @Test
  void retryAfterOfAProxyIsHonoured() {
    sink.failNextWithRetryAfter(1, Status.Code.UNAVAILABLE, "1");
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 1));

    assertThat(await(() -> f.stats().sentPoints() == 1, Duration.ofSeconds(5))).isTrue();
    List<OtlpSink.Call> calls = sink.calls();
    assertThat(calls).hasSize(2);
    long gapMillis = (calls.get(1).arrivalNanos() - calls.get(0).arrivalNanos()) / 1_000_000;
    // the backoff alone would wait ~10ms
    assertThat(gapMillis).isGreaterThanOrEqualTo(900);
  }

  @Test
  void concurrentOffersAgainstASlowAndFlakyDownstreamKeepBothBalances() throws Exception {
    sink.failEvery(4, Status.Code.UNAVAILABLE).hangNext(3).responseDelay(Duration.ofMillis(2));
    OtlpExporter f = forwarder(b -> b.withSendingQueue(QueueConfig.memory(3, 30))
        .withTimeout(Duration.ofMillis(150))
        .withBatch(new BatchConfig(20, 40, Duration.ofMillis(5))));
    AtomicLong refused = new AtomicLong();
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int id = t;
      Thread p = new Thread(() -> {
        for (int i = 0; i < 100; i++) {
          ExportMetricsServiceRequest r = OtlpRequests.gauges("u" + id + "-" + i, 1 + i % 2, 1 + i % 5);
          int n = OtlpDataPoints.count(r);
          if (!f.offer(r, n)) {
            refused.addAndGet(n);
          }
        }
      });
      producers.add(p);
      p.start();
    }
    for (Thread p : producers) {
      p.join();
    }
    awaitTrue(() -> f.stats().queuedPoints() + f.stats().inFlightPoints() == 0, "settled");
    ExporterStats s = f.stats();
    assertThat(s.totalRefusedPoints()).isEqualTo(refused.get());
    assertThat(s.unaccountedPoints()).isZero();
    assertThat(s.resentPoints()).isPositive();
    assertBounds(s);
  }

  // ---------------------------------------------------------------------------------------------
  // queue

  @Test
  void fullQueueRefusesWithoutBlockingAndCountsRefused() {
    sink.hangNext(1);
    OtlpExporter f = forwarder(b -> b.withSendingQueue(QueueConfig.memory(1, 2)));
    ExportMetricsServiceRequest r = OtlpRequests.gauges("r", 1, 4);

    assertThat(f.offer(r, 4)).isTrue();
    assertThat(sink.awaitCalls(1, WAIT)).isTrue(); // the only sender is busy with it
    assertThat(f.offer(r, 4)).isTrue();
    assertThat(f.offer(r, 4)).isTrue();
    long start = System.nanoTime();
    assertThat(f.offer(r, 4)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

    ExporterStats s = f.stats();
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
    OtlpExporter f = forwarder(b -> b.withSendingQueue(QueueConfig.memory(2, 100)));
    List<ExportMetricsServiceRequest> offered = gaugeRequests(10, 1, 2);
    int points = offerAll(f, offered);

    f.shutdown(Duration.ofSeconds(5));

    assertThat(sink.acceptedPoints()).isEqualTo(points);
    assertThat(OtlpRequests.pointIds(sink.acceptedRequests()))
        .containsExactlyInAnyOrderElementsOf(OtlpRequests.pointIds(offered));
    ExporterStats s = f.stats();
    assertThat(s.sentPoints()).isEqualTo(points);
    assertThat(s.totalDroppedPoints()).isZero();

    assertThat(f.offer(offered.get(0), 2)).isFalse();
    assertThat(f.stats().refusedPoints(RefusalReason.STOPPED)).isEqualTo(2);
  }

  @Test
  void shutdownWithTheDownstreamDownPastTheDeadlineDropsTheRest() {
    sink.failAlways(Status.Code.UNAVAILABLE);
    OtlpExporter f = forwarder(b -> b.withRetryOnFailure(fastRetry(Duration.ZERO))); // retry forever
    int points = offerAll(f, gaugeRequests(5, 1, 3));
    assertThat(sink.awaitCalls(2, WAIT)).isTrue();

    long start = System.nanoTime();
    f.shutdown(Duration.ofMillis(300));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(3));
    ExporterStats s = f.stats();
    assertThat(s.sentPoints()).isZero();
    // a batch whose attempt was on the wire, unanswered, when the deadline passed is cancelled: it may
    // have reached the downstream, so it counts as unacknowledged (a slow machine makes that window
    // wide); every other batch as shutdown
    assertThat(s.droppedPoints(DropReason.SHUTDOWN) + s.droppedPoints(DropReason.UNACKNOWLEDGED))
        .isEqualTo(points);
    assertThat(s.droppedPoints(DropReason.UNACKNOWLEDGED)).as("one sender, one 3-point batch at most").isIn(0L, 3L);
    assertThat(s.droppedPoints(DropReason.RETRIES_EXHAUSTED)).isZero();
  }

  @Test
  void shutdownCancelsAnExportTheDownstreamNeverAnswers() {
    sink.hangNext(100);
    OtlpExporter f = forwarder(b -> b.withTimeout(Duration.ofSeconds(30)));
    offerAll(f, gaugeRequests(3, 1, 2));
    assertThat(sink.awaitCalls(1, WAIT)).isTrue();

    long start = System.nanoTime();
    f.shutdown(Duration.ofMillis(200));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(3));
    ExporterStats s = f.stats();
    // the hung request reached the sink: its fate is unknown, the two never sent are not
    assertThat(s.droppedPoints(DropReason.UNACKNOWLEDGED)).isEqualTo(2);
    assertThat(s.droppedPoints(DropReason.SHUTDOWN)).isEqualTo(4);
    assertThat(s.failedRequests(Status.Code.CANCELLED)).isEqualTo(1);
    assertThat(s.retries()).isZero();
    assertBounds(s);
  }

  @Test
  void shutdownIsIdempotentAndSafeBeforeAnySend() {
    OtlpExporter f = forwarder(b -> b);
    f.shutdown(Duration.ofSeconds(1));
    f.shutdown(Duration.ofSeconds(1));
    f.close();

    assertThat(f.offer(OtlpRequests.gauges("late", 1, 1), 1)).isFalse();
    ExporterStats s = f.stats();
    assertThat(s.enqueuedPoints()).isZero();
    assertThat(s.refusedPoints(RefusalReason.STOPPED)).isEqualTo(1);
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void concurrentShutdownCallsAllReturnAfterTheWorkIsAccountedFor() throws Exception {
    sink.responseDelay(Duration.ofMillis(50));
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(4, 1, 1));
    CountDownLatch done = new CountDownLatch(3);
    List<Long> seenUnaccounted = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t =
          new Thread(
              () -> {
                f.shutdown(Duration.ofSeconds(5));
                ExporterStats s = f.stats();
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
    OtlpExporter f =
        forwarder(
            b ->
                b.withCompression(Compression.GZIP)
                    .withHeaders(Map.of("X-Tenant", "acme", "authorization", "Bearer s3cret")));
    offerAll(f, gaugeRequests(1, 1, 1));

    awaitSent(f, 1);
    OtlpSink.Call call = sink.calls().get(0);
    assertThat(call.header("x-tenant")).contains("acme");
    assertThat(call.header("authorization")).contains("Bearer s3cret");
    assertThat(call.header("grpc-encoding")).contains("gzip");
  }

  @Test
  void withoutGzipNoEncodingIsAnnounced() {
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(1, 1, 1));

    awaitSent(f, 1);
    assertThat(sink.calls().get(0).header("grpc-encoding")).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // observability

  @Test
  void selfMetricsMatchTheStats() {
    sink.failNext(1, Status.Code.INVALID_ARGUMENT).failNext(1, Status.Code.UNAVAILABLE);
    OtlpExporter f = forwarder(b -> b);
    offerAll(f, gaugeRequests(3, 1, 2));
    awaitTrue(() -> f.stats().sentPoints() + f.stats().totalDroppedPoints() == 6, "settled");
    f.shutdown(Duration.ofSeconds(1));
    assertThat(f.offer(OtlpRequests.gauges("late", 1, 5), 5)).isFalse();

    ExporterStats s = f.stats();
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
  void metricsCanBeSharedBySuccessiveExporters() {
    for (int i = 1; i <= 2; i++) {
      OtlpExporter f = forwarder(b -> b);
      offerAll(f, gaugeRequests(1, 1, i));
      f.shutdown(Duration.ofSeconds(5));
    }
    assertThat(sample("rosetta_exporter_sent_points_total")).isEqualTo(3);
    assertThat(forwarders.get(1).stats().sentPoints()).isEqualTo(2);
  }

  @Test
  void registeringTwiceOnOneRegistryFails() {
    assertThatThrownBy(() -> new ExporterMetrics(registry)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void downstreamStateChangesAreLoggedOnceEach() {
    List<String> logged = captureLog();
    sink.failNext(6, Status.Code.UNAVAILABLE);
    OtlpExporter f = forwarder(b -> b);
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
    OtlpExporter f =
        forwarder(
            b ->
                b.withSendingQueue(QueueConfig.memory(4, 20))
                    .withBatch(new BatchConfig(10, 15, Duration.ofMillis(5))));
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

    ExporterStats s = f.stats();
    assertThat(s.totalRefusedPoints()).isEqualTo(refused.get());
    assertThat(s.unaccountedPoints()).isZero();
    assertThat(s.sentPoints()).isEqualTo(sink.acceptedPoints());
    List<String> delivered = OtlpRequests.pointIds(sink.acceptedRequests());
    assertThat(delivered).hasSameSizeAs(new HashSet<>(delivered));
    assertThat(sink.calls()).allSatisfy(c -> assertThat(c.points()).isLessThanOrEqualTo(15));
  }

  // ---------------------------------------------------------------------------------------------

  private double sample(String name) {
    Double v = registry.getSampleValue(name, new String[] {"exporter"}, new String[] {"otlp"});
    return v == null ? Double.NaN : v;
  }

  private double sample(String name, String label, String value) {
    Double v = registry.getSampleValue(name, new String[] {"exporter", label}, new String[] {"otlp", value});
    return v == null ? Double.NaN : v;
  }

  private final List<Runnable> logCleanup = new ArrayList<>();

  private List<String> captureLog() {
    Logger logger = Logger.getLogger(RetryingSender.class.getName());
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
