package dev.rosetta.receiver.scrape;

import java.util.Locale;
import java.util.Optional;

/**
 * The metric types of the Prometheus text format and OpenMetrics, with the sample-name suffixes
 * each type's samples may carry ({@code _bucket}, {@code _count}, ...).
 */
public enum FamilyType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  GAUGE_HISTOGRAM,
  SUMMARY,
  INFO,
  STATESET,
  /** {@code untyped} in the text format, {@code unknown} in OpenMetrics, or no TYPE line at all. */
  UNKNOWN;

  /** A TYPE word of the Prometheus text format; empty when it is not one. */
  static Optional<FamilyType> fromText(String word) {
    return switch (word) {
      case "counter" -> Optional.of(COUNTER);
      case "gauge" -> Optional.of(GAUGE);
      case "histogram" -> Optional.of(HISTOGRAM);
      case "summary" -> Optional.of(SUMMARY);
      case "untyped" -> Optional.of(UNKNOWN);
      default -> Optional.empty();
    };
  }

  /** A TYPE word of OpenMetrics; empty when it is not one. */
  static Optional<FamilyType> fromOpenMetrics(String word) {
    return switch (word) {
      case "counter" -> Optional.of(COUNTER);
      case "gauge" -> Optional.of(GAUGE);
      case "histogram" -> Optional.of(HISTOGRAM);
      case "gaugehistogram" -> Optional.of(GAUGE_HISTOGRAM);
      case "summary" -> Optional.of(SUMMARY);
      case "info" -> Optional.of(INFO);
      case "stateset" -> Optional.of(STATESET);
      case "unknown" -> Optional.of(UNKNOWN);
      default -> Optional.empty();
    };
  }

  /** The role a sample named {@code familyName + suffix} plays in a family of this type, if any. */
  SampleRole roleOf(String suffix, boolean openMetrics) {
    switch (suffix) {
      case "":
        return switch (this) {
          // OpenMetrics counters expose only name_total; the text format's counters carry their
          // full name (with or without _total) as the family name.
          case COUNTER -> openMetrics ? null : SampleRole.VALUE;
          case HISTOGRAM, GAUGE_HISTOGRAM, INFO -> null;
          case SUMMARY -> SampleRole.QUANTILE;
          default -> SampleRole.VALUE;
        };
      case "_total":
        return this == COUNTER && openMetrics ? SampleRole.VALUE : null;
      case "_created":
        return this == COUNTER || this == HISTOGRAM || this == SUMMARY ? SampleRole.CREATED : null;
      case "_bucket":
        return this == HISTOGRAM || this == GAUGE_HISTOGRAM ? SampleRole.BUCKET : null;
      case "_count":
        return this == HISTOGRAM || this == SUMMARY ? SampleRole.COUNT : null;
      case "_sum":
        return this == HISTOGRAM || this == SUMMARY ? SampleRole.SUM : null;
      case "_gcount":
        return this == GAUGE_HISTOGRAM ? SampleRole.COUNT : null;
      case "_gsum":
        return this == GAUGE_HISTOGRAM ? SampleRole.SUM : null;
      case "_info":
        return this == INFO ? SampleRole.VALUE : null;
      default:
        return null;
    }
  }

  /** The suffixes a sample name may add to its family name, longest match tried first. */
  static final String[] SUFFIXES = {"_created", "_bucket", "_gcount", "_count", "_total", "_gsum", "_sum", "_info"};

  /** The suffix a role adds to the family name (for renamed samples). */
  static String suffixOf(SampleRole role, FamilyType type, boolean openMetrics) {
    return switch (role) {
      case BUCKET -> "_bucket";
      case COUNT -> type == GAUGE_HISTOGRAM ? "_gcount" : "_count";
      case SUM -> type == GAUGE_HISTOGRAM ? "_gsum" : "_sum";
      case CREATED -> "_created";
      case QUANTILE -> "";
      case VALUE -> type == COUNTER && openMetrics ? "_total" : type == INFO ? "_info" : "";
    };
  }

  /** Lower-case name, for messages. */
  String word() {
    return name().toLowerCase(Locale.ROOT).replace("_", "");
  }

  /** What a sample is to its family. */
  enum SampleRole {
    /** The value of a counter, gauge, info, stateset or unknown sample. */
    VALUE,
    /** A summary quantile (labelled {@code quantile}). */
    QUANTILE,
    /** A histogram bucket (labelled {@code le}), cumulative. */
    BUCKET,
    COUNT,
    SUM,
    /** A creation timestamp (OpenMetrics {@code _created}), in seconds. */
    CREATED
  }
}
