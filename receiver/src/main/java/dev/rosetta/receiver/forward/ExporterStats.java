package dev.rosetta.receiver.forward;

import io.grpc.Status;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one exporter's counts since it was created (unlike {@link ExporterMetrics}, which
 * may outlive it). Immutable.
 *
 * <p>The snapshot is not atomic across fields: while exports run, a point may be seen in two places
 * or none for an instant. Once the exporter is idle or shut down, {@link #unaccountedPoints()} is 0.
 *
 * @param enqueuedPoints points accepted by {@code offer} (or a committed reservation)
 * @param recoveredPoints points found in the file queue at start
 * @param sentPoints points the downstream acknowledged (delivered)
 * @param sentRequests acknowledged export calls
 * @param droppedPoints accepted points not delivered, by reason (every reason present)
 * @param refusedPoints points not accepted, by reason (every reason present)
 * @param failedRequests failed export attempts by status code (codes seen only)
 * @param retries retries scheduled
 * @param resentPoints points sent again after an attempt whose outcome was unknown
 * @param corruptedRecords records of the file queue found unreadable at start
 * @param queuedRequests requests waiting in the queue (for a file queue after shutdown: kept on
 *     disk for the next start)
 * @param queuedPoints points waiting in the queue
 * @param inFlightPoints points out of the queue, not yet sent or dropped
 */
public record ExporterStats(
    long enqueuedPoints,
    long recoveredPoints,
    long sentPoints,
    long sentRequests,
    Map<DropReason, Long> droppedPoints,
    Map<RefusalReason, Long> refusedPoints,
    Map<Status.Code, Long> failedRequests,
    long retries,
    long resentPoints,
    long corruptedRecords,
    long queuedRequests,
    long queuedPoints,
    long inFlightPoints) {

  public ExporterStats {
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
   * {@code recovered + enqueued - sent - dropped - queued - inFlight}: zero when every accepted
   * point is accounted for.
   */
  public long unaccountedPoints() {
    return recoveredPoints + enqueuedPoints - sentPoints - totalDroppedPoints() - queuedPoints - inFlightPoints;
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
