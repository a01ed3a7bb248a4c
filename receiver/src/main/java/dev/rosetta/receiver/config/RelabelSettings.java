package dev.rosetta.receiver.config;

import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelRules;
import java.util.List;
import java.util.Objects;

/**
 * The {@code relabel} section: Prometheus relabel rules applied to the raw series ({@code input},
 * before the semantic views) and to the semantic series ({@code output}, as a scrape shows them),
 * compiled and validated when the configuration loads, under {@code name_validation} ({@code utf8}
 * by default, or {@code legacy}).
 */
public record RelabelSettings(RelabelRules input, RelabelRules output, NameValidation nameValidation) {
  public RelabelSettings {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(nameValidation, "nameValidation");
  }

  private static final RelabelRules EMPTY = compileEmpty();
  private static final RelabelSettings NONE = new RelabelSettings(EMPTY, EMPTY, NameValidation.UTF8);

  /** No rules. */
  public static RelabelSettings none() {
    return NONE;
  }

  /** The empty rule list (one shared instance, so configurations without rules compare equal). */
  static RelabelRules empty() {
    return EMPTY;
  }

  private static RelabelRules compileEmpty() {
    try {
      return RelabelRules.compile(List.of(), NameValidation.UTF8);
    } catch (dev.rosetta.relabel.RelabelException e) {
      throw new IllegalStateException("an empty rule list is valid", e);
    }
  }
}
