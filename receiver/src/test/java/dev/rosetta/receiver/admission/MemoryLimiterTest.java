package dev.rosetta.receiver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.config.ComponentId;
import dev.rosetta.receiver.config.MemoryLimiterConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The memory limiter's limits, its heap checks and its in-flight budget, on a heap the test controls. */
class MemoryLimiterTest {
  static final long MIB = 1024 * 1024;

  /** A heap of {@code max} bytes whose use and collections the test sets. */
  static class FakeHeap implements MemoryLimiter.Heap {
    final long max;
    volatile long used;
    volatile long afterCollection;
    final AtomicInteger collections = new AtomicInteger();
    LongConsumer listener = n -> {};

    FakeHeap(long max) {
      this.max = max;
    }

    @Override
    public long max() {
      return max;
    }

    @Override
    public long used() {
      return used;
    }

    @Override
    public AutoCloseable onCollection(LongConsumer afterGc) {
      listener = afterGc;
      return () -> listener = n -> {};
    }

    @Override
    public void collect() {
      collections.incrementAndGet();
      used = afterCollection;
      listener.accept(afterCollection);
    }

    /** A collection by the JVM that leaves {@code bytes} in use. */
    void collected(long bytes) {
      used = bytes;
      afterCollection = bytes;
      listener.accept(bytes);
    }
  }

  static MemoryLimiterConfig config(long limitMib, int limitPct, long spikeMib, int spikePct) {
    return new MemoryLimiterConfig(ComponentId.of("memory_limiter"), Duration.ofSeconds(1), limitMib, limitPct,
        spikeMib, spikePct);
  }

  @Test
  void limitsFollowTheCollectorsRules() {
    long heap = 1000 * MIB;
    // percentages are of the maximum heap; no spike given: a fifth of the hard limit
    MemoryLimiterConfig pct = config(0, 80, 0, 0);
    assertThat(pct.hardLimitBytes(heap)).isEqualTo(800 * MIB);
    assertThat(pct.spikeLimitBytes(heap)).isEqualTo(160 * MIB);
    assertThat(pct.softLimitBytes(heap)).isEqualTo(640 * MIB);
    // limit_mib wins over limit_percentage; spike_limit_mib over spike_limit_percentage
    MemoryLimiterConfig mib = config(500, 90, 100, 0);
    assertThat(mib.hardLimitBytes(heap)).isEqualTo(500 * MIB);
    assertThat(mib.spikeLimitBytes(heap)).isEqualTo(100 * MIB);
    // a hard limit beyond the heap is the heap
    assertThat(config(4000, 0, 0, 0).hardLimitBytes(heap)).isEqualTo(heap);
    // the defaults: 90% and 30% of the heap
    MemoryLimiterConfig d = MemoryLimiterConfig.defaults();
    assertThat(d.hardLimitBytes(heap)).isEqualTo(900 * MIB);
    assertThat(d.spikeLimitBytes(heap)).isEqualTo(300 * MIB);
    assertThat(d.softLimitBytes(heap)).isEqualTo(600 * MIB);
  }

  @Test
  void refusesWhileTheHeapAfterCollectionIsAboveTheSoftLimit() {
    FakeHeap heap = new FakeHeap(1000 * MIB);
    ServiceHealth health = new ServiceHealth();
    try (MemoryLimiter l = new MemoryLimiter(config(0, 80, 0, 20), heap, health)) {
      assertThat(l.softLimit()).isEqualTo(600 * MIB);
      l.start();
      assertThat(l.refusing()).isFalse();
      heap.collected(650 * MIB);
      assertThat(l.refusing()).as("above the soft limit after a collection").isTrue();
      // garbage above the soft limit right now, but the last collection left less: not refusing
      heap.collected(300 * MIB);
      heap.used = 700 * MIB;
      l.check();
      assertThat(l.refusing()).isFalse();
      heap.collected(100 * MIB);
      assertThat(l.refusing()).isFalse();
    }
    assertThat(health.isHealthy()).isTrue();
  }

  @Test
  void aboveTheSoftLimitAFullCollectionIsAskedForAtMostEveryTenSeconds() {
    FakeHeap heap = new FakeHeap(1000 * MIB);
    try (MemoryLimiter l = new MemoryLimiter(config(0, 80, 0, 20), heap, new ServiceHealth())) {
      l.start();
      // the young collections left garbage in the old generation; a full collection clears it
      heap.afterCollection = 200 * MIB;
      heap.used = 700 * MIB;
      heap.listener.accept(700 * MIB);
      assertThat(l.refusing()).isTrue();
      l.check();
      assertThat(heap.collections.get()).isEqualTo(1);
      assertThat(l.refusing()).as("the full collection showed the heap below the soft limit").isFalse();
      heap.collected(700 * MIB);
      l.check();
      assertThat(heap.collections.get()).as("not again within ten seconds").isEqualTo(1);
      assertThat(l.refusing()).isTrue();
    }
  }

  @Test
  void theInFlightBudgetIsTheSpikeLimit() {
    FakeHeap heap = new FakeHeap(1000 * MIB);
    try (MemoryLimiter l = new MemoryLimiter(config(0, 80, 100, 0), heap, new ServiceHealth())) {
      assertThat(l.budget()).isEqualTo(100 * MIB);
      MemoryLimiter.Reservation a = l.reserve();
      MemoryLimiter.Reservation b = l.reserve();
      assertThat(a.tryGrow(60 * MIB)).isEqualTo(MemoryLimiter.Grant.GRANTED);
      assertThat(b.tryGrow(50 * MIB)).as("does not fit while a holds its share").isEqualTo(MemoryLimiter.Grant.BUSY);
      assertThat(b.tryGrow(101 * MIB)).as("could never fit").isEqualTo(MemoryLimiter.Grant.TOO_LARGE);
      assertThat(b.tryGrow(40 * MIB)).isEqualTo(MemoryLimiter.Grant.GRANTED);
      assertThat(l.inFlight()).isEqualTo(100 * MIB);
      a.shrink(10 * MIB);
      assertThat(l.inFlight()).isEqualTo(90 * MIB);
      a.release();
      a.release();
      assertThat(l.inFlight()).isEqualTo(40 * MIB);
      assertThat(b.tryGrow(60 * MIB)).isEqualTo(MemoryLimiter.Grant.GRANTED);
      b.close();
      assertThat(l.inFlight()).isZero();
    }
  }

  @Test
  void reconfiguringChangesTheLimitsAndKeepsTheReservations() {
    FakeHeap heap = new FakeHeap(1000 * MIB);
    try (MemoryLimiter l = new MemoryLimiter(config(0, 80, 100, 0), heap, new ServiceHealth())) {
      MemoryLimiter.Reservation a = l.reserve();
      assertThat(a.tryGrow(80 * MIB)).isEqualTo(MemoryLimiter.Grant.GRANTED);
      l.configure(config(0, 80, 50, 0));
      assertThat(l.budget()).isEqualTo(50 * MIB);
      assertThat(l.inFlight()).isEqualTo(80 * MIB);
      assertThat(l.reserve().tryGrow(1)).isEqualTo(MemoryLimiter.Grant.BUSY);
      a.release();
      assertThat(l.reserve().tryGrow(50 * MIB)).isEqualTo(MemoryLimiter.Grant.GRANTED);
    }
  }

  @Test
  void aFailingCheckMakesTheServiceUnhealthy() throws Exception {
    ServiceHealth health = new ServiceHealth();
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
    FakeHeap heap = new FakeHeap(1000 * MIB) {
      @Override
      public long used() {
        if (broken.get()) {
          throw new IllegalStateException("the heap cannot be read");
        }
        return 0;
      }
    };
    try (MemoryLimiter l = new MemoryLimiter(new MemoryLimiterConfig(ComponentId.of("memory_limiter"),
        Duration.ofMillis(20), 0, 80, 0, 20), heap, health)) {
      l.start();
      heap.afterCollection = 900 * MIB;
      heap.listener.accept(900 * MIB);
      broken.set(true);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (health.isHealthy() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(health.fault()).get().extracting(ServiceHealth.Fault::where).isEqualTo("task memory check");
    }
  }
}
