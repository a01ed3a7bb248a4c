package dev.rosetta.receiver.it;

import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.receiver.pipeline.MetricStage;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pipeline stage that holds every batch with a metric named {@value #NAME} until released (at
 * most a minute), standing for an expensive request; and the wiring that puts it in front of the
 * service's pipeline (views are left out: names stay raw).
 */
final class BlockingStage implements MetricStage {
  static final String NAME = "block.me";

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger entered = new AtomicInteger();

  /** It waits, and says so: no request runs on an event loop while it is in the pipeline. */
  @Override
  public boolean mayWait() {
    return true;
  }

  @Override
  public MetricBatch process(MetricBatch batch) {
    if (!contains(batch)) {
      return batch;
    }
    entered.incrementAndGet();
    held.incrementAndGet();
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      held.decrementAndGet();
    }
    return batch;
  }

  private static boolean contains(MetricBatch batch) {
    for (ResourceMetrics r : batch.resources()) {
      for (ScopeMetrics s : r.scopes()) {
        for (Metric m : s.metrics()) {
          if (m.name().equals(NAME)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Requests held now. */
  int held() {
    return held.get();
  }

  /** Requests that reached the stage so far. */
  int entered() {
    return entered.get();
  }

  void awaitHeld(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (held.get() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + n + " held requests, have " + held.get());
      }
      Thread.sleep(10);
    }
  }

  void release() {
    release.countDown();
  }

  /** Wiring that runs this stage before the store (no views, no forwarding). */
  com.google.inject.Module module() {
    return StageWiring.pipelineOf(this);
  }
}
