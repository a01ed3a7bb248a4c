package dev.rosetta.receiver.forward;

import io.grpc.Context;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The shutdown state one exporter's parts share: stopped (no new requests), draining (deliver what
 * is left without waiting to fill batches), aborted (the deadline passed: cancel calls and retry
 * waits). Each flag only ever goes from false to true. Thread-safe.
 */
final class ExporterLifecycle {
  volatile boolean stopped;
  volatile boolean draining;
  volatile boolean aborted;
  /** When the drain must end ({@link System#nanoTime()}); valid once {@link #stopped}. */
  volatile long drainDeadlineNanos = Long.MAX_VALUE;
  private final CountDownLatch abortSignal = new CountDownLatch(1);
  /** Export calls run in it; the abort cancels them. */
  final Context.CancellableContext callContext = Context.ROOT.withCancellation();

  void abort() {
    aborted = true;
    abortSignal.countDown();
    callContext.cancel(null);
  }

  /** Waits {@code nanos} unless aborted first; true when aborted. */
  boolean awaitAbort(long nanos) throws InterruptedException {
    return abortSignal.await(nanos, TimeUnit.NANOSECONDS);
  }
}
