package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.Compression;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.RetryConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
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
 * <p>Thread-safe: each sender thread calls {@link #send} for one batch at a time, blocking in the
 * gRPC call and in backoff waits (which the abort ends at once).
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
  private final Channel channel;
  private final Optional<ManagedChannel> ownedChannel;
  private final ExportAccounting books;
  private final ExporterLifecycle lifecycle;
  private final boolean durableQueue;
  private final String downstream;
  private final RateLimitedLog giveUpLog = new RateLimitedLog(LOG, Duration.ofSeconds(1));
  private final RateLimitedLog partialSuccessLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final AtomicBoolean downstreamHealthy = new AtomicBoolean(true);

  RetryingSender(OtlpExporterConfig config, Channel channel, Optional<ManagedChannel> ownedChannel,
      ExportAccounting books, ExporterLifecycle lifecycle, boolean durableQueue, String downstream) {
    this.config = config;
    this.channel = config.headers().isEmpty() ? channel
        : ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers(config)));
    this.ownedChannel = ownedChannel;
    this.books = books;
    this.lifecycle = lifecycle;
    this.durableQueue = durableQueue;
    this.downstream = downstream;
  }

  private static Metadata headers(OtlpExporterConfig config) {
    Metadata h = new Metadata();
    config.headers().forEach((k, v) -> h.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    return h;
  }

  /** Whether an attempt's request left, and whether the downstream answered it. */
  private static final class Attempt extends ClientStreamTracer.Factory {
    volatile boolean sent;
    volatile boolean answered;

    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
      return new ClientStreamTracer() {
        @Override
        public void outboundMessageSent(int seqNo, long wireSize, long uncompressedSize) {
          sent = true;
        }

        @Override
        public void inboundTrailers(Metadata trailers) {
          answered = true;
        }
      };
    }

    boolean uncertain(Status.Code code) {
      return sent && (!answered || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED);
    }
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
      Attempt attempt = new Attempt();
      ExportMetricsServiceResponse response;
      attempts++;
      try {
        response = call(batch, attempt);
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        Status.Code code = status.getCode();
        books.failed(code);
        boolean thisUncertain = attempt.uncertain(code);
        uncertain |= thisUncertain;
        if (lifecycle.aborted) {
          return shutdownOutcome(points, uncertain);
        }
        Optional<Duration> retryInfo = RetryPolicy.retryInfo(e);
        if (!RetryPolicy.isRetryable(code, retryInfo.isPresent())) {
          DropReason reason = code == Status.Code.RESOURCE_EXHAUSTED ? DropReason.RESOURCE_EXHAUSTED
              : DropReason.NON_RETRYABLE;
          return giveUp(reason, uncertain, points, attempts, start, "it answered " + describe(status));
        }
        markUnavailable(status);
        if (!retry.enabled()) {
          return giveUp(DropReason.RETRIES_EXHAUSTED, uncertain, points, attempts, start,
              describe(status) + " and retries are disabled");
        }
        if (backoff == null) {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          backoff = new ExponentialBackoff(retry, random::nextDouble);
        }
        Duration delay = backoff.next();
        Optional<Duration> serverDelay = RetryPolicy.retryDelay(e, e.getTrailers(), ZonedDateTime.now());
        if (serverDelay.isPresent() && serverDelay.get().compareTo(delay) > 0) {
          delay = serverDelay.get();
        }
        long delayNanos = ExponentialBackoff.saturatedNanos(delay);
        long now = System.nanoTime();
        long maxElapsed = ExponentialBackoff.saturatedNanos(retry.maxElapsedTime());
        if (maxElapsed > 0 && delayNanos > maxElapsed - (now - start)) {
          return giveUp(DropReason.RETRIES_EXHAUSTED, uncertain, points, attempts, start,
              describe(status) + " until max_elapsed_time");
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
        // gRPC's own reconnect backoff grows to minutes: the retry policy decides when to try, so the
        // channel should connect right away when it does, and delivery resumes as the downstream is back.
        ownedChannel.ifPresent(ManagedChannel::resetConnectBackoff);
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

  private ExportMetricsServiceResponse call(ExportBatch batch, Attempt attempt) {
    CallOptions options = CallOptions.DEFAULT
        .withDeadlineAfter(config.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .withStreamTracerFactory(attempt);
    if (config.compression() == Compression.GZIP) {
      options = options.withCompression("gzip");
    }
    // calls run in a context that shutdown cancels once the deadline has passed
    Context previous = lifecycle.callContext.attach();
    try {
      return ClientCalls.blockingUnaryCall(channel, ExportBatch.EXPORT, options, batch);
    } finally {
      lifecycle.callContext.detach(previous);
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

  private void markUnavailable(Status status) {
    if (downstreamHealthy.compareAndSet(true, false)) {
      LOG.warning("exporter " + books.exporter() + ": downstream " + downstream + " unavailable ("
          + describe(status) + "); retrying");
    }
  }

  private void markHealthy() {
    if (downstreamHealthy.compareAndSet(false, true)) {
      LOG.info("exporter " + books.exporter() + ": downstream " + downstream + " recovered");
    }
  }

  private static String describe(Status status) {
    return status.getDescription() == null
        ? status.getCode().name()
        : status.getCode() + ": " + status.getDescription();
  }
}
