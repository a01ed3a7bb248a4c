package dev.rosetta.receiver.admission;

import dev.rosetta.receiver.lifecycle.ServiceHealth;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where requests are decoded, run through the pipeline, offered to the forwarder and applied to the
 * store: off the network event loops, with bounded concurrency and a bounded number of requests
 * waiting.
 *
 * <p>Two lanes, so that an expensive request cannot hold up cheap ones: {@code rosetta-ingest-N}
 * (about one thread per core) takes requests whose decoded body is estimated below {@value
 * #LARGE_REQUEST_BYTES} bytes, {@code rosetta-ingest-large-N} (half as many threads) the larger
 * ones. Each lane admits at most {@code capacity} requests at once (running or waiting, {@link
 * Lane#trySubmit}); a full lane refuses, and the receiver answers 503 / UNAVAILABLE with a retry
 * delay. {@link Lane#execute} is unbounded: gRPC runs its own short callbacks there (the requests
 * they belong to were admitted, or are being refused).
 *
 * <p>Threads come from {@link ServiceHealth}: a task that dies of an {@link Error} makes the service
 * unhealthy. Thread-safe.
 */
public final class IngestExecutor implements AutoCloseable {
  /** Requests estimated to decode to this many bytes or more go to the large lane. */
  public static final long LARGE_REQUEST_BYTES = 512 * 1024;
  /** Requests admitted per thread of a lane (running or waiting). */
  static final int REQUESTS_PER_THREAD = 64;

  /** One lane: a fixed pool and its admission count. */
  public static final class Lane implements Executor {
    private final String name;
    private final ThreadPoolExecutor pool;
    private final int capacity;
    private final AtomicInteger admitted = new AtomicInteger();
    private final ServiceHealth health;

    Lane(String name, int threads, int capacity, ServiceHealth health) {
      this.name = name;
      this.capacity = capacity;
      this.health = health;
      this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
          health.threadFactory("rosetta-" + name));
    }

    /** Runs {@code task} if the lane has room for another request; false when it is full. */
    public boolean trySubmit(Runnable task) {
      Objects.requireNonNull(task, "task");
      if (admitted.incrementAndGet() > capacity) {
        admitted.decrementAndGet();
        return false;
      }
      try {
        pool.execute(() -> {
          try {
            task.run();
          } finally {
            admitted.decrementAndGet();
          }
        });
        return true;
      } catch (java.util.concurrent.RejectedExecutionException e) {
        admitted.decrementAndGet();
        return false;
      }
    }

    /**
     * Counts a request that runs on this lane's threads without being submitted (a gRPC call, whose
     * callbacks run here): false when the lane is full. Pair with {@link #exit()}.
     */
    public boolean tryEnter() {
      if (admitted.incrementAndGet() > capacity || pool.isShutdown()) {
        admitted.decrementAndGet();
        return false;
      }
      return true;
    }

    /**
     * Runs a request on the calling thread (an event loop, for a request too small to hand over) if
     * the lane has room for another: it is counted as one of the lane's while it runs, and an
     * {@link Error} it throws makes the service unhealthy, as on the lane's own threads. False when
     * the lane is full (or stopping) and {@code task} did not run.
     */
    public boolean tryRunHere(Runnable task) {
      Objects.requireNonNull(task, "task");
      if (!tryEnter()) {
        return false;
      }
      try {
        task.run();
      } catch (Error e) {
        health.fatal("thread " + Thread.currentThread().getName(), e);
        throw e;
      } finally {
        exit();
      }
      return true;
    }

    /** Ends a request counted by {@link #tryEnter()}. */
    public void exit() {
      admitted.decrementAndGet();
    }

    /** Whether a request submitted now would be refused. */
    public boolean full() {
      return admitted.get() >= capacity || pool.isShutdown();
    }

    /** Runs a short task without counting it as a request (gRPC's callbacks). */
    @Override
    public void execute(Runnable command) {
      pool.execute(command);
    }

    public String name() {
      return name;
    }

    public int threads() {
      return pool.getCorePoolSize();
    }

    public int capacity() {
      return capacity;
    }

    /** Requests admitted and not finished. */
    public int admitted() {
      return admitted.get();
    }
  }

  private final Lane small;
  private final Lane large;

  /** {@code threads} for the small lane (at least 1), half as many (at least 1) for the large one. */
  public IngestExecutor(int threads, ServiceHealth health) {
    int n = Math.max(1, threads);
    int l = Math.max(1, n / 2);
    this.small = new Lane("ingest", n, n * REQUESTS_PER_THREAD, health);
    this.large = new Lane("ingest-large", l, l * REQUESTS_PER_THREAD / 4, health);
  }

  /** About one thread per core, at least two. */
  public static int defaultThreads() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  public Lane small() {
    return small;
  }

  public Lane large() {
    return large;
  }

  /** The lane for a request whose decoded body is estimated at {@code decodedBytes}. */
  public Lane laneFor(long decodedBytes) {
    return decodedBytes >= LARGE_REQUEST_BYTES ? large : small;
  }

  /** Stops taking work and waits up to {@code grace} for the work in hand. */
  public void shutdown(Duration grace) {
    small.pool.shutdown();
    large.pool.shutdown();
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      for (Lane lane : List.of(small, large)) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !lane.pool.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          lane.pool.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      small.pool.shutdownNow();
      large.pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }

  /** {@code rosetta_ingest_requests{lane}} and {@code rosetta_ingest_capacity_requests{lane}}. */
  public Collector collector() {
    return new Collector() {
      @Override
      public List<MetricFamilySamples> collect() {
        GaugeMetricFamily inFlight = new GaugeMetricFamily("rosetta_ingest_requests",
            "Requests admitted to an ingest lane and not finished (running or waiting), by lane.", List.of("lane"));
        GaugeMetricFamily cap = new GaugeMetricFamily("rosetta_ingest_capacity_requests",
            "Requests an ingest lane admits at once; beyond it requests are refused with 503 / UNAVAILABLE.",
            List.of("lane"));
        GaugeMetricFamily threads = new GaugeMetricFamily("rosetta_ingest_threads",
            "Threads of an ingest lane.", List.of("lane"));
        for (Lane lane : List.of(small, large)) {
          String label = lane == small ? "small" : "large";
          inFlight.addMetric(List.of(label), lane.admitted());
          cap.addMetric(List.of(label), lane.capacity());
          threads.addMetric(List.of(label), lane.threads());
        }
        List<MetricFamilySamples> out = new ArrayList<>(3);
        out.add(inFlight);
        out.add(cap);
        out.add(threads);
        return out;
      }
    };
  }
}
