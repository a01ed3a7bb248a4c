package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.RetryConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one batch to the downstream, retrying as the OTLP specification prescribes, and says what
 * became of it: the retry sender of the Collector's {@code exporterhelper}.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>Retried: {@code CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS},
 *       and {@code RESOURCE_EXHAUSTED} with {@code google.rpc.RetryInfo}. The wait is the exponential
 *       backoff or the server's {@code RetryInfo} / {@code Retry-After}, whichever is longer, until
 *       {@code retry_on_failure.max_elapsed_time}. {@code RESOURCE_EXHAUSTED} without retry
 *       information is dropped as {@link DropReason#RESOURCE_EXHAUSTED}, other codes as {@link
 *       DropReason#NON_RETRYABLE}.
 *   <li>Outcome unknown: an attempt is <em>uncertain</em> when the request was handed to the
 *       transport and no answer came from the downstream (the deadline passed, the connection was
 *       lost, the call was cancelled), or the downstream itself answered {@code DEADLINE_EXCEEDED}
 *       or {@code CANCELLED}. The downstream may have applied it. An attempt that failed before the
 *       request left (no connection), or that the downstream answered with another status, is
 *       certain not to have been applied. A retry after an uncertain attempt counts the batch's
 *       points as {@code resent}; a batch given up after an uncertain attempt is dropped as {@link
 *       DropReason#UNACKNOWLEDGED}, whatever ended it. So the downstream holds at least {@code sent}
 *       and at most {@code sent + unacknowledged + resent} points.
 *   <li>Points a successful answer lists in {@code partial_success.rejected_data_points} are dropped
 *       as {@link DropReason#REJECTED_BY_DOWNSTREAM}, not retried.
 *   <li>Shutdown: a retry that would start after the drain deadline is not made, and the abort at
 *       the deadline cancels the call in progress; the batch is then left to the next start (file
 *       queue) or dropped as {@link DropReason#SHUTDOWN} (memory queue; {@code unacknowledged} when
 *       uncertain).
 * </ul>
 *
 * <p>Logging: one line when the downstream becomes unavailable and one when it recovers; one line
 * per batch given up (at most one a second per exporter; the next says how many were suppressed).
 *
 * <p>The rules are the same over gRPC and HTTP: the {@link ExportTransport} classifies each attempt's
 * answer by its protocol (for OTLP/HTTP: 429, 502, 503, 504 retryable with {@code Retry-After}, other
 * statuses permanent) and this class retries, waits and counts.
 *
 * <p>Thread-safe: each sender thread calls {@link #send} for one batch at a time, blocking in the
 * transport's call and in backoff waits (which the abort ends at once).
 */
final class RetryingSender {
  private static final Logger LOG = Logger.getLogger(RetryingSender.class.getName());

  /**
   * What became of a batch. At most one of {@code dropReason}/{@code left} applies to the points
   * that were not sent.
   *
   * @param acknowledged the downstream answered the export call with success
   * @param sent points the downstream acknowledged
   * @param dropped points dropped, for {@code dropReason}
   * @param left points left to the file queue for the next start
   */
  record Outcome(boolean acknowledged, int sent, DropReason dropReason, int dropped, int left) {
    static Outcome sent(int points) {
      return new Outcome(true, points, DropReason.NON_RETRYABLE, 0, 0);
    }

    static Outcome dropped(DropReason reason, int points) {
      return new Outcome(false, 0, reason, points, 0);
    }

    static Outcome left(int points) {
      return new Outcome(false, 0, DropReason.SHUTDOWN, 0, points);
    }
  }

  private final OtlpExporterConfig config;
  private final ExportTransport transport;
  private final ExportAccounting books;
  private final ExporterLifecycle lifecycle;
  private final boolean durableQueue;
  private final String downstream;
  private final RateLimitedLog giveUpLog = new RateLimitedLog(LOG, Duration.ofSeconds(1));
  private final RateLimitedLog partialSuccessLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final AtomicBoolean downstreamHealthy = new AtomicBoolean(true);

  RetryingSender(OtlpExporterConfig config, ExportTransport transport, ExportAccounting books,
      ExporterLifecycle lifecycle, boolean durableQueue) {
    this.config = config;
    this.transport = transport;
    this.books = books;
    this.lifecycle = lifecycle;
    this.durableQueue = durableQueue;
    this.downstream = transport.downstream();
  }

  /** Delivers {@code batch}, retrying; never throws for a failed export. */
  Outcome send(ExportBatch batch) {
    RetryConfig retry = config.retryOnFailure();
    int points = batch.points();
    long start = System.nanoTime();
    ExponentialBackoff backoff = null;
    boolean uncertain = false;
    int attempts = 0;
    while (true) {
      ExportMetricsServiceResponse response;
      attempts++;
      try {
        response = transport.export(batch);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return shutdownOutcome(points, true);
      } catch (ExportTransport.Failure e) {
        books.failed(e.code);
        boolean thisUncertain = e.uncertain;
        uncertain |= thisUncertain;
        if (lifecycle.aborted) {
          return shutdownOutcome(points, uncertain);
        }
        if (!e.retryable) {
          return giveUp(e.permanentReason, uncertain, points, attempts, start, "it answered " + e.getMessage());
        }
        markUnavailable(e.getMessage());
        if (!retry.enabled()) {
          return giveUp(DropReason.RETRIES_EXHAUSTED, uncertain, points, attempts, start,
              e.getMessage() + " and retries are disabled");
        }
        if (backoff == null) {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          backoff = new ExponentialBackoff(retry, random::nextDouble);
        }
        Duration delay = backoff.next();
        Optional<Duration> serverDelay = e.serverDelay;
        if (serverDelay.isPresent() && serverDelay.get().compareTo(delay) > 0) {
          delay = serverDelay.get();
        }
        long delayNanos = ExponentialBackoff.saturatedNanos(delay);
        long now = System.nanoTime();
        long maxElapsed = ExponentialBackoff.saturatedNanos(retry.maxElapsedTime());
        if (maxElapsed > 0 && delayNanos > maxElapsed - (now - start)) {
          return giveUp(DropReason.RETRIES_EXHAUSTED, uncertain, points, attempts, start,
              e.getMessage() + " until max_elapsed_time");
        }
        if (lifecycle.stopped && delayNanos > lifecycle.drainDeadlineNanos - now) {
          // the retry would start after the shutdown deadline
          return shutdownOutcome(points, uncertain);
        }
        books.retried();
        if (thisUncertain) {
          books.resent(points);
        }
        try {
          if (lifecycle.awaitAbort(delayNanos)) {
            return shutdownOutcome(points, uncertain);
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return shutdownOutcome(points, uncertain);
        }
        transport.reconnectNow();
        continue;
      }
      markHealthy();
      return success(response, points);
    }
  }

  private Outcome shutdownOutcome(int points, boolean uncertain) {
    if (durableQueue) {
      return Outcome.left(points);
    }
    return Outcome.dropped(uncertain ? DropReason.UNACKNOWLEDGED : DropReason.SHUTDOWN, points);
  }

  private Outcome giveUp(DropReason reason, boolean uncertain, int points, int attempts, long start,
      String why) {
    DropReason r = uncertain ? DropReason.UNACKNOWLEDGED : reason;
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    giveUpLog.log(Level.WARNING, () -> "exporter " + books.exporter() + " gave up a batch of " + points
        + " points to " + downstream + " after " + attempts + (attempts == 1 ? " attempt" : " attempts")
        + " in " + ms + "ms (" + why + "): counted as dropped, reason " + r.label()
        + (uncertain ? " (an attempt may have reached it)" : ""));
    return Outcome.dropped(r, points);
  }

  private Outcome success(ExportMetricsServiceResponse response, int points) {
    if (!response.hasPartialSuccess()) {
      return Outcome.sent(points);
    }
    ExportMetricsPartialSuccess partial = response.getPartialSuccess();
    long rejected = partial.getRejectedDataPoints();
    if (rejected > 0) {
      int r = (int) Math.min(rejected, points);
      partialSuccessLog.log(Level.WARNING, () -> "exporter " + books.exporter() + ": downstream " + downstream
          + " rejected " + rejected + " of " + points + " points: " + partial.getErrorMessage());
      return new Outcome(true, points - r, DropReason.REJECTED_BY_DOWNSTREAM, r, 0);
    }
    if (!partial.getErrorMessage().isEmpty()) {
      partialSuccessLog.log(Level.WARNING, () -> "exporter " + books.exporter() + ": downstream " + downstream
          + " accepted with a warning: " + partial.getErrorMessage());
    }
    return Outcome.sent(points);
  }

  private void markUnavailable(String why) {
    if (downstreamHealthy.compareAndSet(true, false)) {
      LOG.warning("exporter " + books.exporter() + ": downstream " + downstream + " unavailable ("
          + why + "); retrying");
    }
  }

  private void markHealthy() {
    if (downstreamHealthy.compareAndSet(false, true)) {
      LOG.info("exporter " + books.exporter() + ": downstream " + downstream + " recovered");
    }
  }
}
