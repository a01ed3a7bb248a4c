package dev.rosetta.receiver.aggregate;

import dev.rosetta.model.MetricType;
import java.util.Locale;

/** How the live contributors of an aggregate series combine. */
public enum AggregateOp {
  /** The sum: counters, gauges, up-down counters, histograms (bucket by bucket). */
  SUM,
  /** The smallest value: gauges and up-down counters. */
  MIN,
  /** The largest value: gauges and up-down counters. */
  MAX,
  /** The mean value: gauges and up-down counters. */
  AVG;

  /** The word used in configuration ({@code sum}, {@code min}, {@code max}, {@code avg}). */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this operation is meaningful for a family of {@code type}. */
  public boolean fits(MetricType type) {
    return switch (type) {
      case GAUGE, UP_DOWN_COUNTER -> true;
      case COUNTER, HISTOGRAM -> this == SUM;
      case SUMMARY -> false;
    };
  }

  /** What the operation fits, for messages. */
  public String fitsWhat() {
    return this == SUM ? "counters, gauges, up-down counters and histograms" : "gauges and up-down counters";
  }
}
