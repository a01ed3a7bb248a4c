package dev.rosetta.receiver.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The points a stage refused for data reasons while processing one request (a view whose output
 * does not fit the input's type, ...), by reason, with a few descriptions for the sender. One
 * instance per request, filled on the ingest thread that runs the request; not thread-safe.
 * {@link IngestService} counts them in {@code rosetta_receiver_refused_points_total{reason}} and
 * reports them in the response's {@code partial_success}.
 */
public final class StageRefusals {
  /** Descriptions kept per request: enough to name the problem, never a message per point. */
  static final int MAX_DETAILS = 3;

  private final Map<String, Long> byReason = new LinkedHashMap<>();
  private final List<String> details = new ArrayList<>(1);
  private long total;
  private int moreDetails;

  /** Records {@code points} refused for {@code reason}; {@code detail} says why, for the sender. */
  public void refuse(String reason, long points, String detail) {
    if (points <= 0) {
      return;
    }
    byReason.merge(reason, points, Long::sum);
    total += points;
    if (details.contains(detail)) {
      return;
    }
    if (details.size() < MAX_DETAILS) {
      details.add(detail);
    } else {
      moreDetails++;
    }
  }

  public long total() {
    return total;
  }

  public Map<String, Long> byReason() {
    return byReason;
  }

  /**
   * {@code 2 points refused by the pipeline (view_invalid: 2): view jvm.x could not map ...}, or ""
   * when none was refused.
   */
  public String message() {
    if (total == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder().append(total).append(" points refused by the pipeline (");
    String sep = "";
    for (var e : byReason.entrySet()) {
      sb.append(sep).append(e.getKey()).append(": ").append(e.getValue());
      sep = ", ";
    }
    sb.append(')');
    if (!details.isEmpty()) {
      sb.append(": ").append(String.join("; ", details));
      if (moreDetails > 0) {
        sb.append("; and ").append(moreDetails).append(" more");
      }
    }
    return sb.toString();
  }
}
