package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;

/** Bounded waits: poll until a condition holds, fail with the last observation at the deadline. */
final class Await {
  private static final Duration POLL = Duration.ofMillis(200);

  /** A probe that may throw (a peer not answering yet). */
  @FunctionalInterface
  interface Probe<T> {
    T get() throws Exception;
  }

  private Await() {}

  /** Polls {@code probe} until {@code done} accepts its value; returns that value. */
  static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    Exception lastError = null;
    while (true) {
      try {
        last = probe.get();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        String seen = lastError != null ? "last error: " + lastError : "last value: " + last;
        return fail("not within " + timeout.toSeconds() + " s: " + what + "; " + seen, lastError);
      }
      sleep(POLL);
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
