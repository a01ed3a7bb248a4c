package dev.rosetta.receiver.store;

import dev.rosetta.model.Labels;
import java.util.Objects;

/**
 * A source that gives, with each batch, everything it holds now: a scrape target. The store keeps
 * what it wrote last, so that a series it stops giving leaves at its next batch (staleness, as
 * Prometheus marks the series a target stops exposing) and everything it wrote leaves when it goes
 * away ({@link SeriesStore#forgetSource}).
 *
 * <p>It is also part of the identity of every point it gives ({@link Sources}): two targets are two
 * sources even when their resources agree (the same {@code job} and {@code instance} from two
 * receivers, or after relabeling), so that they collide instead of overwriting each other's series.
 * Equal by {@link #identity()}; immutable.
 */
public final class ReplacingSource {
  private final Labels identity;
  private final String description;
  /** The 64-bit identity hash that source identities combine. */
  final long id;

  /**
   * @param identity the labels that identify the source (a target's labels after relabeling, with
   *     its receiver)
   * @param description what messages call it: {@code scrape target prometheus/job=go-apps 10.0.0.7:8080}
   */
  public ReplacingSource(Labels identity, String description) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.description = Objects.requireNonNull(description, "description");
    this.id = Sources.replacing(identity);
  }

  public Labels identity() {
    return identity;
  }

  public String description() {
    return description;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplacingSource r && identity.equals(r.identity);
  }

  @Override
  public int hashCode() {
    return identity.hashCode();
  }

  @Override
  public String toString() {
    return description;
  }
}
