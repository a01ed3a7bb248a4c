package dev.rosetta.receiver.telemetry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the views did, for the status page: points each view matched (mapped or dropped), by view
 * id, and the most frequent names no view matched ({@link TopNames}). Bounded: at most {@value
 * #MAX_VIEWS} view ids are counted (a view set is far smaller; ids beyond are counted under
 * {@value #OTHER}) and {@value #UNMATCHED_CAPACITY} unmatched names are kept. One per service;
 * thread-safe, a hit costs a map lookup and an adder increment.
 */
public final class ViewStatistics {
  static final int MAX_VIEWS = 10_000;
  static final int UNMATCHED_CAPACITY = 200;
  static final int MAX_NAME_LENGTH = 256;
  static final String OTHER = "(other views)";

  private final ConcurrentHashMap<String, LongAdder> hits = new ConcurrentHashMap<>();
  private final TopNames unmatched = new TopNames(UNMATCHED_CAPACITY, MAX_NAME_LENGTH);

  /** Counts {@code points} matched by the view {@code viewId}. */
  public void hit(String viewId, long points) {
    if (points <= 0) {
      return;
    }
    LongAdder a = hits.get(viewId);
    if (a == null) {
      a = hits.computeIfAbsent(hits.size() < MAX_VIEWS ? viewId : OTHER, k -> new LongAdder());
    }
    a.add(points);
  }

  /** Counts the points of names no view matched, a batch at a time. */
  public void unmatched(Map<String, Long> pointsByName) {
    if (!pointsByName.isEmpty()) {
      unmatched.addAll(pointsByName);
    }
  }

  /** Points matched per view id, in no particular order. */
  public Map<String, Long> hits() {
    Map<String, Long> out = new LinkedHashMap<>();
    hits.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public TopNames unmatched() {
    return unmatched;
  }
}
