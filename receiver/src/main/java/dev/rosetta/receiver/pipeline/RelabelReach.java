package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelAction;
import dev.rosetta.relabel.RelabelConfig;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds relabel rules that can never have an effect, or read labels that are never there, because
 * of which labels a {@link RelabelStage} sees and which it can change:
 *
 * <ul>
 *   <li><b>Input</b>: resource attributes, point attributes and {@code __name__} (the raw name).
 *       {@code job}, {@code instance} and {@code otel_scope_*} are not there: they are made from the
 *       resource ({@code service.namespace}, {@code service.name}, {@code service.instance.id}) and
 *       the instrumentation scope when the series is exposed. A resource attribute is seen but never
 *       removed from the resource ({@code labeldrop: service\.name} does nothing).
 *   <li><b>Output</b>: {@code __name__} (the Prometheus family name), {@code job}, {@code instance},
 *       {@code otel_scope_name}, {@code otel_scope_version} and the point attributes under their
 *       Prometheus label names. The resource and scope labels are seen but never changed; labels
 *       starting with {@code __} other than {@code __name__} (the {@code __attr_*} sibling attributes)
 *       are removed before it; names that are not Prometheus label names ({@code jvm.memory.type}) are
 *       never there ({@code jvm_memory_type} is).
 * </ul>
 *
 * <p>A label an earlier rule of the same stage writes counts as there. Only what can be told from
 * the rules is reported: a regex is read by its top-level alternatives, each taken as a literal name
 * or a literal prefix; anything else is assumed to reach some label. Stateless.
 */
public final class RelabelReach {
  private RelabelReach() {}

  /**
   * One finding about one rule.
   *
   * @param index the rule's 0-based index in its list
   * @param field the rule's field the finding is about ({@code regex}, {@code target_label},
   *     {@code source_labels})
   * @param message a sentence, starting with what the rule does not do
   */
  public record Finding(RelabelStage.Kind stage, int index, String field, String message) {
    public Finding {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  private static final String SCOPE_PREFIX = "otel_scope_";
  private static final Set<String> IDENTIFYING = Set.of("service.name", "service.namespace", "service.instance.id");

  /** The findings for the rules of one stage, in rule order. */
  public static List<Finding> check(RelabelStage.Kind stage, RelabelRules rules, NameValidation validation) {
    List<Finding> out = new ArrayList<>();
    Set<String> written = new LinkedHashSet<>();
    boolean writesAny = false; // a labelmap or a templated target: any name may be written
    List<RelabelConfig> configs = rules.configs();
    for (int i = 0; i < configs.size(); i++) {
      RelabelConfig c = configs.get(i);
      Optional<RelabelAction> action = RelabelAction.fromConfigName(c.action());
      if (action.isEmpty()) {
        continue;
      }
      RelabelAction a = action.get();
      String target = c.targetLabel();
      boolean templated = target.indexOf('$') >= 0;
      // reads
      if (!writesAny) {
        List<String> reads = new ArrayList<>();
        if (a != RelabelAction.LABELMAP && a != RelabelAction.LABELDROP && a != RelabelAction.LABELKEEP) {
          reads.addAll(c.sourceLabels());
        }
        if (a == RelabelAction.KEEPEQUAL || a == RelabelAction.DROPEQUAL) {
          reads.add(target);
        }
        for (String r : new LinkedHashSet<>(reads)) {
          String why = written.contains(r) ? null : absent(stage, r);
          if (why != null) {
            out.add(new Finding(stage, i,
                reads.indexOf(r) < c.sourceLabels().size() ? "source_labels" : "target_label",
                "label \"" + r + "\" is never there, so it always reads as empty: " + why));
          }
        }
      }
      switch (a) {
        case LABELDROP -> {
          List<String> alternatives = alternatives(c.regex());
          List<String> idle = new ArrayList<>();
          Set<String> reasons = new LinkedHashSet<>();
          for (String alt : alternatives) {
            String why = writesAny || matchesAny(alt, written, validation) ? null : unchangeable(stage, alt);
            if (why != null) {
              idle.add(alt);
              reasons.add(why);
            }
          }
          if (!idle.isEmpty() && idle.size() == alternatives.size()) {
            out.add(new Finding(stage, i, "regex",
                "labeldrop \"" + c.regex() + "\" can never have an effect: " + String.join("; ", reasons)));
          } else if (!idle.isEmpty()) {
            out.add(new Finding(stage, i, "regex",
                "the part" + (idle.size() == 1 ? " " : "s ") + quoted(idle) + " of labeldrop \"" + c.regex()
                    + "\" can never have an effect: " + String.join("; ", reasons)));
          }
        }
        case REPLACE, HASHMOD, LOWERCASE, UPPERCASE -> {
          if (stage == RelabelStage.Kind.OUTPUT && !templated && fixedInOutput(target)) {
            out.add(new Finding(stage, i, "target_label",
                a.configName() + " into \"" + target + "\" can never have an effect: " + fixedReason(target)));
          }
        }
        default -> {
          // keep, drop, keepequal, dropequal, labelkeep, labelmap: their effect depends on values
        }
      }
      if (a == RelabelAction.LABELMAP || templated) {
        writesAny = true;
      } else if (a == RelabelAction.REPLACE || a == RelabelAction.HASHMOD || a == RelabelAction.LOWERCASE
          || a == RelabelAction.UPPERCASE) {
        written.add(target);
      }
    }
    return out;
  }

  /** Why a label is never there in {@code stage}, or null when it may be. */
  static String absent(RelabelStage.Kind stage, String label) {
    if (stage == RelabelStage.Kind.INPUT) {
      if (label.equals("job") || label.equals("instance")) {
        return "job and instance are made from the resource (service.namespace, service.name,"
            + " service.instance.id) when the series is exposed; the input stage sees those resource attributes";
      }
      if (label.startsWith(SCOPE_PREFIX)) {
        return scopeReason() + " when the series is exposed, after the input stage";
      }
      return null;
    }
    if (label.startsWith("__") && !label.equals("__name__")) {
      return "labels starting with __ (such as the __attr_* sibling attributes) are removed before the output stage";
    }
    if (!PrometheusNaming.isValidLegacyLabelName(label)) {
      return "the output stage sees point attributes under their Prometheus label names ("
          + promLabel(label) + ")";
    }
    return null;
  }

  /** Why no label a regex alternative matches can be removed in {@code stage}, or null when one may be. */
  private static String unchangeable(RelabelStage.Kind stage, String alt) {
    Literal lit = Literal.of(alt);
    if (lit.exact != null) {
      String name = lit.exact;
      if (stage == RelabelStage.Kind.INPUT && IDENTIFYING.contains(name)) {
        return name + " is a resource attribute: input rules see it but never remove it from the resource";
      }
      if (stage == RelabelStage.Kind.OUTPUT && fixedInOutput(name)) {
        return fixedReason(name);
      }
      return absent(stage, name);
    }
    String prefix = lit.prefix;
    if (prefix.startsWith(SCOPE_PREFIX)) {
      return stage == RelabelStage.Kind.INPUT
          ? absent(stage, SCOPE_PREFIX)
          : fixedReason(SCOPE_PREFIX);
    }
    if (stage == RelabelStage.Kind.OUTPUT && prefix.startsWith("__") && !"__name__".startsWith(prefix)) {
      return absent(stage, prefix);
    }
    if (stage == RelabelStage.Kind.OUTPUT && !prefix.isEmpty() && !validLegacyPrefix(prefix)) {
      return absent(stage, prefix);
    }
    return null;
  }

  private static boolean fixedInOutput(String label) {
    return label.equals("job") || label.equals("instance") || label.startsWith(SCOPE_PREFIX);
  }

  private static String fixedReason(String label) {
    if (label.startsWith(SCOPE_PREFIX)) {
      return scopeReason() + ": the output stage sees them but never changes them";
    }
    return "job and instance come from the resource (service.namespace, service.name, service.instance.id):"
        + " the output stage sees them but never changes them";
  }

  private static String scopeReason() {
    return "otel_scope_name and otel_scope_version come from the instrumentation scope";
  }

  private static boolean validLegacyPrefix(String prefix) {
    return PrometheusNaming.isValidLegacyLabelName(prefix);
  }

  private static String promLabel(String label) {
    try {
      return PrometheusNaming.labelName(label);
    } catch (IllegalArgumentException e) {
      return "letters, digits and _";
    }
  }

  /** Whether the anchored regex {@code alt} matches one of {@code names}, by the relabel engine itself. */
  private static boolean matchesAny(String alt, Set<String> names, NameValidation validation) {
    if (names.isEmpty()) {
      return false;
    }
    try {
      RelabelRules drop = RelabelRules.compile(
          List.of(RelabelConfig.builder().action(RelabelAction.LABELDROP).regex(alt).build()), validation);
      Labels.Builder b = Labels.builder();
      names.forEach(n -> b.put(n, "x"));
      Labels in = b.build();
      return drop.apply(in) != in;
    } catch (RelabelException e) {
      return true; // cannot tell: assume it does
    }
  }

  private static String quoted(List<String> parts) {
    List<String> q = new ArrayList<>();
    parts.forEach(p -> q.add("\"" + p + "\""));
    return String.join(", ", q);
  }

  /**
   * The top-level alternatives of a regex ({@code a|b(c|d)} is {@code a}, {@code b(c|d)}); the whole
   * regex when it cannot be split.
   */
  static List<String> alternatives(String regex) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    boolean inClass = false;
    int start = 0;
    for (int i = 0; i < regex.length(); i++) {
      char ch = regex.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (inClass) {
        if (ch == ']') {
          inClass = false;
        }
      } else if (ch == '[') {
        inClass = true;
        if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
          i++;
        }
      } else if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth--;
      } else if (ch == '|' && depth == 0) {
        out.add(regex.substring(start, i));
        start = i + 1;
      }
    }
    if (depth != 0 || inClass) {
      return List.of(regex);
    }
    out.add(regex.substring(start));
    return out;
  }

  /** What an anchored alternative is made of: an exact name, or a literal prefix (maybe empty). */
  static final class Literal {
    final String exact; // null unless the alternative is one literal name
    final String prefix;

    private Literal(String exact, String prefix) {
      this.exact = exact;
      this.prefix = prefix;
    }

    static Literal of(String alt) {
      StringBuilder sb = new StringBuilder();
      int i = alt.startsWith("^") ? 1 : 0;
      int end = alt.endsWith("$") && !alt.endsWith("\\$") ? alt.length() - 1 : alt.length();
      while (i < end) {
        char ch = alt.charAt(i);
        char lit;
        int next;
        if (ch == '\\') {
          if (i + 1 >= end) {
            return new Literal(null, sb.toString());
          }
          char e = alt.charAt(i + 1);
          if (Character.isLetterOrDigit(e)) {
            return new Literal(null, sb.toString()); // \d, \w, \pL ...: a class, not a literal
          }
          lit = e;
          next = i + 2;
        } else if ("[](){}*+?|^$.".indexOf(ch) >= 0) {
          return new Literal(null, sb.toString());
        } else {
          lit = ch;
          next = i + 1;
        }
        if (next < end) {
          char q = alt.charAt(next);
          if (q == '*' || q == '?' || q == '{') {
            return new Literal(null, sb.toString()); // this character is optional or repeated
          }
          if (q == '+') {
            sb.append(lit);
            return new Literal(null, sb.toString());
          }
        }
        sb.append(lit);
        i = next;
      }
      return new Literal(sb.toString(), sb.toString());
    }
  }
}
