package dev.rosetta.receiver.admission;

import dev.rosetta.receiver.pipeline.IngestStatus;
import dev.rosetta.receiver.telemetry.LabelledCounter;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision to take a request in, made before its body is read: the heap must be below the
 * memory limiter's soft limit, the ingest lane must have room, and the heap the request will hold
 * must fit the in-flight budget. Used by both transports at the request head (HTTP) or stream start
 * (gRPC), then while the body is received and decoded. Thread-safe.
 *
 * <p>The heap a request holds is estimated from its sizes: the bytes received, the bytes decoded
 * (decompressed) and the decoded form, {@link Format#factor} times the decoded size (protobuf or
 * JSON parsed into messages and mapped into the model; measured on typical OTLP metric bodies).
 */
public final class Admission {
  /** How long a sender is asked to wait when the heap is above the soft limit. */
  public static final Duration RETRY_AFTER_MEMORY = Duration.ofSeconds(5);
  /** How long a sender is asked to wait when requests in flight hold the budget or a lane is full. */
  public static final Duration RETRY_AFTER_BUSY = Duration.ofSeconds(1);

  /** The encoding of a body, for the estimate of what its decoded form holds. */
  public enum Format {
    /**
     * Protobuf: the parsed messages hold about 7.5 times the encoded size and the mapped batch up to
     * 2.5 times more.
     */
    PROTOBUF(10),
    /**
     * JSON: the parse tree holds about 11 times the text while the messages (3 times) are built
     * from it.
     */
    JSON(16);

    /** Heap held per decoded byte while the body is parsed and mapped, besides the bytes themselves. */
    public final int factor;

    Format(int factor) {
      this.factor = factor;
    }

    /** The heap a decoded body of {@code decodedBytes} holds: the bytes and their decoded form. */
    public long decodedCost(long decodedBytes) {
      return saturatedMultiply(decodedBytes, factor + 1L);
    }
  }

  /** Why a request was refused, with its status, a message for the sender and the retry delay. */
  public record Refusal(IngestStatus status, String reason, String message, Duration retryAfter) {
    public Refusal {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  private final MemoryLimiter limiter;
  private final IngestExecutor executor;
  private final LabelledCounter refused = new LabelledCounter("rosetta_admission_refused_requests",
      "Requests refused before they were decoded, by transport and reason (memory_limit: heap above the"
          + " soft limit; in_flight_budget: requests in flight hold the budget; too_large_for_memory: the"
          + " request alone needs more than the budget; ingest_queue_full).", "transport", "reason");

  public Admission(MemoryLimiter limiter, IngestExecutor executor, CollectorRegistry registry) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.executor = Objects.requireNonNull(executor, "executor");
    registry.register(refused);
  }

  public MemoryLimiter limiter() {
    return limiter;
  }

  public IngestExecutor executor() {
    return executor;
  }

  /**
   * Checks what can be checked before anything is reserved: the heap, and the lane a body of
   * {@code estimatedDecodedBytes} would take.
   */
  public Optional<Refusal> check(String transport, long estimatedDecodedBytes) {
    if (limiter.refusing()) {
      return Optional.of(refuse(transport, "memory_limit", IngestStatus.OVERLOADED,
          "the service is short of memory: the heap in use after garbage collection ("
              + MemoryLimiter.mib(limiter.heapAfterGc()) + " MiB) is above the memory limiter's soft limit ("
              + MemoryLimiter.mib(limiter.softLimit()) + " MiB); retry later", RETRY_AFTER_MEMORY));
    }
    if (executor.laneFor(estimatedDecodedBytes).full()) {
      return Optional.of(queueFull(transport));
    }
    return Optional.empty();
  }

  /** The refusal for a full ingest lane, counted. */
  public Refusal queueFull(String transport) {
    return refuse(transport, "ingest_queue_full", IngestStatus.OVERLOADED,
        "the ingest queue is full; retry later", RETRY_AFTER_BUSY);
  }

  /**
   * Grows {@code reservation} by {@code bytes}; the refusal, counted, when the budget does not allow
   * it.
   */
  public Optional<Refusal> grow(MemoryLimiter.Reservation reservation, long bytes, String transport) {
    MemoryLimiter.Grant g = reservation.tryGrow(bytes);
    return switch (g) {
      case GRANTED -> Optional.empty();
      case BUSY -> Optional.of(refuse(transport, "in_flight_budget", IngestStatus.OVERLOADED,
          "requests in flight hold the memory budget (" + MemoryLimiter.mib(limiter.inFlight()) + " of "
              + MemoryLimiter.mib(limiter.budget()) + " MiB); retry later", RETRY_AFTER_BUSY));
      case TOO_LARGE -> Optional.of(refuse(transport, "too_large_for_memory", IngestStatus.TOO_LARGE,
          "the request needs about " + MemoryLimiter.mib(reservation.bytes() + bytes) + " MiB of heap to be"
              + " received and decoded, more than the in-flight budget of " + MemoryLimiter.mib(limiter.budget())
              + " MiB (the memory limiter's spike limit): send smaller requests or give the service more heap",
          Duration.ZERO));
    };
  }

  private Refusal refuse(String transport, String reason, IngestStatus status, String message, Duration retry) {
    refused.inc(1, transport, reason);
    return new Refusal(status, reason, message, retry);
  }

  /** Refusals counted so far for {@code transport} and {@code reason}. */
  public double refusedRequests(String transport, String reason) {
    return refused.get(transport, reason);
  }

  static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return Long.MAX_VALUE;
  }
}
