package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.QueueConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import io.grpc.Channel;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One OTLP exporter ({@code exporters.otlp}, {@code otlp/name}, {@code otlphttp}, {@code
 * otlphttp/name}): its sending queue (memory or file), its {@link Batcher}, its pool of {@link
 * RetryingSender}s over one {@link ExportTransport} and its {@link ExportAccounting books}, put
 * together as the Collector's {@code exporterhelper} puts its queue, batch and retry senders.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #reserve} takes a request in two phases ({@link Reservation#commit} or {@link
 *       Reservation#abort}, see {@link ExportQueue}); {@link #offer} does both. A refused request
 *       stays the caller's (it answers its own sender with a retryable status), counted as refused,
 *       never as dropped. With a memory queue reserve never blocks; with a file queue it returns once
 *       the request is written (and with {@code fsync}, on the device), waiting at most {@code
 *       file_storage.timeout}.
 *   <li>Every accepted point is eventually counted once as sent or dropped (by {@link DropReason});
 *       until then it is queued or in flight: {@code recovered + enqueued = sent + dropped + queued
 *       + in flight} ({@link ExporterStats#unaccountedPoints()}).
 *   <li>{@link #shutdown(Duration)} refuses further requests, delivers what is queued or in flight
 *       until the deadline, then cancels what remains: a memory queue drops it ({@link
 *       DropReason#SHUTDOWN}), a file queue keeps it for the next start. Idempotent; safe before any
 *       send.
 * </ul>
 *
 * <h2>Threads and ownership</h2>
 *
 * <p>Thread-safe. Creating an exporter starts one batcher thread ({@code
 * rosetta-exporter-<id>-batcher}) and {@code num_consumers} sender threads ({@code
 * rosetta-exporter-<id>-sender-N}), all from {@link ServiceHealth} (a thread that dies makes the
 * service unhealthy); {@link #shutdown} stops them. The queue is the exporter's. The transport built
 * from the settings ({@link #create}: a gRPC channel for {@code otlp}, an HTTP client for {@code
 * otlphttp}, whose threads are {@code rosetta-exporter-<id>-http-N}) is owned and closed by the
 * exporter; a channel passed to {@link #forChannel} stays the caller's, who shuts it down after the
 * exporter.
 */
public final class OtlpExporter implements AutoCloseable {
  /** Deadline used by {@link #close()}. */
  public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(OtlpExporter.class.getName());
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** After the deadline: time for cancelled calls and the batcher to report back. */
  private static final long ABORT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** A request taken by {@link #reserve}: exactly one of the two follows. Not thread-safe. */
  public interface Reservation {
    /** The request is accepted: it will be delivered or counted as dropped. */
    void commit();

    /** The request is not accepted after all (another exporter refused it). */
    void abort();
  }

  private final OtlpExporterConfig config;
  private final String downstream;
  private final ExportTransport transport;
  private final ExportQueue queue;
  private final ExportAccounting books;
  private final ExporterLifecycle lifecycle = new ExporterLifecycle();
  private final RetryingSender sender;
  private final Semaphore senderPermits;
  private final ExecutorService senders;
  private final Thread batcher;
  private final CountDownLatch batcherDone = new CountDownLatch(1);
  /** Reservations neither committed nor aborted; shutdown waits for them. */
  private final AtomicInteger reserving = new AtomicInteger();
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private OtlpExporter(OtlpExporterConfig config, Function<ExporterLifecycle, ExportTransport> transport,
      ExporterMetrics metrics, ServiceHealth health) throws IOException {
    this.config = config;
    String id = config.id().toString();
    this.books = new ExportAccounting(id, metrics);
    QueueConfig q = config.sendingQueue();
    ExportTransport[] made = {null};
    // without a sending queue, only what the consumers have in hand is buffered
    long capacity = q.enabled() ? q.queueSize() : q.numConsumers();
    this.queue = q.storage().isPresent()
        ? FileQueue.open(config.id(), q.storage().get(), q, books)
        : new MemoryQueue(q.enabled() ? q.sizer() : QueueConfig.Sizer.REQUESTS, capacity);
    try {
      metrics.register(id, new ExporterMetrics.QueueGauges(queue::size, queue.capacity(), queue::storageBytes));
      ExportTransport t = transport.apply(lifecycle);
      made[0] = t;
      this.transport = t;
      this.downstream = t.downstream();
      this.sender = new RetryingSender(config, this.transport, books, lifecycle, queue.durable());
      this.senderPermits = new Semaphore(q.numConsumers());
      this.senders = Executors.newFixedThreadPool(q.numConsumers(),
          health.threadFactory("rosetta-exporter-" + id + "-sender"));
      Batcher b = new Batcher(queue, config.batch(), books, lifecycle, new Dispatch());
      this.batcher = health.newThread("rosetta-exporter-" + id + "-batcher", () -> {
        try {
          b.run();
        } finally {
          batcherDone.countDown();
        }
      });
    } catch (RuntimeException | Error e) {
      queue.close();
      if (made[0] != null) {
        made[0].close();
      }
      throw e;
    }
  }

  /**
   * An exporter that owns a Netty channel to the configured endpoint; with a file queue, what an
   * earlier run left is delivered first.
   *
   * @throws IOException when the file queue cannot be opened (the message names the directory)
   * @throws java.io.UncheckedIOException when a TLS file cannot be read or parsed
   */
  public static OtlpExporter create(OtlpExporterConfig config, ExporterMetrics metrics, ServiceHealth health)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(health, "health");
    ThreadFactory httpThreads = health.threadFactory("rosetta-exporter-" + config.id() + "-http");
    return start(new OtlpExporter(config, lifecycle -> ExportTransport.create(config, lifecycle, httpThreads),
        metrics, health));
  }

  /**
   * An exporter sending over {@code channel}, which stays the caller's; the endpoint and TLS
   * settings are not used. Headers, compression and the deadline apply.
   */
  public static OtlpExporter forChannel(OtlpExporterConfig config, Channel channel, ExporterMetrics metrics,
      ServiceHealth health) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(health, "health");
    return start(new OtlpExporter(config,
        lifecycle -> new GrpcTransport(config, channel, Optional.empty(), lifecycle, channel.authority()),
        metrics, health));
  }

  private static OtlpExporter start(OtlpExporter exporter) {
    exporter.batcher.start();
    return exporter;
  }

  public OtlpExporterConfig config() {
    return config;
  }

  /**
   * Takes room for {@code request}, which holds {@code points} data points ({@link
   * OtlpDataPoints#count}); for a file queue, writes it. {@code points} is trusted and is the figure
   * every count uses; with assertions enabled a wrong figure fails here.
   *
   * @return the reservation to commit or abort; empty when refused (counted as refused)
   */
  public Optional<Reservation> reserve(ExportMetricsServiceRequest request, int points) {
    Objects.requireNonNull(request, "request");
    if (points < 0) {
      throw new IllegalArgumentException("points must be >= 0, got " + points);
    }
    assert points == OtlpDataPoints.count(request)
        : "offered " + points + " points, request holds " + OtlpDataPoints.count(request);
    reserving.incrementAndGet();
    if (lifecycle.stopped) {
      reserving.decrementAndGet();
      books.refused(RefusalReason.STOPPED, points);
      return Optional.empty();
    }
    QueueEntry entry;
    try {
      entry = queue.reserve(request, points);
    } catch (QueueRefusal r) {
      reserving.decrementAndGet();
      books.refused(r.reason(), points);
      return Optional.empty();
    } catch (RuntimeException | Error e) {
      reserving.decrementAndGet();
      throw e;
    }
    return Optional.of(new Taken(entry));
  }

  /** {@link #reserve} and commit: true when accepted. */
  public boolean offer(ExportMetricsServiceRequest request, int points) {
    Optional<Reservation> r = reserve(request, points);
    r.ifPresent(Reservation::commit);
    return r.isPresent();
  }

  /** {@link #offer(ExportMetricsServiceRequest, int)}, counting the points here. */
  public boolean offer(ExportMetricsServiceRequest request) {
    return offer(request, OtlpDataPoints.count(request));
  }

  private final class Taken implements Reservation {
    private final QueueEntry entry;
    private boolean finished;

    Taken(QueueEntry entry) {
      this.entry = entry;
    }

    @Override
    public void commit() {
      finish();
      books.enqueued(entry.points());
      queue.commit(entry);
      reserving.decrementAndGet();
    }

    @Override
    public void abort() {
      finish();
      queue.abort(entry);
      books.refused(RefusalReason.OTHER_EXPORTER, entry.points());
      reserving.decrementAndGet();
    }

    private void finish() {
      if (finished) {
        throw new IllegalStateException("a reservation is committed or aborted once");
      }
      finished = true;
    }
  }

  /** This exporter's counts so far. */
  public ExporterStats stats() {
    return books.stats();
  }

  /** Whether the queue survives a restart. */
  public boolean durable() {
    return queue.durable();
  }

  /**
   * Stops accepting, delivers what is queued and in flight until {@code deadline} has passed, then
   * cancels the rest: dropped ({@link DropReason#SHUTDOWN}) from a memory queue, kept for the next
   * start by a file queue. Shuts an owned channel down and closes the queue. Returns at most about
   * three seconds after the deadline. A second call waits for the first to finish, up to its own
   * deadline.
   */
  public void shutdown(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    long deadlineNanos = Batcher.saturatedAdd(System.nanoTime(),
        Math.max(0, ExponentialBackoff.saturatedNanos(deadline)));
    if (!shutdownStarted.compareAndSet(false, true)) {
      await(terminated, deadlineNanos);
      return;
    }
    try {
      lifecycle.drainDeadlineNanos = deadlineNanos;
      lifecycle.stopped = true;
      // reservations in progress finish (commit or abort) before the drain starts
      while (reserving.get() > 0 && System.nanoTime() - deadlineNanos < 0) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      lifecycle.draining = true;
      queue.wakeUp();

      boolean done = await(batcherDone, deadlineNanos);
      if (done) {
        senders.shutdown();
        done = awaitTermination(senders, deadlineNanos);
      }
      if (!done) {
        lifecycle.abort();
        queue.wakeUp();
        long graceNanos = System.nanoTime() + ABORT_GRACE_NANOS;
        await(batcherDone, graceNanos);
        senders.shutdown();
        if (!awaitTermination(senders, graceNanos)) {
          senders.shutdownNow();
          LOG.severe("exporter " + config.id() + ": senders did not stop after cancellation");
        }
      }
      // requests the batcher never took
      List<QueueEntry> left = queue.drainWaiting();
      if (!queue.durable()) {
        for (QueueEntry e : left) {
          books.droppedFromQueue(DropReason.SHUTDOWN, e.points());
        }
      }
    } finally {
      lifecycle.callContext.cancel(null);
      transport.close();
      try {
        queue.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "exporter " + config.id() + ": closing the file queue failed", e);
      }
      ExporterStats s = books.stats();
      long lost = s.droppedPoints(DropReason.SHUTDOWN);
      if (lost > 0) {
        LOG.warning("exporter " + config.id() + " to " + downstream + " shut down; " + lost
            + " points not delivered within the shutdown deadline were dropped");
      }
      if (queue.durable() && s.queuedPoints() > 0) {
        LOG.info("exporter " + config.id() + " to " + downstream + " shut down; " + s.queuedRequests()
            + " requests (" + s.queuedPoints() + " points) stay in the file queue for the next start");
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
  // between the batcher and the senders

  private final class Dispatch implements Batcher.Dispatcher {
    @Override
    public boolean awaitSender() throws InterruptedException {
      while (!lifecycle.aborted) {
        if (senderPermits.tryAcquire(SLICE_NANOS, TimeUnit.NANOSECONDS)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void releaseSender() {
      senderPermits.release();
    }

    @Override
    public boolean dispatch(ExportBatch batch) {
      try {
        senders.execute(() -> send(batch));
        return true;
      } catch (RejectedExecutionException e) {
        // only if the batcher outlived the abort grace period
        senderPermits.release();
        return false;
      }
    }

    @Override
    public void abandon(List<ExportBatch.Part> parts) {
      int points = parts.stream().mapToInt(ExportBatch.Part::points).sum();
      finish(parts, queue.durable() ? RetryingSender.Outcome.left(points)
          : RetryingSender.Outcome.dropped(DropReason.SHUTDOWN, points));
    }
  }

  private void send(ExportBatch batch) {
    // what counts if send() fails in an unexpected way: never leave points unaccounted
    RetryingSender.Outcome outcome = RetryingSender.Outcome.dropped(DropReason.NON_RETRYABLE, batch.points());
    try {
      outcome = sender.send(batch);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "exporter " + config.id() + ": an export failed unexpectedly; dropping "
          + batch.points() + " points", e);
    } finally {
      try {
        finish(batch.parts(), outcome);
      } finally {
        senderPermits.release();
      }
    }
  }

  /** Books the outcome, and tells the queue which entries are done. */
  private void finish(List<ExportBatch.Part> parts, RetryingSender.Outcome outcome) {
    if (outcome.dropped() > 0) {
      books.dropped(outcome.dropReason(), outcome.dropped());
    }
    if (outcome.left() > 0) {
      Set<QueueEntry> entries = new HashSet<>();
      for (ExportBatch.Part p : parts) {
        entries.add(p.entry());
      }
      books.returnedToStorage(outcome.left(), entries.size());
      return; // not done: the next start delivers them
    }
    if (outcome.acknowledged()) {
      books.sent(outcome.sent());
    }
    for (ExportBatch.Part p : parts) {
      if (p.entry().partFinished()) {
        queue.done(p.entry());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

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

  private static boolean awaitTermination(ExecutorService executor, long deadlineNanos) {
    try {
      return executor.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
