package dev.rosetta.receiver.scrape;

import dev.rosetta.model.Labels;

/**
 * Receives what a parser reads from one exposition body, sample by sample, in body order. A sample
 * comes with the family it belongs to, resolved from the TYPE lines seen so far (a sample of no
 * declared family is its own family of type {@link FamilyType#UNKNOWN}).
 */
interface ExpositionSink {
  /** No timestamp on the sample: the scrape time applies. */
  long NO_TIMESTAMP = Long.MIN_VALUE;

  /**
   * One sample.
   *
   * @param name the sample name ({@code foo_bucket}, {@code foo_total}, ...)
   * @param labels the sample's labels, without {@code __name__}
   * @param family the family's name ({@code foo})
   * @param type the family's type
   * @param role what the sample is to its family
   * @param timestampMillis the exposed timestamp in milliseconds, or {@link #NO_TIMESTAMP}
   * @throws ExpositionException to stop reading the body (a limit was exceeded)
   */
  void sample(String name, Labels labels, double value, long timestampMillis, String family, FamilyType type,
      FamilyType.SampleRole role) throws ExpositionException;

  /** The HELP text of a family (may come before or after its samples). */
  default void help(String family, String help) {}

  /** The UNIT of a family (OpenMetrics). */
  default void unit(String family, String unit) {}
}
