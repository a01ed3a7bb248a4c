package dev.rosetta.receiver.forward;

import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Forwards OTLP metrics to a downstream collector over gRPC: a bounded sending queue, a batcher and
 * {@code numConsumers} senders that retry as the OTLP specification prescribes. Modelled on the
 * OpenTelemetry Collector's {@code exporterhelper} (sending queue, {@code retry_on_failure}) and
 * batch processor.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #offer} never blocks: it enqueues the request, or returns false when the queue is full
 *       or the forwarder is shutting down. A refused request stays the caller's (it answers its own
 *       sender 503 / {@code UNAVAILABLE}); it is counted as refused, never as dropped.
 *   <li>An accepted request is owned by the forwarder and must not be changed afterwards (protobuf
 *       messages are immutable, so this only concerns the points count).
 *   <li>Every accepted data point is eventually counted once as sent or as dropped (by {@link
 *       DropReason}); until then it is queued or in flight. {@code enqueued = sent + dropped + queued
 *       + in flight} holds at any quiet moment and after shutdown ({@link
 *       ForwarderStats#unaccountedPoints()}).
 *   <li>Batching: when a sender is free, the batcher takes queued requests and merges them
 *       (concatenating their {@code resource_metrics}, in order) until the export holds {@code
 *       batch.sendBatchSize} points or {@code batch.timeout} has passed since its first request.
 *       With {@code batch.sendBatchMaxSize > 0} no export exceeds it: a request that does not fit
 *       starts the next export, and only a request larger than the maximum is split, at metric
 *       boundaries where possible.
 *   <li>Retried: {@code CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS},
 *       and {@code RESOURCE_EXHAUSTED} when the status carries {@code google.rpc.RetryInfo}. The wait
 *       is the exponential backoff or the server's {@code retry_delay}, whichever is longer, until
 *       {@code retry.maxElapsedTime}. Other codes drop the export at once. Points a successful
 *       response lists in {@code partial_success.rejected_data_points} are dropped as {@link
 *       DropReason#REJECTED_BY_DOWNSTREAM}, not retried.
 *   <li>{@link #shutdown(Duration)} refuses further offers, delivers what is queued or in flight
 *       until the deadline (retries that would start after it are given up at once), then cancels
 *       what remains and counts it as {@link DropReason#SHUTDOWN}. Idempotent; safe before any send.
 * </ul>
 *
 * <h2>Threads and ownership</h2>
 *
 * <p>Thread-safe. Creating a forwarder starts one batcher thread and {@code numConsumers} sender
 * threads (daemons); {@link #shutdown} stops them. A channel built from the settings ({@link
 * #create}) is owned and shut down by the forwarder; a channel passed to {@link #forChannel} stays
 * the caller's, who shuts it down after the forwarder. Self-metrics go to {@link ForwarderMetrics}.
 *
 * <p>Logging ({@code java.util.logging}): one line when the downstream becomes unavailable (a
 * retryable failure) and one when it recovers; lines about drops and about partial successes at
 * most once per 10 seconds per kind, with the number suppressed meanwhile; one summary line at
 * shutdown if anything was dropped then.
 */
public final class OtlpForwarder implements AutoCloseable {
  /** Deadline used by {@link #close()}. */
  public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(OtlpForwarder.class.getName());
  private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** After the deadline: time for cancelled calls and the batcher to report back. */
  private static final long ABORT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** Put into the queue by shutdown so that an idle batcher notices at once. */
  private static final QueuedRequest WAKE_UP =
      new QueuedRequest(ExportMetricsServiceRequest.getDefaultInstance(), 0);

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ForwarderSettings settings;
  private final String downstream;
  private final Optional<ManagedChannel> ownedChannel;
  private final MetricsServiceGrpc.MetricsServiceBlockingStub stub;
  private final ForwarderMetrics metrics;
  private final Counts counts = new Counts();
  private final RateLimitedLog dropLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final RateLimitedLog partialSuccessLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final AtomicBoolean downstreamHealthy = new AtomicBoolean(true);

  // Admission. offer() holds the read lock (tryLock, never waits) while it checks `stopped` and
  // enqueues; shutdown() takes the write lock once after setting `stopped`, so that afterwards no
  // offer can still be about to enqueue.
  private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
  private final Semaphore queueSlots;
  private final ArrayBlockingQueue<QueuedRequest> queue;

  // Batching and sending. The batcher builds an export only when a sender is free, so that under
  // back-pressure requests wait in the queue (visible, bounded) and merge into larger exports.
  private final Semaphore senderPermits;
  private final ExecutorService senders;
  private final Thread batcher;
  /** Requests (or pieces) taken from the queue but not yet in an export. Batcher thread only. */
  private final ArrayDeque<QueuedRequest> carry = new ArrayDeque<>();

  // Lifecycle.
  private volatile boolean stopped;
  private volatile boolean draining;
  private volatile boolean aborted;
  private volatile long drainDeadlineNanos;
  private final CountDownLatch abortSignal = new CountDownLatch(1);
  private final Context.CancellableContext callContext = Context.ROOT.withCancellation();
  private final CountDownLatch batcherDone = new CountDownLatch(1);
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private OtlpForwarder(
      ForwarderSettings settings,
      Channel channel,
      Optional<ManagedChannel> ownedChannel,
      ForwarderMetrics metrics) {
    this.settings = settings;
    this.ownedChannel = ownedChannel;
    this.downstream = ownedChannel.isPresent() ? settings.target() : channel.authority();
    this.metrics = metrics;
    this.stub = stub(settings, channel);
    this.queueSlots = new Semaphore(settings.queueSize());
    this.queue = new ArrayBlockingQueue<>(settings.queueSize() + 1);
    this.senderPermits = new Semaphore(settings.numConsumers());
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger senderIds = new AtomicInteger();
    this.senders =
        Executors.newFixedThreadPool(
            settings.numConsumers(),
            r ->
                daemon(
                    r,
                    "rosetta-forwarder-" + instance + "-sender-" + senderIds.incrementAndGet()));
    this.batcher = daemon(this::runBatcher, "rosetta-forwarder-" + instance + "-batcher");
  }

  /**
   * A forwarder that owns a Netty channel to {@code settings.target()}, with metrics registered on
   * {@code registry}.
   *
   * @throws IllegalArgumentException if the metrics are already registered on {@code registry}
   * @throws java.io.UncheckedIOException if a TLS file cannot be read or parsed
   */
  public static OtlpForwarder create(ForwarderSettings settings, CollectorRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return create(settings, new ForwarderMetrics(registry));
  }

  /** A forwarder that owns a Netty channel to {@code settings.target()}. */
  public static OtlpForwarder create(ForwarderSettings settings, ForwarderMetrics metrics) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(metrics, "metrics");
    ManagedChannel channel = ForwarderChannels.create(settings);
    try {
      return start(new OtlpForwarder(settings, channel, Optional.of(channel), metrics));
    } catch (RuntimeException | Error e) {
      channel.shutdownNow();
      throw e;
    }
  }

  /**
   * A forwarder sending over {@code channel}, which stays the caller's; {@code settings.target()},
   * {@code plaintext} and {@code tls} are not used. Headers, gzip and the deadline apply.
   */
  public static OtlpForwarder forChannel(
      ForwarderSettings settings, Channel channel, CollectorRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return forChannel(settings, channel, new ForwarderMetrics(registry));
  }

  /** As {@link #forChannel(ForwarderSettings, Channel, CollectorRegistry)}, with shared metrics. */
  public static OtlpForwarder forChannel(
      ForwarderSettings settings, Channel channel, ForwarderMetrics metrics) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(metrics, "metrics");
    return start(new OtlpForwarder(settings, channel, Optional.empty(), metrics));
  }

  private static OtlpForwarder start(OtlpForwarder forwarder) {
    forwarder.batcher.start();
    return forwarder;
  }

  /**
   * Offers {@code request}, which holds {@code points} data points ({@link
   * OtlpDataPoints#count(ExportMetricsServiceRequest)}). Never blocks: safe on an event loop.
   *
   * <p>{@code points} is trusted (the caller has usually counted already) and is the figure every
   * count uses; with assertions enabled a wrong figure fails here, so that tests catch it.
   *
   * @return true when the request was accepted (the forwarder now owns it); false when the queue is
   *     full or the forwarder is shutting down, in which case nothing was applied and the points are
   *     counted as refused
   */
  public boolean offer(ExportMetricsServiceRequest request, int points) {
    Objects.requireNonNull(request, "request");
    if (points < 0) {
      throw new IllegalArgumentException("points must be >= 0, got " + points);
    }
    assert points == OtlpDataPoints.count(request)
        : "offered " + points + " points, request holds " + OtlpDataPoints.count(request);
    Lock lock = admission.readLock();
    if (!lock.tryLock()) {
      // the write lock is only ever taken by shutdown
      return refuse(RefusalReason.STOPPED, points);
    }
    try {
      if (stopped) {
        return refuse(RefusalReason.STOPPED, points);
      }
      if (!queueSlots.tryAcquire()) {
        return refuse(RefusalReason.QUEUE_FULL, points);
      }
      // count before the batcher can see it, so that no count ever runs ahead of `enqueued`
      counts.enqueued.add(points);
      counts.queuedRequests.incrementAndGet();
      counts.queuedPoints.addAndGet(points);
      metrics.enqueued(points);
      // cannot fail: a slot was taken, and the queue has one spare place for WAKE_UP
      queue.add(new QueuedRequest(request, points));
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** {@link #offer(ExportMetricsServiceRequest, int)}, counting the points here. */
  public boolean offer(ExportMetricsServiceRequest request) {
    return offer(request, OtlpDataPoints.count(request));
  }

  /** This forwarder's counts so far. */
  public ForwarderStats stats() {
    Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
    counts.dropped.forEach((k, v) -> dropped.put(k, v.sum()));
    Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
    counts.refused.forEach((k, v) -> refused.put(k, v.sum()));
    Map<Status.Code, Long> failed = new EnumMap<>(Status.Code.class);
    counts.failed.forEach((k, v) -> failed.put(k, v.sum()));
    return new ForwarderStats(
        counts.enqueued.sum(),
        counts.sent.sum(),
        counts.sentRequests.sum(),
        dropped,
        refused,
        failed,
        counts.retries.sum(),
        counts.queuedRequests.get(),
        counts.queuedPoints.get(),
        counts.inFlight.get());
  }

  /**
   * Stops accepting, delivers what is queued and in flight until {@code deadline} has passed, then
   * cancels the rest and counts it as dropped ({@link DropReason#SHUTDOWN}), and shuts an owned
   * channel down. Returns at most about three seconds after the deadline (time for cancelled calls
   * to report back and for the channel to close). A second call waits for the first to finish, up
   * to its own deadline.
   */
  public void shutdown(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    long deadlineNanos = deadlineFromNow(deadline);
    if (!shutdownStarted.compareAndSet(false, true)) {
      await(terminated, deadlineNanos);
      return;
    }
    try {
      drainDeadlineNanos = deadlineNanos;
      stopped = true;
      admission.writeLock().lock();
      admission.writeLock().unlock();
      draining = true;
      queue.offer(WAKE_UP);

      boolean done = await(batcherDone, deadlineNanos);
      if (done) {
        senders.shutdown();
        done = awaitTermination(senders, deadlineNanos);
      }
      if (!done) {
        abort();
        long graceNanos = System.nanoTime() + ABORT_GRACE_NANOS;
        await(batcherDone, graceNanos);
        senders.shutdown();
        if (!awaitTermination(senders, graceNanos)) {
          senders.shutdownNow();
          LOG.severe("OTLP forwarder: senders did not stop after cancellation");
        }
      }
      // requests the batcher never took
      for (QueuedRequest r; (r = queue.poll()) != null; ) {
        if (r != WAKE_UP) {
          queueSlots.release();
          dequeued(r.points());
          dropped(DropReason.SHUTDOWN, r.points());
        }
      }
    } finally {
      callContext.cancel(null);
      ownedChannel.ifPresent(OtlpForwarder::closeChannel);
      long lost = counts.dropped.get(DropReason.SHUTDOWN).sum();
      if (lost > 0) {
        LOG.warning(
            "OTLP forwarder to "
                + downstream
                + " shut down; "
                + lost
                + " points not delivered within the shutdown deadline were dropped");
      }
      terminated.countDown();
    }
  }

  /** {@link #shutdown(Duration)} with {@link #DEFAULT_SHUTDOWN_DEADLINE}. */
  @Override
  public void close() {
    shutdown(DEFAULT_SHUTDOWN_DEADLINE);
  }

  // ---------------------------------------------------------------------------------------------
  // batcher

  private void runBatcher() {
    try {
      while (!aborted) {
        if (!acquireSenderPermit()) {
          break;
        }
        Batch batch;
        try {
          batch = nextBatch();
        } catch (RuntimeException | Error | InterruptedException e) {
          senderPermits.release();
          throw e;
        }
        if (batch == null) {
          senderPermits.release();
          break;
        }
        try {
          senders.execute(() -> send(batch));
        } catch (RejectedExecutionException e) {
          // only if the batcher outlived the abort grace period
          senderPermits.release();
          dropped(DropReason.SHUTDOWN, batch.points);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "OTLP forwarder batcher failed; forwarding stops", e);
    } finally {
      // taken from the queue, never exported: only aborts and failures leave anything here
      for (QueuedRequest r; (r = carry.poll()) != null; ) {
        dropped(DropReason.SHUTDOWN, r.points());
      }
      batcherDone.countDown();
    }
  }

  private boolean acquireSenderPermit() throws InterruptedException {
    while (!aborted) {
      if (senderPermits.tryAcquire(POLL_SLICE_NANOS, TimeUnit.NANOSECONDS)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The next export, or null when draining found nothing left or the forwarder was aborted (what
   * was collected is then left in {@link #carry}).
   */
  private Batch nextBatch() throws InterruptedException {
    ForwarderSettings.Batch cfg = settings.batch();
    int max = cfg.sendBatchMaxSize();
    long flushTimeoutNanos = ExponentialBackoff.saturatedNanos(cfg.timeout());
    BatchBuilder b = new BatchBuilder();
    long flushAt = 0;
    while (!aborted) {
      QueuedRequest item = carry.pollFirst();
      if (item == null) {
        long wait;
        if (draining) {
          wait = 0;
        } else if (b.isEmpty()) {
          wait = POLL_SLICE_NANOS;
        } else {
          wait = Math.max(0, Math.min(flushAt - System.nanoTime(), POLL_SLICE_NANOS));
        }
        item = wait == 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        if (item == WAKE_UP) {
          continue;
        }
        if (item == null) {
          if (draining || (!b.isEmpty() && flushAt - System.nanoTime() <= 0)) {
            return b.isEmpty() ? null : b.build();
          }
          continue;
        }
        queueSlots.release();
        dequeued(item.points());
      }
      if (b.isEmpty()) {
        flushAt = saturatedAdd(System.nanoTime(), flushTimeoutNanos);
      }
      if (max > 0 && item.points() > max) {
        if (!b.isEmpty()) {
          carry.addFirst(item);
          return b.build();
        }
        List<QueuedRequest> pieces = split(item, max);
        for (int i = pieces.size() - 1; i >= 1; i--) {
          carry.addFirst(pieces.get(i));
        }
        item = pieces.get(0);
      }
      if (max > 0 && !b.isEmpty() && b.points + item.points() > max) {
        // it fits into an export of its own: never split what is not too large
        carry.addFirst(item);
        return b.build();
      }
      b.add(item);
      if (b.points >= cfg.sendBatchSize()) {
        return b.build();
      }
    }
    carry.addAll(b.parts);
    return null;
  }

  /**
   * Splits an oversized request. Should the offered count disagree with the content (a caller
   * bug), the pieces are charged so that they still add up to the offered count.
   */
  private List<QueuedRequest> split(QueuedRequest item, int max) {
    List<QueuedRequest> pieces = RequestSplitter.split(item.request(), max);
    int actual = pieces.stream().mapToInt(QueuedRequest::points).sum();
    if (actual == item.points()) {
      return pieces;
    }
    dropLog.log(
        Level.WARNING,
        () ->
            "OTLP forwarder: a request was offered as "
                + item.points()
                + " points but holds "
                + actual
                + "; counts follow the offered figure");
    return RequestSplitter.charge(pieces, item);
  }

  // ---------------------------------------------------------------------------------------------
  // senders

  private void send(Batch batch) {
    // what counts if deliver() fails in an unexpected way: never leave points unaccounted
    Outcome outcome = Outcome.dropped(DropReason.NON_RETRYABLE, batch.points);
    try {
      outcome = deliver(batch);
    } catch (RuntimeException e) {
      LOG.log(
          Level.SEVERE, "OTLP export failed unexpectedly; dropping " + batch.points + " points", e);
    } finally {
      account(outcome);
    }
  }

  private void account(Outcome outcome) {
    try {
      if (outcome.droppedPoints > 0) {
        dropped(outcome.reason, outcome.droppedPoints);
      }
      if (outcome.success) {
        // `sent` last: whoever sees it grow sees the rest of this outcome too
        counts.sentRequests.increment();
        counts.inFlight.addAndGet(-outcome.sentPoints);
        metrics.sent(outcome.sentPoints);
        counts.sent.add(outcome.sentPoints);
      }
    } finally {
      senderPermits.release();
    }
  }

  private Outcome deliver(Batch batch) {
    ForwarderSettings.Retry retry = settings.retry();
    int points = batch.points;
    long start = System.nanoTime();
    ExponentialBackoff backoff = null;
    while (true) {
      ExportMetricsServiceResponse response;
      try {
        response = call(batch.request);
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        counts.failed.computeIfAbsent(status.getCode(), c -> new LongAdder()).increment();
        metrics.failed(status.getCode());
        if (aborted) {
          return Outcome.dropped(DropReason.SHUTDOWN, points);
        }
        Optional<Duration> serverDelay = RetryPolicy.retryDelay(e);
        if (!RetryPolicy.isRetryable(status.getCode(), serverDelay.isPresent())) {
          dropLog.log(
              Level.WARNING,
              () ->
                  "OTLP downstream "
                      + downstream
                      + " answered non-retryable "
                      + describe(status)
                      + "; dropped "
                      + points
                      + " points");
          return Outcome.dropped(DropReason.NON_RETRYABLE, points);
        }
        markUnavailable(status);
        if (!retry.enabled()) {
          logExhausted(points, "retries are disabled");
          return Outcome.dropped(DropReason.RETRIES_EXHAUSTED, points);
        }
        if (backoff == null) {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          backoff = new ExponentialBackoff(retry, random::nextDouble);
        }
        Duration delay = backoff.next();
        if (serverDelay.isPresent() && serverDelay.get().compareTo(delay) > 0) {
          delay = serverDelay.get();
        }
        long delayNanos = ExponentialBackoff.saturatedNanos(delay);
        long now = System.nanoTime();
        long maxElapsed = ExponentialBackoff.saturatedNanos(retry.maxElapsedTime());
        if (maxElapsed > 0 && delayNanos > maxElapsed - (now - start)) {
          logExhausted(points, "gave up after " + Duration.ofNanos(now - start).toMillis() + "ms");
          return Outcome.dropped(DropReason.RETRIES_EXHAUSTED, points);
        }
        if (stopped && delayNanos > drainDeadlineNanos - now) {
          // the retry would start after the shutdown deadline
          return Outcome.dropped(DropReason.SHUTDOWN, points);
        }
        counts.retries.increment();
        metrics.retried();
        try {
          if (abortSignal.await(delayNanos, TimeUnit.NANOSECONDS)) {
            return Outcome.dropped(DropReason.SHUTDOWN, points);
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return Outcome.dropped(DropReason.SHUTDOWN, points);
        }
        // gRPC's own reconnect backoff grows to minutes: the retry policy decides when to try, so the
        // channel should connect right away when it does, and delivery resumes as the downstream is back.
        ownedChannel.ifPresent(ManagedChannel::resetConnectBackoff);
        continue;
      }
      markHealthy();
      return success(response, points);
    }
  }

  private ExportMetricsServiceResponse call(ExportMetricsServiceRequest request) {
    // calls run in a context that shutdown cancels once the deadline has passed
    Context previous = callContext.attach();
    try {
      return stub.withDeadlineAfter(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
          .export(request);
    } finally {
      callContext.detach(previous);
    }
  }

  private Outcome success(ExportMetricsServiceResponse response, int points) {
    if (!response.hasPartialSuccess()) {
      return Outcome.sent(points);
    }
    ExportMetricsPartialSuccess partial = response.getPartialSuccess();
    long rejected = partial.getRejectedDataPoints();
    if (rejected > 0) {
      int r = (int) Math.min(rejected, points);
      partialSuccessLog.log(
          Level.WARNING,
          () ->
              "OTLP downstream "
                  + downstream
                  + " rejected "
                  + rejected
                  + " of "
                  + points
                  + " points: "
                  + partial.getErrorMessage());
      return new Outcome(true, points - r, DropReason.REJECTED_BY_DOWNSTREAM, r);
    }
    if (!partial.getErrorMessage().isEmpty()) {
      partialSuccessLog.log(
          Level.WARNING,
          () ->
              "OTLP downstream "
                  + downstream
                  + " accepted with a warning: "
                  + partial.getErrorMessage());
    }
    return Outcome.sent(points);
  }

  private void markUnavailable(Status status) {
    if (downstreamHealthy.compareAndSet(true, false)) {
      LOG.warning(
          "OTLP downstream " + downstream + " unavailable (" + describe(status) + "); retrying");
    }
  }

  private void markHealthy() {
    if (downstreamHealthy.compareAndSet(false, true)) {
      LOG.info("OTLP downstream " + downstream + " recovered");
    }
  }

  private void logExhausted(int points, String why) {
    dropLog.log(
        Level.WARNING,
        () ->
            "OTLP downstream " + downstream + ": " + why + "; dropped " + points + " points");
  }

  private void abort() {
    aborted = true;
    abortSignal.countDown();
    callContext.cancel(null);
  }

  // ---------------------------------------------------------------------------------------------
  // accounting

  private boolean refuse(RefusalReason reason, int points) {
    counts.refused.get(reason).add(points);
    metrics.refused(reason, points);
    return false;
  }

  private void dequeued(int points) {
    counts.inFlight.addAndGet(points);
    counts.queuedRequests.decrementAndGet();
    counts.queuedPoints.addAndGet(-points);
    metrics.dequeued(points);
  }

  private void dropped(DropReason reason, int points) {
    counts.dropped.get(reason).add(points);
    counts.inFlight.addAndGet(-points);
    metrics.dropped(reason, points);
  }

  /** Instance-local counts behind {@link #stats()}. */
  private static final class Counts {
    final LongAdder enqueued = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder sentRequests = new LongAdder();
    final LongAdder retries = new LongAdder();
    final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
    final Map<RefusalReason, LongAdder> refused = new EnumMap<>(RefusalReason.class);
    final ConcurrentHashMap<Status.Code, LongAdder> failed = new ConcurrentHashMap<>();
    final AtomicLong queuedRequests = new AtomicLong();
    final AtomicLong queuedPoints = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();

    Counts() {
      // filled once here and only read afterwards: safe to share without locking
      for (DropReason r : DropReason.values()) {
        dropped.put(r, new LongAdder());
      }
      for (RefusalReason r : RefusalReason.values()) {
        refused.put(r, new LongAdder());
      }
    }
  }

  /** What became of one export: points sent and points dropped (at most one reason). */
  private record Outcome(boolean success, int sentPoints, DropReason reason, int droppedPoints) {
    static Outcome sent(int points) {
      return new Outcome(true, points, DropReason.NON_RETRYABLE, 0);
    }

    static Outcome dropped(DropReason reason, int points) {
      return new Outcome(false, 0, reason, points);
    }
  }

  private record Batch(ExportMetricsServiceRequest request, int points) {}

  /** Requests merged into one export by concatenating their {@code resource_metrics}. */
  private static final class BatchBuilder {
    final List<QueuedRequest> parts = new ArrayList<>();
    int points;

    boolean isEmpty() {
      return parts.isEmpty();
    }

    void add(QueuedRequest r) {
      parts.add(r);
      points += r.points();
    }

    Batch build() {
      if (parts.size() == 1) {
        return new Batch(parts.get(0).request(), points);
      }
      ExportMetricsServiceRequest.Builder merged = ExportMetricsServiceRequest.newBuilder();
      for (QueuedRequest r : parts) {
        merged.addAllResourceMetrics(r.request().getResourceMetricsList());
      }
      return new Batch(merged.build(), points);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static MetricsServiceGrpc.MetricsServiceBlockingStub stub(
      ForwarderSettings settings, Channel channel) {
    MetricsServiceGrpc.MetricsServiceBlockingStub stub = MetricsServiceGrpc.newBlockingStub(channel);
    if (!settings.headers().isEmpty()) {
      Metadata headers = new Metadata();
      settings
          .headers()
          .forEach((k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    if (settings.gzip()) {
      stub = stub.withCompression("gzip");
    }
    return stub;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeChannel(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Status status) {
    return status.getDescription() == null
        ? status.getCode().name()
        : status.getCode() + ": " + status.getDescription();
  }

  private static long deadlineFromNow(Duration d) {
    return saturatedAdd(System.nanoTime(), Math.max(0, ExponentialBackoff.saturatedNanos(d)));
  }

  /** {@code nanoTime + nanos} for {@code nanos >= 0}; far-future values stay comparable. */
  private static long saturatedAdd(long nanoTime, long nanos) {
    return nanoTime + Math.min(nanos, Long.MAX_VALUE / 4);
  }

  /**
   * Waits for {@code latch} until the deadline. An interrupt ends the wait as a timeout would (the
   * caller then aborts) and is kept pending for the caller's caller.
   */
  private static boolean await(CountDownLatch latch, long deadlineNanos) {
    try {
      return latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** As {@link #await(CountDownLatch, long)}, for an executor's termination. */
  private static boolean awaitTermination(ExecutorService executor, long deadlineNanos) {
    try {
      return executor.awaitTermination(
          Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
