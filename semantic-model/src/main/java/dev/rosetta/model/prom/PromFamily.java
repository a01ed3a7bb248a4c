package dev.rosetta.model.prom;

import dev.rosetta.model.Labels;
import java.util.List;
import java.util.Objects;

/**
 * One metric family as a Prometheus exposition carries it: the family name of its {@code # TYPE}
 * line (in the text format 0.0.4 a counter's family name includes {@code _total}; in OpenMetrics it
 * does not), its type, help, unit ({@code ""} unless an OpenMetrics {@code # UNIT} line gave one)
 * and its samples, each with its own sample name ({@code _bucket}, {@code _sum}, {@code _count},
 * {@code _total} ...), labels ({@code le} and {@code quantile} included) and value. Immutable.
 */
public record PromFamily(String name, Type type, String help, String unit, List<Sample> samples) {

  /** The family types of the exposition formats. */
  public enum Type { COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED }

  /**
   * One sample.
   *
   * @param name the sample name as written ({@code go_gc_pauses_seconds_bucket})
   * @param labels its labels, {@code le} and {@code quantile} included
   * @param value the value
   * @param timestampMillis the sample's own timestamp, or {@code Long.MIN_VALUE} when it has none
   */
  public record Sample(String name, Labels labels, double value, long timestampMillis) {
    public Sample {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(labels, "labels");
    }
  }

  public PromFamily {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(unit, "unit");
    samples = List.copyOf(samples);
  }
}
