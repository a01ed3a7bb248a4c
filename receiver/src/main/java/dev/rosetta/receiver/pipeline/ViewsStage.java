package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.view.SiblingAttributes;
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
 * mapped metrics that land in the same family (same name, type and unit) within a scope are merged
 * into one; a {@code drop} view removes the metric; a metric no view matches passes through under
 * its raw name (the standard OTLP→Prometheus naming then applies) or is dropped, as
 * {@code views.unmatched} says. Every outcome is counted by points.
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
              Metric sem = r.metric().orElseThrow();
              merge(out, sem);
              mapped += sem.points().size();
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
          List<Metric> ms = new ArrayList<>(out.size());
          for (Family f : out.values()) {
            ms.add(f.metric());
          }
          scopes.add(new ScopeMetrics(sm.scope(), ms));
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

  /**
   * The metrics of one family within a scope. When two raw metrics land on the same series (the
   * same data under two names, such as Go's /gc/pauses:seconds and /sched/pauses/total/gc:seconds),
   * the first point is kept: a series has one value per batch. Points are gathered once, so that
   * many metrics merging into one family cost their points, not their points times the merges.
   */
  private static final class Family {
    final Metric first;
    List<Point> points;
    java.util.Set<Labels> seen;

    Family(Metric first) {
      this.first = first;
    }

    void add(Metric m) {
      if (points == null) {
        points = new ArrayList<>(first.points());
        seen = new java.util.HashSet<>();
        for (Point p : first.points()) {
          seen.add(p.labels());
        }
      }
      for (Point p : m.points()) {
        if (seen.add(p.labels())) {
          points.add(p);
        }
      }
    }

    Metric metric() {
      return points == null ? first : first.withPoints(points);
    }
  }

  /** Adds a metric to its family. */
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
    if (!l.hasNameWithPrefix(JolokiaDecoder.ATTRIBUTE_LABEL_PREFIX)) {
      return SiblingAttributes.none();
    }
    return (mbean, attribute) -> Optional.ofNullable(l.get(JolokiaDecoder.ATTRIBUTE_LABEL_PREFIX + attribute));
  }
}
