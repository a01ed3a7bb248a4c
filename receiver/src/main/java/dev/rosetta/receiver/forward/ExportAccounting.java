package dev.rosetta.receiver.forward;

import io.grpc.Status;
import io.prometheus.client.Gauge;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The books of one exporter: every point it accepted moves, exactly once, from queued to in flight
 * to sent or dropped (by reason), and the instance counts behind {@link ExporterStats} and the
 * {@link ExporterMetrics} series labelled with the exporter's id change together.
 *
 * <p>Thread-safe and lock-free: ingest threads call {@link #enqueued} and {@link #refused}, the
 * batcher {@link #dequeued}, senders the rest. An update that moves points between two places
 * changes the destination before the source is emptied only where a reader could otherwise see
 * fewer points than accepted; a snapshot taken while work runs may still count a point twice or not
 * at all for an instant, never once idle.
 */
final class ExportAccounting {
  private final String exporter;
  private final ExporterMetrics metrics;
  private final Gauge.Child queueRequestsGauge;
  private final Gauge.Child queuePointsGauge;
  private final Gauge.Child inFlightGauge;

  private final LongAdder enqueued = new LongAdder();
  private final LongAdder recovered = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder sentRequests = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder resent = new LongAdder();
  private final LongAdder corruptedRecords = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private final Map<RefusalReason, LongAdder> refused = new EnumMap<>(RefusalReason.class);
  private final ConcurrentHashMap<Status.Code, LongAdder> failed = new ConcurrentHashMap<>();
  private final AtomicLong queuedRequests = new AtomicLong();
  private final AtomicLong queuedPoints = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();

  ExportAccounting(String exporter, ExporterMetrics metrics) {
    this.exporter = exporter;
    this.metrics = metrics;
    this.queueRequestsGauge = metrics.queueRequests.labels(exporter);
    this.queuePointsGauge = metrics.queuePoints.labels(exporter);
    this.inFlightGauge = metrics.inFlightPoints.labels(exporter);
    // filled once here and only read afterwards: safe to share without locking
    for (DropReason r : DropReason.values()) {
      dropped.put(r, new LongAdder());
    }
    for (RefusalReason r : RefusalReason.values()) {
      refused.put(r, new LongAdder());
    }
  }

  String exporter() {
    return exporter;
  }

  /** A request was accepted into the queue. */
  void enqueued(int points) {
    // count before the batcher can see it, so that no count ever runs ahead of `enqueued`
    enqueued.add(points);
    queuedRequests.incrementAndGet();
    queuedPoints.addAndGet(points);
    metrics.enqueuedPoints.inc(points, exporter);
    queueRequestsGauge.inc();
    queuePointsGauge.inc(points);
  }

  /** A request accepted by an earlier run was found in the file queue. */
  void recovered(int points) {
    recovered.add(points);
    queuedRequests.incrementAndGet();
    queuedPoints.addAndGet(points);
    metrics.recoveredPoints.inc(points, exporter);
    queueRequestsGauge.inc();
    queuePointsGauge.inc(points);
  }

  /** Records of the file queue found unreadable at start (their points are unknown). */
  void corrupted(long records, long bytes) {
    corruptedRecords.add(records);
    metrics.corruptedRecords.inc(records, exporter);
    metrics.corruptedBytes.inc(bytes, exporter);
  }

  void refused(RefusalReason reason, int points) {
    refused.get(reason).add(points);
    metrics.refusedPoints.inc(points, exporter, reason.label());
  }

  /** The batcher took a request from the queue. */
  void dequeued(int points) {
    inFlight.addAndGet(points);
    queuedRequests.decrementAndGet();
    queuedPoints.addAndGet(-points);
    inFlightGauge.inc(points);
    queueRequestsGauge.dec();
    queuePointsGauge.dec(points);
  }

  /**
   * In-flight points go back to the queue's storage (a file queue at shutdown): not sent, not
   * dropped, delivered by the next start.
   */
  void returnedToStorage(int points, int requests) {
    queuedRequests.addAndGet(requests);
    queuedPoints.addAndGet(points);
    inFlight.addAndGet(-points);
    queueRequestsGauge.inc(requests);
    queuePointsGauge.inc(points);
    inFlightGauge.dec(points);
  }

  /** An export call was acknowledged, carrying {@code points} delivered points. */
  void sent(int points) {
    inFlight.addAndGet(-points);
    sentRequests.increment();
    metrics.sentRequests.inc(1, exporter);
    metrics.sentPoints.inc(points, exporter);
    inFlightGauge.dec(points);
    // `sent` last: whoever sees it grow sees the rest of this outcome too
    sent.add(points);
  }

  void dropped(DropReason reason, int points) {
    dropped.get(reason).add(points);
    inFlight.addAndGet(-points);
    metrics.droppedPoints.inc(points, exporter, reason.label());
    inFlightGauge.dec(points);
  }

  /** Points never taken from a memory queue, dropped at shutdown. */
  void droppedFromQueue(DropReason reason, int points) {
    dequeued(points);
    dropped(reason, points);
  }

  void failed(Status.Code code) {
    failed.computeIfAbsent(code, c -> new LongAdder()).increment();
    metrics.failed(exporter, code);
  }

  void retried() {
    retries.increment();
    metrics.retries.inc(1, exporter);
  }

  void resent(int points) {
    resent.add(points);
    metrics.resentPoints.inc(points, exporter);
  }

  void synced(long nanos) {
    metrics.syncs.inc(1, exporter);
    metrics.syncSeconds.inc(nanos / 1e9, exporter);
  }

  long droppedSoFar(DropReason reason) {
    return dropped.get(reason).sum();
  }

  ExporterStats stats() {
    Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
    dropped.forEach((k, v) -> d.put(k, v.sum()));
    Map<RefusalReason, Long> r = new EnumMap<>(RefusalReason.class);
    refused.forEach((k, v) -> r.put(k, v.sum()));
    Map<Status.Code, Long> f = new EnumMap<>(Status.Code.class);
    failed.forEach((k, v) -> f.put(k, v.sum()));
    // `sent` first, as it is updated last
    long s = sent.sum();
    return new ExporterStats(enqueued.sum(), recovered.sum(), s, sentRequests.sum(), d, r, f, retries.sum(),
        resent.sum(), corruptedRecords.sum(), queuedRequests.get(), queuedPoints.get(), inFlight.get());
  }
}
