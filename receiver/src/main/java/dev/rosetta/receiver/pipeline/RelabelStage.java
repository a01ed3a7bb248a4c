package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.Origin;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.receiver.store.TargetLabels;
import dev.rosetta.relabel.RelabelRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Prometheus relabel rules as a pipeline stage, in one of two views of a series.
 *
 * <p><b>Input</b> ({@code relabel.input}): the label set is the resource attributes, overlaid by the
 * point attributes, plus {@code __name__} = the raw metric name (an OTLP name, a Go runtime path, a
 * JVM path). <b>Output</b> ({@code relabel.output}): the label set is what a scrape shows —
 * {@code __name__} = the Prometheus family name (counters with {@code _total}), {@code job} and
 * {@code instance} from the resource, {@code otel_scope_name}/{@code otel_scope_version}, and the
 * point attributes under their Prometheus label names.
 *
 * <p>A rule can drop a series, rename it ({@code __name__}) and add, change or remove point labels.
 * Labels that come from the resource or the scope are visible to rules but are not changed by them
 * (they describe the sender: change them at the source). In the output view a label that keeps its
 * Prometheus name keeps its original attribute key, so forwarded OTLP still carries semantic
 * attribute names. A series the rules leave unchanged is passed on as it was (same instances).
 *
 * <p>A metric whose name or labels the rules change records the stage in its {@link Origin}
 * ({@code relabel.input} or {@code relabel.output}); metrics of different origins stay separate
 * metrics even under one name, so that the store can tell their sources apart.
 *
 * <p>Thread-safe; allocation-free for series that no rule changes.
 */
public final class RelabelStage implements MetricStage {
  /** Which label view the rules see. */
  public enum Kind { INPUT, OUTPUT }

  private final Kind kind;
  private final RelabelRules rules;
  private final boolean addSuffixes;
  private final LongConsumer dropped;

  /**
   * @param dropped told how many points the rules dropped (per batch), for the self-metrics
   */
  public RelabelStage(Kind kind, RelabelRules rules, boolean addSuffixes, LongConsumer dropped) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.addSuffixes = addSuffixes;
    this.dropped = Objects.requireNonNull(dropped, "dropped");
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public MetricBatch process(MetricBatch batch) {
    if (rules.size() == 0) {
      return batch;
    }
    List<ResourceMetrics> out = null;
    int ri = 0;
    for (ResourceMetrics rm : batch.resources()) {
      ResourceMetrics processed = resource(rm);
      if (processed != rm && out == null) {
        out = new ArrayList<>(batch.resources().subList(0, ri));
      }
      if (out != null && processed != null) {
        out.add(processed);
      }
      ri++;
    }
    return out == null ? batch : new MetricBatch(out);
  }

  /** The resource with its metrics relabelled: the same instance when unchanged, null when empty. */
  private ResourceMetrics resource(ResourceMetrics rm) {
    Labels base = kind == Kind.INPUT ? rm.resource() : TargetLabels.jobInstance(rm.resource());
    boolean changed = false;
    List<ScopeMetrics> scopes = new ArrayList<>(rm.scopes().size());
    for (ScopeMetrics sm : rm.scopes()) {
      Labels scoped = kind == Kind.INPUT ? base : TargetLabels.withScope(base, sm.scope());
      Map<Key, Merged> metrics = new LinkedHashMap<>();
      boolean scopeChanged = false;
      for (Metric m : sm.metrics()) {
        scopeChanged |= metric(m, scoped, metrics);
      }
      if (scopeChanged) {
        changed = true;
        if (!metrics.isEmpty()) {
          List<Metric> ms = new ArrayList<>(metrics.size());
          for (Merged merged : metrics.values()) {
            ms.add(merged.metric());
          }
          scopes.add(new ScopeMetrics(sm.scope(), ms));
        }
      } else {
        scopes.add(sm);
      }
    }
    if (!changed) {
      return rm;
    }
    return scopes.isEmpty() ? null : new ResourceMetrics(rm.resource(), scopes);
  }

  /** Relabels the points of {@code m} into {@code out} (by resulting name); true when anything changed. */
  private boolean metric(Metric m, Labels context, Map<Key, Merged> out) {
    String name = kind == Kind.INPUT ? m.name() : familyName(m);
    if (name == null) {
      merge(out, m, m.points());
      return false;
    }
    boolean changed = false;
    int drops = 0;
    Map<String, List<Point>> byName = null;
    List<Point> kept = new ArrayList<>(m.points().size());
    for (Point p : m.points()) {
      Labels in = view(name, context, p.labels());
      Labels result = rules.apply(in);
      if (result == in) {
        kept.add(p);
        continue;
      }
      changed = true;
      if (result == null) {
        drops++;
        continue;
      }
      String newName = result.getOrDefault("__name__", "");
      if (newName.isEmpty()) {
        drops++; // a series without a name cannot be exposed
        continue;
      }
      Point np = p.withLabels(pointLabels(result, context, p.labels()));
      if (newName.equals(name)) {
        kept.add(np);
      } else {
        if (byName == null) {
          byName = new LinkedHashMap<>();
        }
        byName.computeIfAbsent(newName, k -> new ArrayList<>()).add(np);
      }
    }
    if (!changed) {
      merge(out, m, m.points());
      return false;
    }
    if (drops > 0) {
      dropped.accept(drops);
    }
    Metric marked = m.withOrigin(m.origin().then(kind == Kind.INPUT ? "relabel.input" : "relabel.output", m.name()));
    if (!kept.isEmpty()) {
      merge(out, marked, kept);
    }
    if (byName != null) {
      for (var e : byName.entrySet()) {
        Metric renamed = rename(marked, e.getKey());
        merge(out, renamed, e.getValue());
      }
    }
    return true;
  }

  /** Metrics of one name, type and received name are one metric. */
  private record Key(String name, MetricType type, String receivedName) {}

  /**
   * The points that end up under one key, gathered before one metric is made of them, so that
   * many metrics merging into one cost their points once, not once per merge.
   */
  private static final class Merged {
    final Metric template;
    List<Point> points;
    boolean owned;

    Merged(Metric template, List<Point> points) {
      this.template = template;
      this.points = points;
    }

    void add(List<Point> more) {
      if (!owned) {
        points = new ArrayList<>(points);
        owned = true;
      }
      points.addAll(more);
    }

    Metric metric() {
      return points == template.points() ? template : template.withPoints(points);
    }
  }

  private static void merge(Map<Key, Merged> out, Metric template, List<Point> points) {
    Key key = new Key(template.name(), template.type(), template.receivedName());
    Merged prev = out.get(key);
    if (prev == null) {
      out.put(key, new Merged(template, points));
    } else {
      prev.add(points);
    }
  }

  /**
   * The metric under its new name. Input: the raw name. Output: a Prometheus family name, kept
   * exactly: the unit goes (its word is in the name) and a counter's {@code _total} is left to the
   * exposition to add back.
   */
  private Metric rename(Metric m, String newName) {
    if (kind == Kind.INPUT) {
      return new Metric(newName, m.description(), m.unit(), m.type(), m.temporality(), m.points(), m.origin());
    }
    String n = m.type() == MetricType.COUNTER && newName.endsWith("_total")
        ? newName.substring(0, newName.length() - "_total".length())
        : newName;
    return new Metric(n, m.description(), "", m.type(), m.temporality(), m.points(), m.origin());
  }

  private String familyName(Metric m) {
    try {
      return PrometheusNaming.metricName(m.name(), m.unit(), m.type(), addSuffixes);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The labels the rules see for one point. */
  private Labels view(String name, Labels context, Labels attrs) {
    if (kind == Kind.INPUT) {
      // point attributes over resource attributes: one merge of two sorted sets
      return context.withAll(attrs).with("__name__", name);
    }
    Labels.Builder b = Labels.builder();
    context.forEach(b::add);
    for (int i = 0; i < attrs.size(); i++) {
      String ln = promLabel(attrs.name(i));
      if (ln != null && !context.contains(ln)) {
        b.put(ln, attrs.value(i));
      }
    }
    b.put("__name__", name);
    return b.build();
  }

  /** The point's attributes after the rules: the result without name and context labels. */
  private Labels pointLabels(Labels result, Labels context, Labels original) {
    Labels.Builder b = Labels.builder();
    Map<String, String> keysByLabel = null;
    for (int i = 0; i < result.size(); i++) {
      String n = result.name(i);
      String v = result.value(i);
      if (n.equals("__name__")) {
        continue;
      }
      if (kind == Kind.INPUT) {
        // an unchanged resource attribute stays on the resource
        if (!original.contains(n) && v.equals(context.get(n))) {
          continue;
        }
        b.add(n, v);
      } else {
        if (context.contains(n)) {
          continue;
        }
        // put: a label a rule named after an attribute key and the label of that key are one
        if (original.contains(n)) {
          b.put(n, v);
        } else {
          if (keysByLabel == null) {
            keysByLabel = keysByLabel(original);
          }
          b.put(keysByLabel.getOrDefault(n, n), v);
        }
      }
    }
    return b.build();
  }

  /**
   * For each Prometheus label name, the first attribute key (in key order) that has it: the key a
   * label that keeps its name goes back to. Built once per point, so that the lookups are linear.
   */
  private static Map<String, String> keysByLabel(Labels original) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < original.size(); i++) {
      String k = original.name(i);
      String ln = promLabel(k);
      if (ln != null) {
        m.putIfAbsent(ln, k);
      }
    }
    return m;
  }

  private static String promLabel(String key) {
    try {
      return PrometheusNaming.labelName(key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

}
