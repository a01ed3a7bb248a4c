package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.Origin;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.View;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.nativeformat.JolokiaDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The semantic views as a pipeline stage: every raw metric goes through {@link ViewSet#apply};
 * a {@code drop} view removes the metric; a metric no view matches passes through under its raw
 * name (the standard OTLP→Prometheus naming then applies) or is dropped, as {@code views.unmatched}
 * says. Every outcome is counted by points.
 *
 * <p>A mapped metric records its {@link Origin}: the name it was received under and the view that
 * mapped it. Raw metrics that land in the same family stay separate metrics (each with its origin),
 * so that the store can tell their sources apart; a point that repeats, exactly, a point another raw
 * metric of the same family gave in the same batch is an alias of it (Go's {@code /gc/pauses:seconds}
 * and {@code /sched/pauses/total/gc:seconds}) and is left out. Points that differ are kept: if they
 * land on one series, the store refuses the second source or aggregates them, as configured.
 *
 * <p>A metric named by a Go runtime path is first normalized ({@link GoHistograms#normalize}): its
 * unit is the one the path states, and a histogram without a sum gets the midpoint estimate, so a
 * Go snapshot maps the same whether it came natively or over OTLP.
 *
 * <p>Sibling MBean attributes for JVM views come from the point's {@code __attr_<attribute>} labels
 * (a Jolokia body brings them). Thread-safe; the view set memoizes decisions per name.
 */
public final class ViewsStage implements MetricStage {
  private static final Logger LOG = Logger.getLogger(ViewsStage.class.getName());

  /** What happens to a metric no view matches. */
  public enum Unmatched { PASSTHROUGH, DROP }

  /** Receives point counts per outcome. */
  @FunctionalInterface
  public interface Counter {
    /** {@code outcome}: mapped, dropped, invalid, unmatched_passthrough, unmatched_dropped. */
    void count(String outcome, long points);
  }

  private final ViewSet views;
  private final Unmatched unmatched;
  private final Counter counter;
  private final java.util.Set<String> logged = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** The origin step of each view, {@code view <id> (<file>#<index>)}, built once per view. */
  private final Map<View, String> viewSteps = new java.util.concurrent.ConcurrentHashMap<>();

  public ViewsStage(ViewSet views, Unmatched unmatched, Counter counter) {
    this.views = Objects.requireNonNull(views, "views");
    this.unmatched = Objects.requireNonNull(unmatched, "unmatched");
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  public ViewSet views() {
    return views;
  }

  @Override
  public MetricBatch process(MetricBatch batch) {
    long mapped = 0;
    long dropped = 0;
    long invalid = 0;
    long passed = 0;
    long unmatchedDropped = 0;
    List<ResourceMetrics> resources = new ArrayList<>(batch.resources().size());
    for (ResourceMetrics rm : batch.resources()) {
      List<ScopeMetrics> scopes = new ArrayList<>(rm.scopes().size());
      for (ScopeMetrics sm : rm.scopes()) {
        Map<FamilyKey, Family> out = new LinkedHashMap<>();
        for (Metric raw : sm.metrics()) {
          Metric m = GoHistograms.normalize(raw);
          ViewResult r = views.apply(m, siblings(m));
          int n = m.points().size();
          switch (r.status()) {
            case MAPPED -> {
              Metric sem = r.metric().orElseThrow().withOrigin(origin(m, r.decision()));
              mapped += sem.points().size();
              merge(out, sem);
              if (r.droppedPoints() > 0) {
                invalid += r.droppedPoints();
                logOnce(r);
              }
            }
            case DROPPED -> dropped += n;
            case INVALID -> {
              invalid += n;
              logOnce(r);
            }
            case UNMATCHED -> {
              if (unmatched == Unmatched.PASSTHROUGH) {
                merge(out, m);
                passed += n;
              } else {
                unmatchedDropped += n;
              }
            }
          }
        }
        if (!out.isEmpty()) {
          List<Metric> metrics = new ArrayList<>(out.size());
          for (Family f : out.values()) {
            f.addTo(metrics);
          }
          scopes.add(new ScopeMetrics(sm.scope(), metrics));
        }
      }
      if (!scopes.isEmpty()) {
        resources.add(new ResourceMetrics(rm.resource(), scopes));
      }
    }
    count("mapped", mapped);
    count("dropped", dropped);
    count("invalid", invalid);
    count("unmatched_passthrough", passed);
    count("unmatched_dropped", unmatchedDropped);
    return new MetricBatch(resources);
  }

  private void count(String outcome, long n) {
    if (n > 0) {
      counter.count(outcome, n);
    }
  }

  private void logOnce(ViewResult r) {
    String id = r.decision().viewId().orElse("?");
    if (logged.size() < 1000 && logged.add(id + "\u0000" + r.problem().orElse(""))) {
      LOG.warning("view " + id + " could not map " + r.decision().input() + ": " + r.problem().orElse("invalid output")
          + " (counted in rosetta_views_points_total{outcome=\"invalid\"}; logged once)");
    }
  }

  private record FamilyKey(String name, dev.rosetta.model.MetricType type, String unit) {}

  /** The origin of a metric the view of {@code d} mapped: its received name, then the view. */
  private Origin origin(Metric raw, ViewDecision d) {
    View view = d.view().orElseThrow();
    String step = viewSteps.get(view);
    if (step == null) {
      step = "view " + view.id() + (view.id().equals(view.source().toString()) ? "" : " (" + view.source() + ")");
      if (viewSteps.size() < 10_000) {
        viewSteps.put(view, step);
      }
    }
    return raw.origin().then(step, raw.name());
  }

  /**
   * The metrics of one family within a scope: usually one; several when several raw metrics map to
   * the family (pools of one MBean type, classes of one Go path).
   */
  private static final class Family {
    private final Metric first;
    private List<Metric> more;
    /** Every point so far by its labels; built when a second metric arrives. */
    private Map<Labels, Point> seen;

    Family(Metric first) {
      this.first = first;
    }

    /**
     * Adds a metric of another raw name. A point equal to one an earlier metric gave for the same
     * labels (the same data under two names, such as Go's /gc/pauses:seconds and
     * /sched/pauses/total/gc:seconds) is an alias and left out.
     */
    void add(Metric m) {
      if (seen == null) {
        seen = new java.util.HashMap<>();
        first.points().forEach(p -> seen.putIfAbsent(p.labels(), p));
        more = new ArrayList<>(2);
      }
      List<Point> kept = null;
      List<Point> points = m.points();
      for (int i = 0; i < points.size(); i++) {
        Point p = points.get(i);
        Point earlier = seen.putIfAbsent(p.labels(), p);
        boolean alias = earlier != null && earlier.equals(p);
        if (alias && kept == null) {
          kept = new ArrayList<>(points.subList(0, i));
        } else if (!alias && kept != null) {
          kept.add(p);
        }
      }
      if (kept == null) {
        more.add(m);
      } else if (!kept.isEmpty()) {
        more.add(m.withPoints(kept));
      }
    }

    void addTo(List<Metric> out) {
      out.add(first);
      if (more != null) {
        out.addAll(more);
      }
    }
  }

  /** Adds a metric to its family within the scope. */
  private static void merge(Map<FamilyKey, Family> out, Metric m) {
    FamilyKey k = new FamilyKey(m.name(), m.type(), m.unit());
    Family f = out.get(k);
    if (f == null) {
      out.put(k, new Family(m));
    } else {
      f.add(m);
    }
  }

  /** Sibling attributes from the {@code __attr_*} labels of the metric's first point. */
  private static SiblingAttributes siblings(Metric m) {
    if (m.points().isEmpty()) {
      return SiblingAttributes.none();
    }
    Labels l = m.points().get(0).labels();
    if (l.isEmpty() || !l.name(0).startsWith("__")) {
      return SiblingAttributes.none();
    }
    return (mbean, attribute) -> Optional.ofNullable(l.get(JolokiaDecoder.ATTRIBUTE_LABEL_PREFIX + attribute));
  }
}
