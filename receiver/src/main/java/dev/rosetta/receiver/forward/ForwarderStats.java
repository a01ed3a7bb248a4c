package dev.rosetta.receiver.forward;

import io.grpc.Status;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one forwarder's counts since it was created (unlike {@link ForwarderMetrics}, which
 * may outlive it). Immutable.
 *
 * <p>The snapshot is not atomic across fields: while exports run, a point may be seen in two places
 * or none for an instant. Once the forwarder is idle or shut down, {@link #unaccountedPoints()} is 0.
 *
 * @param enqueuedPoints points accepted by {@code offer}
 * @param sentPoints points the downstream accepted
 * @param sentRequests successful export calls
 * @param droppedPoints accepted points not delivered, by reason (every reason present)
 * @param refusedPoints points refused by {@code offer}, by reason (every reason present)
 * @param failedRequests failed export attempts by status code (codes seen only)
 * @param retries retries scheduled
 * @param queuedRequests requests in the queue
 * @param queuedPoints points in the queue
 * @param inFlightPoints points out of the queue, not yet sent or dropped
 */
public record ForwarderStats(
    long enqueuedPoints,
    long sentPoints,
    long sentRequests,
    Map<DropReason, Long> droppedPoints,
    Map<RefusalReason, Long> refusedPoints,
    Map<Status.Code, Long> failedRequests,
    long retries,
    long queuedRequests,
    long queuedPoints,
    long inFlightPoints) {

  public ForwarderStats {
    droppedPoints = Collections.unmodifiableMap(complete(DropReason.class, droppedPoints));
    refusedPoints = Collections.unmodifiableMap(complete(RefusalReason.class, refusedPoints));
    EnumMap<Status.Code, Long> failed = new EnumMap<>(Status.Code.class);
    failed.putAll(Objects.requireNonNull(failedRequests, "failedRequests"));
    failedRequests = Collections.unmodifiableMap(failed);
  }

  /** Points dropped for {@code reason}. */
  public long droppedPoints(DropReason reason) {
    return droppedPoints.get(reason);
  }

  /** Points dropped for any reason. */
  public long totalDroppedPoints() {
    return droppedPoints.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Points refused for {@code reason}. */
  public long refusedPoints(RefusalReason reason) {
    return refusedPoints.get(reason);
  }

  /** Points refused for any reason. */
  public long totalRefusedPoints() {
    return refusedPoints.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Failed attempts that ended with {@code code}. */
  public long failedRequests(Status.Code code) {
    return failedRequests.getOrDefault(code, 0L);
  }

  /**
   * {@code enqueued - sent - dropped - queued - inFlight}: zero when every accepted point is
   * accounted for.
   */
  public long unaccountedPoints() {
    return enqueuedPoints - sentPoints - totalDroppedPoints() - queuedPoints - inFlightPoints;
  }

  private static <K extends Enum<K>> EnumMap<K, Long> complete(Class<K> type, Map<K, Long> in) {
    Objects.requireNonNull(in, type.getSimpleName());
    EnumMap<K, Long> out = new EnumMap<>(type);
    for (K k : type.getEnumConstants()) {
      out.put(k, in.getOrDefault(k, 0L));
    }
    return out;
  }
}
