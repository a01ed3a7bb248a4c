package dev.rosetta.relabel;

import com.google.re2j.PatternSyntaxException;
import dev.rosetta.model.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Validated, compiled relabel configs, applied in order to label sets as Prometheus applies {@code
 * metric_relabel_configs}.
 *
 * <p>Semantics, restated from Prometheus ({@code model/relabel}):
 *
 * <ul>
 *   <li>A label with an empty value is no label: input labels with empty values are dropped.
 *   <li>The values of {@code source_labels} are joined with {@code separator}; an absent label
 *       reads as the empty string.
 *   <li>Regexes are RE2, anchored at both ends, {@code .} matching newlines ({@code ^(?s:R)$}).
 *   <li>Templates in {@code replacement} and in a {@code replace} target follow Go's {@code
 *       regexp.Expand} ({@link ExpandTemplate}).
 *   <li>Writing an empty value removes the label. {@code __name__} is a label like the others.
 *   <li>{@code replace}: no match changes nothing; an expanded target that is not a valid name
 *       skips the rule; an empty result removes the expanded target.
 *   <li>{@code labelmap} copies, for every label of the set as it stood before the rule, in name
 *       order, the value to the expanded replacement; a later copy to the same name wins. A name
 *       that expands to an invalid label name under the configured validation is not written
 *       (Prometheus would write it and then reject the series at ingestion).
 *   <li>{@code hashmod}: MD5 of the UTF-8 joined value, last 8 bytes as a big-endian unsigned
 *       integer, modulo {@code modulus}, in decimal.
 *   <li>{@code lowercase} and {@code uppercase} write the joined value, case-mapped one code point
 *       at a time as Go does.
 *   <li>{@code keepequal} and {@code dropequal} compare the joined value with the value of {@code
 *       target_label}.
 * </ul>
 *
 * <p>Validation at {@link #compile} follows Prometheus's {@code Validate}: an empty or unknown
 * action; an invalid regex; {@code replace}, {@code hashmod}, {@code lowercase}, {@code uppercase},
 * {@code keepequal} and {@code dropequal} need a valid {@code target_label} (a {@code replace}
 * target may be a template); {@code hashmod} needs a non-zero {@code modulus}; {@code lowercase},
 * {@code uppercase}, {@code keepequal} and {@code dropequal} take no {@code replacement}; {@code
 * keepequal} and {@code dropequal} take no regex, modulus or separator; {@code labeldrop} and
 * {@code labelkeep} take only {@code regex}; {@code labelmap} needs a valid name template as
 * replacement; source label names must be valid. Where the two disagree, Rosetta is stricter than
 * Prometheus in one place, as its issue asks: {@code labelmap} takes only {@code regex} and {@code
 * replacement} (Prometheus ignores the other fields).
 *
 * <p>Where Prometheus versions differ, Rosetta follows Prometheus 3: {@code .} matches a newline
 * (2.x compiled {@code ^(?:R)$}); an empty result of a templated {@code replace} target removes
 * the expanded label (2.x tried to remove the label named by the unexpanded template, a no-op); UTF-8
 * names by default, legacy names as an option. Regex syntax is re2j's RE2, which is Go's: named
 * groups as {@code (?P<n>..)} and also {@code (?<n>..)} (Go 1.22 and so Prometheus 3 accept it,
 * 2.42 did not); unlike Go, a name may not be used by two groups.
 *
 * <p>Immutable and thread-safe: one instance may serve any number of threads. {@link #apply} does
 * not compile anything; a rule that changes nothing allocates nothing for the result.
 */
public final class RelabelRules {
  private static final RelabelRules NONE = new RelabelRules(List.of(), new Rule[0]);

  private final List<RelabelConfig> configs;
  private final Rule[] rules;

  private RelabelRules(List<RelabelConfig> configs, Rule[] rules) {
    this.configs = configs;
    this.rules = rules;
  }

  /** No rules: every label set stays as it is (less labels with empty values). */
  public static RelabelRules none() {
    return NONE;
  }

  /**
   * Validates and compiles {@code configs} with Prometheus's rules.
   *
   * @throws RelabelException listing every problem of every config, each with the rule's index, the
   *     field and the value
   */
  public static RelabelRules compile(List<RelabelConfig> configs, NameValidation validation)
      throws RelabelException {
    Objects.requireNonNull(validation, "validation");
    List<RelabelConfig> copy = List.copyOf(configs);
    List<RelabelError> errors = new ArrayList<>();
    Rule[] rules = new Rule[copy.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = compileRule(i, copy.get(i), validation, errors);
    }
    if (!errors.isEmpty()) {
      throw new RelabelException("relabel rules", errors);
    }
    return rules.length == 0 ? NONE : new RelabelRules(copy, rules);
  }

  /** The configs these rules were compiled from. */
  public List<RelabelConfig> configs() {
    return configs;
  }

  /** Number of rules. */
  public int size() {
    return rules.length;
  }

  /**
   * Applies the rules in order. Input labels with empty values count as absent and are not part of
   * the result, as in Prometheus.
   *
   * @return the relabelled set; the same instance as {@code labels} when nothing changed; {@code
   *     null} when a rule drops the series
   */
  public Labels apply(Labels labels) {
    Objects.requireNonNull(labels, "labels");
    WorkingLabels w = new WorkingLabels(labels);
    for (Rule r : rules) {
      if (!r.apply(w)) {
        return null;
      }
    }
    return w.result();
  }

  @Override
  public String toString() {
    return "RelabelRules" + configs;
  }

  // ---------------------------------------------------------------------------------------------
  // validation and compilation

  private static Rule compileRule(
      int index, RelabelConfig c, NameValidation validation, List<RelabelError> errors) {
    int before = errors.size();
    Optional<RelabelAction> parsed = Optional.empty();
    if (c.action().isEmpty()) {
      errors.add(new RelabelError(index, "action", "", "relabel action cannot be empty"));
    } else {
      parsed = RelabelAction.fromConfigName(c.action());
      if (parsed.isEmpty()) {
        errors.add(new RelabelError(index, "action", c.action(), "unknown relabel action"));
      }
    }
    AnchoredRegex regex = null;
    try {
      regex = AnchoredRegex.compile(c.regex());
    } catch (PatternSyntaxException e) {
      errors.add(new RelabelError(index, "regex", c.regex(), "invalid regex: " + e.getMessage()));
    }
    for (String name : c.sourceLabels()) {
      if (!validation.isValidLabelName(name)) {
        errors.add(
            new RelabelError(index, "source_labels", name, invalidName(validation)));
      }
    }
    if (parsed.isPresent()) {
      validateForAction(index, c, parsed.get(), validation, errors);
    }
    if (errors.size() != before) {
      return null;
    }
    return build(c, parsed.orElseThrow(), regex, validation);
  }

  private static void validateForAction(
      int index,
      RelabelConfig c,
      RelabelAction action,
      NameValidation validation,
      List<RelabelError> errors) {
    String name = action.configName();
    String target = c.targetLabel();
    switch (action) {
      case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> {
        if (target.isEmpty()) {
          errors.add(
              new RelabelError(index, "target_label", "", "required for the " + name + " action"));
        } else if (action == RelabelAction.REPLACE && target.indexOf('$') >= 0) {
          if (!validation.isValidNameTemplate(target)) {
            errors.add(
                new RelabelError(
                    index, "target_label", target, "invalid target label template for replace"));
          }
        } else if (!validation.isValidLabelName(target)) {
          errors.add(new RelabelError(index, "target_label", target, invalidName(validation)));
        }
      }
      default -> {
        // the other actions do not use target_label
      }
    }
    if (action == RelabelAction.HASHMOD && c.modulus() == 0) {
      errors.add(
          new RelabelError(index, "modulus", "0", "hashmod requires a non-zero modulus"));
    }
    switch (action) {
      case LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> {
        if (!c.replacement().equals(RelabelConfig.DEFAULT_REPLACEMENT)) {
          errors.add(notAllowed(index, "replacement", c.replacement(), name));
        }
      }
      default -> {
        // replacement is used or ignored
      }
    }
    switch (action) {
      case KEEPEQUAL, DROPEQUAL -> {
        // Prometheus compares the regex by identity: any written regex is refused
        if (c.regexExplicit()) {
          errors.add(notAllowed(index, "regex", c.regex(), name));
        }
        rejectModulusAndSeparator(index, c, name, errors);
      }
      case LABELDROP, LABELKEEP, LABELMAP -> {
        if (c.sourceLabelsExplicit()) {
          errors.add(notAllowed(index, "source_labels", String.join(",", c.sourceLabels()), name));
        }
        if (!target.isEmpty()) {
          errors.add(notAllowed(index, "target_label", target, name));
        }
        rejectModulusAndSeparator(index, c, name, errors);
        if (action == RelabelAction.LABELMAP) {
          if (!validation.isValidNameTemplate(c.replacement())) {
            errors.add(
                new RelabelError(
                    index,
                    "replacement",
                    c.replacement(),
                    "invalid label name template for labelmap"));
          }
        } else if (!c.replacement().equals(RelabelConfig.DEFAULT_REPLACEMENT)) {
          errors.add(notAllowed(index, "replacement", c.replacement(), name));
        }
      }
      default -> {
        // no restriction
      }
    }
  }

  private static void rejectModulusAndSeparator(
      int index, RelabelConfig c, String action, List<RelabelError> errors) {
    if (c.modulus() != 0) {
      errors.add(notAllowed(index, "modulus", Long.toUnsignedString(c.modulus()), action));
    }
    if (!c.separator().equals(RelabelConfig.DEFAULT_SEPARATOR)) {
      errors.add(notAllowed(index, "separator", c.separator(), action));
    }
  }

  private static RelabelError notAllowed(int index, String field, String value, String action) {
    return new RelabelError(index, field, value, "not allowed for the " + action + " action");
  }

  private static String invalidName(NameValidation validation) {
    return validation == NameValidation.LEGACY
        ? "invalid label name (legacy validation: [a-zA-Z_][a-zA-Z0-9_]*)"
        : "invalid label name (UTF-8 validation: non-empty, well-formed)";
  }

  private static Rule build(
      RelabelConfig c, RelabelAction action, AnchoredRegex regex, NameValidation validation) {
    String[] sources = c.sourceLabels().toArray(new String[0]);
    String sep = c.separator();
    String target = c.targetLabel();
    return switch (action) {
      case REPLACE -> new Replace(
          sources,
          sep,
          regex,
          ExpandTemplate.parse(target, regex.groupCount(), regex.namedGroups()),
          ExpandTemplate.parse(c.replacement(), regex.groupCount(), regex.namedGroups()),
          validation);
      case KEEP -> new Filter(sources, sep, regex, true);
      case DROP -> new Filter(sources, sep, regex, false);
      case KEEPEQUAL -> new Equal(sources, sep, target, true);
      case DROPEQUAL -> new Equal(sources, sep, target, false);
      case HASHMOD -> new HashMod(sources, sep, target, c.modulus());
      case LABELMAP -> new LabelMap(
          regex,
          ExpandTemplate.parse(c.replacement(), regex.groupCount(), regex.namedGroups()),
          validation);
      case LABELDROP -> new LabelFilter(regex, true);
      case LABELKEEP -> new LabelFilter(regex, false);
      case LOWERCASE -> new CaseMap(sources, sep, target, false);
      case UPPERCASE -> new CaseMap(sources, sep, target, true);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // compiled rules

  /** One compiled rule; returns false to drop the series. Immutable. */
  private interface Rule {
    boolean apply(WorkingLabels w);
  }

  /** The source values joined with the separator, without a copy for one source. */
  private static String joined(WorkingLabels w, String[] sources, String separator) {
    switch (sources.length) {
      case 0:
        return "";
      case 1:
        return w.get(sources[0]);
      default:
        StringBuilder sb = new StringBuilder(w.get(sources[0]));
        for (int i = 1; i < sources.length; i++) {
          sb.append(separator).append(w.get(sources[i]));
        }
        return sb.toString();
    }
  }

  private static final class Replace implements Rule {
    private final String[] sources;
    private final String separator;
    private final AnchoredRegex regex;
    private final ExpandTemplate target;
    private final ExpandTemplate replacement;
    private final NameValidation validation;
    /** For a constant target: joined source value -> expanded replacement, or NONE (no match). */
    private final StringMemo memo = new StringMemo();

    Replace(String[] sources, String separator, AnchoredRegex regex, ExpandTemplate target,
        ExpandTemplate replacement, NameValidation validation) {
      this.sources = sources;
      this.separator = separator;
      this.regex = regex;
      this.target = target;
      this.replacement = replacement;
      this.validation = validation;
    }

    @Override
    public boolean apply(WorkingLabels w) {
      String val = joined(w, sources, separator);
      if (!target.hasReferences() && !replacement.hasReferences()) {
        // constants: only whether it matches counts
        if (regex.matches(val)) {
          w.set(target.constant(), replacement.constant());
        }
        return true;
      }
      if (!target.hasReferences()) {
        String out = memo.get(val);
        if (out == null) {
          int[] m = regex.match(val);
          out = memo.put(val, m == null ? StringMemo.NONE : replacement.expand(val, m));
        }
        if (out != StringMemo.NONE) {
          w.set(target.constant(), out); // empty removes
        }
        return true;
      }
      int[] m = regex.match(val);
      if (m == null) {
        return true;
      }
      String name = target.expand(val, m);
      if (!validation.isValidLabelName(name)) {
        return true;
      }
      w.set(name, replacement.expand(val, m)); // empty removes
      return true;
    }
  }

  private record Filter(String[] sources, String separator, AnchoredRegex regex, boolean keep)
      implements Rule {
    @Override
    public boolean apply(WorkingLabels w) {
      return regex.matches(joined(w, sources, separator)) == keep;
    }
  }

  private record Equal(String[] sources, String separator, String target, boolean keep)
      implements Rule {
    @Override
    public boolean apply(WorkingLabels w) {
      return w.get(target).equals(joined(w, sources, separator)) == keep;
    }
  }

  private record CaseMap(String[] sources, String separator, String target, boolean upper)
      implements Rule {
    @Override
    public boolean apply(WorkingLabels w) {
      String val = joined(w, sources, separator);
      w.set(target, upper ? GoStrings.toUpper(val) : GoStrings.toLower(val));
      return true;
    }
  }

  /**
   * Hashmod. The shard of a value is memoized in a small direct-mapped cache (written racily, read by
   * entry identity), since the same instance values come back series after series and MD5 dominates
   * the rule's cost.
   */
  private static final class HashMod implements Rule {
    private static final int CACHE_SIZE = 1024;
    private static final ThreadLocal<MessageDigest> MD5 =
        ThreadLocal.withInitial(
            () -> {
              try {
                return MessageDigest.getInstance("MD5");
              } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is a required JDK algorithm", e);
              }
            });

    private record Entry(String value, String shard) {}

    private final String[] sources;
    private final String separator;
    private final String target;
    private final long modulus;
    private final Entry[] cache = new Entry[CACHE_SIZE];

    HashMod(String[] sources, String separator, String target, long modulus) {
      this.sources = sources;
      this.separator = separator;
      this.target = target;
      this.modulus = modulus;
    }

    @Override
    public boolean apply(WorkingLabels w) {
      String value = joined(w, sources, separator);
      int slot = value.hashCode() & (CACHE_SIZE - 1);
      Entry e = cache[slot];
      String shard;
      if (e != null && e.value.equals(value)) {
        shard = e.shard;
      } else {
        shard = shard(value, modulus);
        cache[slot] = new Entry(value, shard); // a racing writer only costs a later miss
      }
      w.set(target, shard);
      return true;
    }

    static String shard(String value, long modulus) {
      byte[] d = MD5.get().digest(value.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 8; i < 16; i++) {
        h = (h << 8) | (d[i] & 0xff);
      }
      return Long.toUnsignedString(Long.remainderUnsigned(h, modulus));
    }
  }

  private static final class LabelMap implements Rule {
    private final AnchoredRegex regex;
    private final ExpandTemplate replacement;
    private final NameValidation validation;
    /** Label name -> the name it maps to, or NONE (no match, or not a valid name). */
    private final StringMemo memo = new StringMemo();
    /** Pending writes of one call (name, value, name, value...), reused by each thread. */
    private static final ThreadLocal<String[]> SCRATCH = ThreadLocal.withInitial(() -> new String[64]);

    LabelMap(AnchoredRegex regex, ExpandTemplate replacement, NameValidation validation) {
      this.regex = regex;
      this.replacement = replacement;
      this.validation = validation;
    }

    private String mapped(String name) {
      String to = memo.get(name);
      if (to == null) {
        String r = regex.replaceAll(name, replacement);
        to = memo.put(name, r == null || !validation.isValidLabelName(r) ? StringMemo.NONE : r);
      }
      return to;
    }

    @Override
    public boolean apply(WorkingLabels w) {
      // decide on the set as it stands, then write: writes must not feed later matches
      int n = w.size();
      String[] writes = SCRATCH.get();
      if (writes.length < 2 * n) {
        writes = new String[2 * n];
        SCRATCH.set(writes);
      }
      int count = 0;
      for (int i = 0; i < n; i++) {
        String to = mapped(w.name(i));
        if (to == StringMemo.NONE) {
          continue;
        }
        writes[count++] = to;
        writes[count++] = w.value(i);
      }
      w.setAll(writes, count);
      java.util.Arrays.fill(writes, 0, count, null);
      return true;
    }
  }

  private record LabelFilter(AnchoredRegex regex, boolean drop) implements Rule {
    @Override
    public boolean apply(WorkingLabels w) {
      w.removeMatching(regex, drop);
      return true;
    }
  }
}
