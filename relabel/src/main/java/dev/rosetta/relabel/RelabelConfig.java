package dev.rosetta.relabel;

import java.util.List;
import java.util.Objects;

/**
 * One relabel config as written, with Prometheus's defaults filled in for absent fields and Go's
 * zero values for fields written as YAML null. Not validated: {@link RelabelRules#compile} does
 * that.
 *
 * <p>Two flags keep what Prometheus can tell apart and the values alone cannot: whether {@code
 * regex} was written at all (then {@code keepequal} and {@code dropequal} reject it, whatever its
 * value) and whether {@code source_labels} was written as a list (then {@code labeldrop}, {@code
 * labelkeep} and {@code labelmap} reject it, even when empty).
 *
 * <p>Immutable and thread-safe.
 *
 * @param sourceLabels names whose values are joined; empty when absent or null
 * @param sourceLabelsExplicit whether {@code source_labels} was written as a list
 * @param separator between joined values; default {@code ;}
 * @param regex the unanchored RE2 expression as written; default {@code (.*)}
 * @param regexExplicit whether {@code regex} was written (also when written as null, which means the
 *     empty expression)
 * @param modulus for {@code hashmod}, an unsigned 64-bit integer; 0 when absent
 * @param targetLabel the label to write or compare; empty when absent
 * @param replacement the template written to {@code target_label}; default {@code $1}
 * @param action the action name as written (any case); default {@code replace}, empty when null
 */
public record RelabelConfig(
    List<String> sourceLabels,
    boolean sourceLabelsExplicit,
    String separator,
    String regex,
    boolean regexExplicit,
    long modulus,
    String targetLabel,
    String replacement,
    String action) {

  /** Prometheus's default separator. */
  public static final String DEFAULT_SEPARATOR = ";";
  /** Prometheus's default regex. */
  public static final String DEFAULT_REGEX = "(.*)";
  /** Prometheus's default replacement. */
  public static final String DEFAULT_REPLACEMENT = "$1";
  /** Prometheus's default action. */
  public static final String DEFAULT_ACTION = "replace";

  public RelabelConfig {
    sourceLabels = List.copyOf(sourceLabels);
    Objects.requireNonNull(separator, "separator");
    Objects.requireNonNull(regex, "regex");
    Objects.requireNonNull(targetLabel, "targetLabel");
    Objects.requireNonNull(replacement, "replacement");
    Objects.requireNonNull(action, "action");
    if (!sourceLabelsExplicit && !sourceLabels.isEmpty()) {
      throw new IllegalArgumentException("source labels given but not marked explicit");
    }
  }

  /** A builder starting from Prometheus's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RelabelConfig}s; setters mark fields as written. Not thread-safe. */
  public static final class Builder {
    private List<String> sourceLabels = List.of();
    private boolean sourceLabelsExplicit;
    private String separator = DEFAULT_SEPARATOR;
    private String regex = DEFAULT_REGEX;
    private boolean regexExplicit;
    private long modulus;
    private String targetLabel = "";
    private String replacement = DEFAULT_REPLACEMENT;
    private String action = DEFAULT_ACTION;

    private Builder() {}

    public Builder sourceLabels(String... names) {
      return sourceLabels(List.of(names));
    }

    public Builder sourceLabels(List<String> names) {
      this.sourceLabels = List.copyOf(names);
      this.sourceLabelsExplicit = true;
      return this;
    }

    public Builder separator(String separator) {
      this.separator = Objects.requireNonNull(separator, "separator");
      return this;
    }

    /** Sets the regex and marks it as written. */
    public Builder regex(String regex) {
      this.regex = Objects.requireNonNull(regex, "regex");
      this.regexExplicit = true;
      return this;
    }

    /** Sets the modulus, read as an unsigned 64-bit integer. */
    public Builder modulus(long modulus) {
      this.modulus = modulus;
      return this;
    }

    public Builder targetLabel(String targetLabel) {
      this.targetLabel = Objects.requireNonNull(targetLabel, "targetLabel");
      return this;
    }

    public Builder replacement(String replacement) {
      this.replacement = Objects.requireNonNull(replacement, "replacement");
      return this;
    }

    public Builder action(String action) {
      this.action = Objects.requireNonNull(action, "action");
      return this;
    }

    public Builder action(RelabelAction action) {
      return action(action.configName());
    }

    public RelabelConfig build() {
      return new RelabelConfig(
          sourceLabels,
          sourceLabelsExplicit,
          separator,
          regex,
          regexExplicit,
          modulus,
          targetLabel,
          replacement,
          action);
    }
  }
}
