package dev.rosetta.relabel;

import java.util.Optional;

/**
 * The relabel actions Prometheus knows, under the names its configuration uses.
 *
 * <p>Names are read case-insensitively, as Prometheus lowercases them before looking them up.
 * Immutable and thread-safe.
 */
public enum RelabelAction {
  /** Sets {@code target_label} to the expanded {@code replacement} when {@code regex} matches. */
  REPLACE("replace"),
  /** Drops the series unless {@code regex} matches the joined source values. */
  KEEP("keep"),
  /** Drops the series when {@code regex} matches the joined source values. */
  DROP("drop"),
  /** Drops the series unless the joined source values equal the value of {@code target_label}. */
  KEEPEQUAL("keepequal"),
  /** Drops the series when the joined source values equal the value of {@code target_label}. */
  DROPEQUAL("dropequal"),
  /** Sets {@code target_label} to the MD5 hash of the joined source values modulo {@code modulus}. */
  HASHMOD("hashmod"),
  /** Copies every label whose name matches {@code regex} to the name given by {@code replacement}. */
  LABELMAP("labelmap"),
  /** Removes every label whose name matches {@code regex}. */
  LABELDROP("labeldrop"),
  /** Removes every label whose name does not match {@code regex}. */
  LABELKEEP("labelkeep"),
  /** Sets {@code target_label} to the joined source values in lower case. */
  LOWERCASE("lowercase"),
  /** Sets {@code target_label} to the joined source values in upper case. */
  UPPERCASE("uppercase");

  private final String configName;

  RelabelAction(String configName) {
    this.configName = configName;
  }

  /** The name as written in a relabel config, in lower case. */
  public String configName() {
    return configName;
  }

  /**
   * The action named {@code name}, compared after Unicode lower-casing as Go's {@code
   * strings.ToLower} does it; empty when no action has that name.
   */
  public static Optional<RelabelAction> fromConfigName(String name) {
    String lower = GoStrings.toLower(name);
    for (RelabelAction a : values()) {
      if (a.configName.equals(lower)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
