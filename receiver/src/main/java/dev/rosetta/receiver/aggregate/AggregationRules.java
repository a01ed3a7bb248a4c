package dev.rosetta.receiver.aggregate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.rosetta.model.MetricType;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code aggregate:} rules, compiled: for a family name and type, the first rule that names the
 * family. Immutable and thread-safe; matching compiles nothing.
 */
public final class AggregationRules {
  private static final AggregationRules NONE = new AggregationRules(List.of());

  private final List<Compiled> rules;

  private AggregationRules(List<Compiled> rules) {
    this.rules = rules;
  }

  public static AggregationRules none() {
    return NONE;
  }

  /**
   * Compiles validated rules.
   *
   * @throws IllegalArgumentException when a regular expression does not compile (the binder
   *     reports that first)
   */
  public static AggregationRules of(List<AggregateRule> rules) {
    if (rules.isEmpty()) {
      return NONE;
    }
    return new AggregationRules(rules.stream().map(Compiled::new).toList());
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public List<AggregateRule> rules() {
    return rules.stream().map(c -> c.rule).toList();
  }

  /**
   * The first rule naming the family, whether or not its operation fits the type.
   *
   * @param familyName the family name as the store holds it (for counters with or without {@code
   *     _total}: both spellings match)
   */
  public Optional<Aggregation> match(String familyName, MetricType type) {
    if (rules.isEmpty()) {
      return Optional.empty();
    }
    String exposed = exposedName(familyName, type);
    for (Compiled c : rules) {
      if (c.names(exposed) || (type == MetricType.COUNTER && c.names(baseName(exposed)))) {
        return Optional.of(c.aggregation);
      }
    }
    return Optional.empty();
  }

  /** The family name as the text format's {@code # TYPE} line shows it: counters end in {@code _total}. */
  public static String exposedName(String familyName, MetricType type) {
    return type == MetricType.COUNTER && !familyName.endsWith("_total") ? familyName + "_total" : familyName;
  }

  private static String baseName(String counterName) {
    return counterName.substring(0, counterName.length() - "_total".length());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AggregationRules r && rules().equals(r.rules());
  }

  @Override
  public int hashCode() {
    return rules().hashCode();
  }

  private static final class Compiled {
    final AggregateRule rule;
    final Pattern regex;
    final Aggregation aggregation;

    Compiled(AggregateRule rule) {
      this.rule = rule;
      Pattern p = null;
      if (rule.familyRegex().isPresent()) {
        try {
          p = Pattern.compile("^(?:" + rule.familyRegex().get() + ")$");
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(rule.id() + ".family_regex: " + e.getMessage(), e);
        }
      }
      this.regex = p;
      this.aggregation = new Aggregation(rule);
    }

    boolean names(String name) {
      return regex == null ? rule.family().orElseThrow().equals(name) : regex.matches(name);
    }
  }

  /** One rule as the store applies it to a family. Immutable. */
  public static final class Aggregation {
    private final AggregateRule rule;
    private final Set<String> labels;

    Aggregation(AggregateRule rule) {
      this.rule = Objects.requireNonNull(rule, "rule");
      this.labels = Set.copyOf(new HashSet<>(rule.labels()));
    }

    public AggregateRule rule() {
      return rule;
    }

    public AggregateOp op() {
      return rule.op();
    }

    /** Whether the operation fits a family of {@code type}. */
    public boolean fits(MetricType type) {
      return rule.op().fits(type);
    }

    /** Whether a point label (by its Prometheus name) stays on the aggregate series. */
    public boolean keeps(String promLabel) {
      return rule.without() != labels.contains(promLabel);
    }

    @Override
    public String toString() {
      return rule.id() + " " + rule.describe();
    }
  }
}
