package dev.rosetta.receiver.cli;

import dev.rosetta.model.Labels;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.model.view.AttributeLabel;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.receiver.config.Positions;
import dev.rosetta.receiver.config.RelabelSettings;
import dev.rosetta.relabel.RelabelAction;
import dev.rosetta.relabel.RelabelConfig;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The relabel rules a name goes through, for {@code explain}: each rule of {@code relabel.input}
 * applied, one at a time, to the raw name, and each rule of {@code relabel.output} to the family a
 * view makes of it (its Prometheus name and the labels the view gives), as the pipeline's relabel
 * stages see them. Only rules that change something are reported: the rule's number (from 1), where
 * it is written, what it does (drops, renames, sets or removes labels), or which labels of the
 * series it depends on when its outcome needs values the name alone does not tell (point and
 * resource attributes, {@code job}, the value of a sibling attribute). Stateless once built.
 */
final class RelabelTrace {
  /** The stage a rule belongs to. */
  enum Stage {
    INPUT("input"), OUTPUT("output");

    final String word;

    Stage(String word) {
      this.word = word;
    }
  }

  /**
   * One rule that changes (or may change) the name or its labels.
   *
   * @param at {@code file:line:column} where the rule is written, empty when not known
   * @param name the new name when the rule renames it
   * @param set labels the rule adds or changes, with their values, or what they are when the series
   *     tells ({@code <value of attribute Type>})
   * @param quoted the same values as {@link #effect()} shows them (known values in quotes)
   * @param dependsOn labels whose values the outcome depends on; the rule is then not applied
   */
  record Step(
      Stage stage, int rule, Optional<String> at, String action, boolean drop, Optional<String> name,
      Map<String, String> set, Map<String, String> quoted, List<String> removed, List<String> dependsOn) {
    Step {
      set = Map.copyOf(set);
      quoted = Map.copyOf(quoted);
      removed = List.copyOf(removed);
      dependsOn = List.copyOf(dependsOn);
    }

    /** What the rule does, in words: {@code drops it}, {@code renames it to x, removes label y}. */
    String effect() {
      if (!dependsOn.isEmpty()) {
        return "depends on the series' " + (dependsOn.size() == 1 ? "label " : "labels ")
            + String.join(", ", dependsOn);
      }
      if (drop) {
        return "drops it";
      }
      List<String> parts = new ArrayList<>();
      name.ifPresent(n -> parts.add("renames it to " + n));
      new java.util.TreeMap<>(quoted).forEach((k, v) -> parts.add("sets " + k + "=" + v));
      removed.forEach(r -> parts.add("removes label " + r));
      return String.join(", ", parts);
    }

    /** {@code input rule 2 (rosetta.yaml:14:7, labeldrop)}. */
    String title() {
      return stage.word + " rule " + rule + " (" + at.map(a -> a + ", ").orElse("") + action + ")";
    }
  }

  /** The input stage's outcome: its steps and the name the views see, empty when a rule drops it. */
  record Input(List<Step> steps, Optional<String> name) {}

  /** Labels the output stage has from the resource and the scope: rules see them, never change them. */
  private static final Set<String> CONTEXT = Set.of("job", "instance", "otel_scope_name", "otel_scope_version");
  /** Marks a value that only the series tells; never a real label value. */
  private static final char UNKNOWN = '\u0000';

  private final RelabelSettings relabel;
  private final Positions positions;
  private final String source;
  private final boolean addSuffixes;

  /**
   * @param source the configuration's file name, for the rules' positions
   * @param addSuffixes the Prometheus exporter's {@code add_metric_suffixes}, as the output stage names families
   */
  RelabelTrace(RelabelSettings relabel, Positions positions, String source, boolean addSuffixes) {
    this.relabel = Objects.requireNonNull(relabel, "relabel");
    this.positions = Objects.requireNonNull(positions, "positions");
    this.source = Objects.requireNonNull(source, "source");
    this.addSuffixes = addSuffixes;
  }

  /** Whether there is any rule to trace. */
  boolean any() {
    return relabel.input().size() > 0 || relabel.output().size() > 0;
  }

  /** The input rules applied to {@code rawName}. */
  Input input(String rawName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("__name__", rawName);
    Map<String, String> unknown = new LinkedHashMap<>();
    List<Step> steps = run(Stage.INPUT, relabel.input(), labels, unknown);
    boolean dropped = !steps.isEmpty() && steps.get(steps.size() - 1).drop();
    return new Input(steps, dropped ? Optional.empty() : Optional.of(labels.get("__name__")));
  }

  /**
   * The output rules applied to the family {@code d} makes (a matched, valid decision), or to an
   * unmatched name kept as it is (named as a gauge, its type coming with the metric).
   */
  List<Step> output(ViewDecision d) {
    if (relabel.output().size() == 0) {
      return List.of();
    }
    String family;
    try {
      family = d.matched()
          ? PrometheusNaming.metricName(d.name().orElseThrow(), d.unit().orElse(""),
              d.type().orElse(MetricType.GAUGE), addSuffixes)
          : PrometheusNaming.metricName(d.input(), "", MetricType.GAUGE, addSuffixes);
    } catch (IllegalArgumentException e) {
      return List.of(); // no Prometheus name: the output stage passes it on untouched
    }
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> unknown = new LinkedHashMap<>();
    labels.put("__name__", family);
    d.labels().forEach((k, v) -> put(labels, k, v));
    for (Map.Entry<String, AttributeLabel> e : d.attributeLabels().entrySet()) {
      String label = promLabel(e.getKey());
      if (label != null) {
        String marker = UNKNOWN + label;
        labels.put(label, marker);
        unknown.put(marker, ExplainCommand.describe(e.getValue()));
      }
    }
    return run(Stage.OUTPUT, relabel.output(), labels, unknown);
  }

  private static void put(Map<String, String> labels, String key, String value) {
    String label = promLabel(key);
    if (label != null) {
      labels.put(label, value);
    }
  }

  /** Applies the rules one by one to {@code labels} (updated in place); the steps that changed it. */
  private List<Step> run(Stage stage, RelabelRules rules, Map<String, String> labels, Map<String, String> unknown) {
    List<Step> steps = new ArrayList<>();
    List<RelabelConfig> configs = rules.configs();
    for (int i = 0; i < configs.size(); i++) {
      RelabelConfig c = configs.get(i);
      String action = RelabelAction.fromConfigName(c.action()).map(RelabelAction::configName).orElse(c.action());
      Optional<String> at = at(stage, i);
      List<String> depends = new ArrayList<>();
      for (String read : reads(c)) {
        String v = labels.get(read);
        if ((v == null && !read.equals("__name__")) || (v != null && v.indexOf(UNKNOWN) >= 0)) {
          if (!depends.contains(read)) {
            depends.add(read);
          }
        }
      }
      if (!depends.isEmpty()) {
        steps.add(new Step(stage, i + 1, at, action, false, Optional.empty(), Map.of(), Map.of(), List.of(), depends));
        continue;
      }
      Labels before = Labels.of(labels);
      Labels after = single(c).apply(before);
      if (after == before) {
        continue;
      }
      if (after == null || after.getOrDefault("__name__", "").isEmpty()) {
        steps.add(new Step(stage, i + 1, at, action, true, Optional.empty(), Map.of(), Map.of(), List.of(), List.of()));
        return steps;
      }
      Optional<String> rename = after.get("__name__").equals(labels.get("__name__"))
          ? Optional.empty() : Optional.of(after.get("__name__"));
      Map<String, String> set = new LinkedHashMap<>();
      Map<String, String> quoted = new LinkedHashMap<>();
      List<String> removed = new ArrayList<>();
      Set<String> names = new TreeSet<>(labels.keySet());
      names.addAll(after.names());
      for (String n : names) {
        if (n.equals("__name__") || (stage == Stage.OUTPUT && CONTEXT.contains(n))) {
          continue;
        }
        String was = labels.get(n);
        String now = after.get(n);
        if (now == null) {
          removed.add(n);
        } else if (!now.equals(was)) {
          boolean known = now.indexOf(UNKNOWN) < 0;
          String shown = known ? now : unknown.getOrDefault(now, "<a value of the series>");
          set.put(n, shown);
          quoted.put(n, known ? "\"" + now + "\"" : shown);
        }
      }
      labels.clear();
      after.forEach(labels::put);
      if (rename.isPresent() || !set.isEmpty() || !removed.isEmpty()) {
        steps.add(new Step(stage, i + 1, at, action, false, rename, set, quoted, removed, List.of()));
      }
    }
    return steps;
  }

  /** The labels whose values a rule reads; label-name actions read none. */
  private static List<String> reads(RelabelConfig c) {
    Optional<RelabelAction> a = RelabelAction.fromConfigName(c.action());
    if (a.isEmpty()) {
      return List.of();
    }
    return switch (a.get()) {
      case LABELMAP, LABELDROP, LABELKEEP -> List.of();
      case KEEPEQUAL, DROPEQUAL -> {
        List<String> r = new ArrayList<>(c.sourceLabels());
        r.add(c.targetLabel());
        yield r;
      }
      default -> c.sourceLabels();
    };
  }

  private RelabelRules single(RelabelConfig c) {
    try {
      return RelabelRules.compile(List.of(c), relabel.nameValidation());
    } catch (RelabelException e) {
      throw new IllegalStateException("a rule of a loaded configuration compiles", e);
    }
  }

  private Optional<String> at(Stage stage, int index) {
    Positions.Position p = positions.locate("relabel." + stage.word + "[" + index + "]");
    return p == null ? Optional.empty() : Optional.of(source + ":" + p.line() + ":" + p.column());
  }

  private static String promLabel(String key) {
    try {
      return PrometheusNaming.labelName(key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
