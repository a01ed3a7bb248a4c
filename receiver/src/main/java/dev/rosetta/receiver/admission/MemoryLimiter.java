package dev.rosetta.receiver.admission;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.rosetta.receiver.config.MemoryLimiterConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Admission by memory, the {@code memory_limiter} processor's semantics applied before a request
 * body is read (see {@link MemoryLimiterConfig} for the limits).
 *
 * <p><b>Heap in use.</b> After every garbage collection (a JMX notification) and every {@code
 * check_interval} (on the {@code rosetta-memory-check} thread), the heap occupied right after the
 * latest collection is compared with the soft limit; at or above it, {@link #refusing()} is true and
 * new requests are refused until it is below again. While above the soft limit a full collection
 * is requested at most every {@value #MIN_FORCED_GC_SECONDS} s, so that garbage that the young
 * collections left in the old generation does not keep the service refusing.
 *
 * <p><b>In-flight budget.</b> The heap that requests hold while they are received and decoded is
 * reserved here before it is taken ({@link #reserve()}, {@link Reservation#tryGrow}); the sum may
 * not exceed the spike limit. A request that would need more than the whole budget on its own can
 * never be admitted ({@link Grant#TOO_LARGE}); one that does not fit now can retry ({@link
 * Grant#BUSY}).
 *
 * <p>Thread-safe: reservations are made on event loops and ingest threads, the checks run on the
 * check thread and on the JMX notification thread; the state is a few atomics and volatiles.
 */
public final class MemoryLimiter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(MemoryLimiter.class.getName());
  static final long MIN_FORCED_GC_SECONDS = 10;
  private static final long MIB = 1024 * 1024;

  /** The outcome of a reservation. */
  public enum Grant {
    /** Reserved. */
    GRANTED,
    /** The budget is taken by other requests now: retry later. */
    BUSY,
    /** More than the whole budget: this request can never be admitted. */
    TOO_LARGE
  }

  /** What the limiter reads from the JVM; tests give their own. */
  public interface Heap {
    /** The maximum heap, in bytes. */
    long max();

    /** The heap in use right now, including garbage not yet collected. */
    long used();

    /** Registers {@code afterGc} to be called with the heap in use after each collection. */
    AutoCloseable onCollection(java.util.function.LongConsumer afterGc);

    /** Asks for a full collection. */
    void collect();
  }

  private final Heap heap;
  private final ServiceHealth health;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong refusedSince = new AtomicLong(-1);
  private final Object transitions = new Object();
  private volatile MemoryLimiterConfig config;
  private volatile long hardLimit;
  private volatile long softLimit;
  private volatile long budget;
  private volatile long heapAfterGc;
  private volatile boolean refusing;
  private volatile long lastForcedGcNanos;
  private ScheduledExecutorService checker;
  private AutoCloseable gcListener;

  public MemoryLimiter(MemoryLimiterConfig config, Heap heap, ServiceHealth health) {
    this.heap = Objects.requireNonNull(heap, "heap");
    this.health = Objects.requireNonNull(health, "health");
    this.lastForcedGcNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(MIN_FORCED_GC_SECONDS);
    configure(config);
  }

  /** The limiter on this JVM's heap. */
  public static MemoryLimiter forJvm(MemoryLimiterConfig config, ServiceHealth health) {
    return new MemoryLimiter(config, new JvmHeap(), health);
  }

  /** Puts new limits in force (a configuration reload); reservations in flight stay. */
  public synchronized void configure(MemoryLimiterConfig next) {
    MemoryLimiterConfig c = Objects.requireNonNull(next, "next");
    long max = heap.max();
    long hard = c.hardLimitBytes(max);
    long spike = c.spikeLimitBytes(max);
    boolean changed = config == null || hard != hardLimit || spike != budget;
    boolean intervalChanged = config != null && !config.checkInterval().equals(c.checkInterval());
    this.config = c;
    this.hardLimit = hard;
    this.budget = spike;
    this.softLimit = hard - spike;
    if (changed) {
      LOG.info("memory limiter: heap " + mib(max) + " MiB, hard limit " + mib(hard) + " MiB, soft limit "
          + mib(softLimit) + " MiB, in-flight budget " + mib(spike) + " MiB, checked every "
          + c.checkInterval().toMillis() + " ms");
    }
    if (checker != null && intervalChanged) {
      scheduleChecks();
    }
  }

  /** Starts the periodic check and the collection listener. Idempotent. */
  public synchronized void start() {
    if (checker != null) {
      return;
    }
    // until the first collection, what is in use now (garbage included) stands for it
    heapAfterGc = Math.max(heapAfterGc, heap.used());
    gcListener = heap.onCollection(this::collected);
    scheduleChecks();
  }

  private void scheduleChecks() {
    if (checker != null) {
      checker.shutdownNow();
    }
    long ms = config.checkInterval().toMillis();
    checker = Executors.newSingleThreadScheduledExecutor(health.threadFactory("rosetta-memory-check"));
    checker.scheduleWithFixedDelay(health.guard("memory check", this::check), ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (checker != null) {
      checker.shutdownNow();
      checker = null;
    }
    if (gcListener != null) {
      try {
        gcListener.close();
      } catch (Exception e) {
        LOG.fine("removing the collection listener: " + e);
      }
      gcListener = null;
    }
  }

  private void collected(long usedAfterGc) {
    heapAfterGc = usedAfterGc;
    evaluate(false);
  }

  /** One check: compare, and ask for a full collection when above the soft limit (rate-limited). */
  void check() {
    evaluate(true);
  }

  /**
   * The heap in use: what the latest collection left, unless the heap in use right now (garbage
   * included) is lower, which bounds the live data too.
   */
  private long inUse() {
    return Math.min(heapAfterGc, heap.used());
  }

  private boolean overSoftLimit() {
    return inUse() >= softLimit;
  }

  private void evaluate(boolean mayCollect) {
    if (mayCollect && overSoftLimit()
        && System.nanoTime() - lastForcedGcNanos >= TimeUnit.SECONDS.toNanos(MIN_FORCED_GC_SECONDS)) {
      lastForcedGcNanos = System.nanoTime();
      heap.collect(); // the collection listener updates heapAfterGc
    }
    synchronized (transitions) {
      boolean over = overSoftLimit();
      if (over == refusing) {
        return;
      }
      refusing = over;
      long used = inUse();
      if (over) {
        refusedSince.set(System.nanoTime());
        LOG.warning("heap in use after garbage collection (" + mib(used) + " MiB) is at or above the memory"
            + " limiter's soft limit (" + mib(softLimit) + " MiB): refusing new requests");
      } else {
        long since = refusedSince.getAndSet(-1);
        LOG.info("heap in use (" + mib(used) + " MiB) is below the memory limiter's soft limit ("
            + mib(softLimit) + " MiB) again: accepting requests"
            + (since < 0 ? "" : " after " + Duration.ofNanos(System.nanoTime() - since).toSeconds() + " s"));
      }
    }
  }

  /** True while the heap in use after the latest collection is at or above the soft limit. */
  public boolean refusing() {
    return refusing;
  }

  /** An empty reservation; grow it before taking memory, release it when done. */
  public Reservation reserve() {
    return new Reservation();
  }

  /** The in-flight budget (the spike limit), in bytes. */
  public long budget() {
    return budget;
  }

  /** Bytes reserved by requests in flight. */
  public long inFlight() {
    return inFlight.get();
  }

  public long softLimit() {
    return softLimit;
  }

  public long hardLimit() {
    return hardLimit;
  }

  public long heapAfterGc() {
    return heapAfterGc;
  }

  public MemoryLimiterConfig config() {
    return config;
  }

  static long mib(long bytes) {
    return bytes / MIB;
  }

  /**
   * Bytes one request holds, reserved against the budget before they are taken. Used by one thread
   * at a time (the request moves from the event loop to an ingest thread); {@link #release()} is
   * idempotent and may come from any thread.
   */
  public final class Reservation implements AutoCloseable {
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean released;

    private Reservation() {}

    /** Reserves {@code delta} more bytes, unless the budget does not allow it. */
    public Grant tryGrow(long delta) {
      if (delta <= 0) {
        return Grant.GRANTED;
      }
      if (released) {
        throw new IllegalStateException("reservation already released");
      }
      long mine = bytes.get() + delta;
      long b = budget;
      if (mine > b) {
        return Grant.TOO_LARGE;
      }
      while (true) {
        long cur = inFlight.get();
        if (cur + delta > b) {
          return Grant.BUSY;
        }
        if (inFlight.compareAndSet(cur, cur + delta)) {
          bytes.addAndGet(delta);
          return Grant.GRANTED;
        }
      }
    }

    /** Gives back {@code delta} bytes (no longer held). */
    public void shrink(long delta) {
      long d = Math.min(delta, bytes.get());
      if (d > 0) {
        bytes.addAndGet(-d);
        inFlight.addAndGet(-d);
      }
    }

    /** The bytes held now. */
    public long bytes() {
      return bytes.get();
    }

    /** Gives everything back. Idempotent. */
    public void release() {
      if (!released) {
        released = true;
        long b = bytes.getAndSet(0);
        inFlight.addAndGet(-b);
      }
    }

    @Override
    public void close() {
      release();
    }
  }

  /** The limiter's gauges ({@code rosetta_memory_limiter_*}). */
  public Collector collector() {
    return new Collector() {
      @Override
      public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>();
        out.add(new GaugeMetricFamily("rosetta_memory_limiter_in_flight_bytes",
            "Heap reserved by requests being received and decoded (bytes received, decompressed, and the"
                + " decoded form estimated from the decoded size).", inFlight.get()));
        out.add(new GaugeMetricFamily("rosetta_memory_limiter_in_flight_limit_bytes",
            "The in-flight budget: the memory limiter's spike limit.", budget));
        out.add(new GaugeMetricFamily("rosetta_memory_limiter_heap_after_gc_bytes",
            "Heap in use right after the latest garbage collection.", heapAfterGc));
        out.add(new GaugeMetricFamily("rosetta_memory_limiter_soft_limit_bytes",
            "At or above this heap in use after collection, new requests are refused.", softLimit));
        out.add(new GaugeMetricFamily("rosetta_memory_limiter_hard_limit_bytes",
            "The memory limiter's hard limit.", hardLimit));
        out.add(new GaugeMetricFamily("rosetta_memory_limiter_refusing",
            "1 while new requests are refused because the heap is above the soft limit.", refusing ? 1 : 0));
        return out;
      }
    };
  }

  /** Registers {@link #collector()}. */
  public MemoryLimiter register(CollectorRegistry registry) {
    registry.register(collector());
    return this;
  }

  /** The JVM's heap through the platform MXBeans. */
  static final class JvmHeap implements Heap {
    /** Looked up once: each lookup through ManagementFactory builds the bean's ObjectName anew. */
    private final java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    @Override
    public long max() {
      return Runtime.getRuntime().maxMemory();
    }

    @Override
    public long used() {
      return memory.getHeapMemoryUsage().getUsed();
    }

    @Override
    public AutoCloseable onCollection(java.util.function.LongConsumer afterGc) {
      NotificationListener listener = (Notification n, Object handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
          return;
        }
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (heapPools.contains(e.getKey())) {
            used += e.getValue().getUsed();
          }
        }
        afterGc.accept(used);
      };
      List<NotificationEmitter> emitters = new ArrayList<>();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter e) {
          e.addNotificationListener(listener, null, null);
          emitters.add(e);
        }
      }
      return () -> {
        for (NotificationEmitter e : emitters) {
          try {
            e.removeNotificationListener(listener);
          } catch (ListenerNotFoundException ignored) {
            // already gone
          }
        }
      };
    }

    @Override
    public void collect() {
      System.gc();
    }
  }
}
