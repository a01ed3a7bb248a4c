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
 * The semantic views as a pipeline stage: the raw metrics of each scope go through {@link
 * ViewSet#applyAll} together (so that a name of another Go instrumentation recognised as a path can
 * take the other part of a MemStats composite from the same scope); mapped metrics that land in the
 * same family (same name, type and unit) within a scope are merged into one, one point per series
 * (duplicates counted); a {@code drop} view removes the metric; a metric no view matches passes through under
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
    /** {@code outcome}: mapped, dropped, invalid, unmatched_passthrough, unmatched_dropped, duplicate. */
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
    long duplicates = 0;
    List<ResourceMetrics> resources = new ArrayList<>(batch.resources().size());
    for (ResourceMetrics rm : batch.resources()) {
      List<ScopeMetrics> scopes = new ArrayList<>(rm.scopes().size());
      for (ScopeMetrics sm : rm.scopes()) {
        Map<FamilyKey, Family> out = new LinkedHashMap<>();
        List<Metric> normalized = new ArrayList<>(sm.metrics().size());
        for (Metric raw : sm.metrics()) {
          normalized.add(GoHistograms.normalize(raw));
        }
        List<ViewResult> results = views.applyAll(normalized, ViewsStage::siblings);
        for (int i = 0; i < normalized.size(); i++) {
          Metric m = normalized.get(i);
          ViewResult r = results.get(i);
          int n = m.points().size();
          switch (r.status()) {
            case MAPPED -> {
              Metric sem = r.metric().orElseThrow();
              int lost = merge(out, sem, r.decision().recognition().map(x -> x.source().rank()).orElse(0));
              mapped += sem.points().size() - lost;
              duplicates += lost;
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
                int lost = merge(out, m, 0);
                passed += n - lost;
                duplicates += lost;
              } else {
                unmatchedDropped += n;
              }
            }
          }
        }
        if (!out.isEmpty()) {
          List<Metric> metrics = new ArrayList<>(out.size());
          out.values().forEach(f -> metrics.add(f.metric()));
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
    count("duplicate", duplicates);
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

  /** A point kept for a series, with the rank of the metric it came from (lower wins). */
  private record Ranked(Point point, int rank, int metric) {}

  /** One output family of a scope: its first metric (name, help, type) and the points kept. */
  private static final class Family {
    private final Metric first;
    private final List<Ranked> points = new ArrayList<>();
    private final Map<Labels, Integer> bySeries = new java.util.HashMap<>();
    private int metrics;

    Family(Metric first) {
      this.first = first;
    }

    Metric metric() {
      List<Point> all = new ArrayList<>(points.size());
      points.forEach(r -> all.add(r.point()));
      return all.equals(first.points()) ? first : first.withPoints(all);
    }
  }

  /**
   * Adds a metric to its family and returns how many of its points were duplicates. When two raw
   * metrics land on the same series (the same data under two names: Go's /gc/pauses:seconds and
   * /sched/pauses/total/gc:seconds, or a path and client_golang's MemStats-style name for it), one
   * point is kept, a series having one value per batch: the one of lower rank (the path, then
   * client_golang's runtime/metrics name, then other recognised names, see
   * {@link dev.rosetta.model.name.Recognition.Source#rank()}), else the first. Points of one metric
   * are all kept (a delta metric may carry several points of one series).
   */
  private static int merge(Map<FamilyKey, Family> out, Metric m, int rank) {
    Family f = out.computeIfAbsent(new FamilyKey(m.name(), m.type(), m.unit()), k -> new Family(m));
    int id = f.metrics++;
    int duplicates = 0;
    for (Point p : m.points()) {
      Integer at = f.bySeries.get(p.labels());
      if (at == null || f.points.get(at).metric() == id) {
        if (at == null) {
          f.bySeries.put(p.labels(), f.points.size());
        }
        f.points.add(new Ranked(p, rank, id));
      } else {
        duplicates++;
        if (rank < f.points.get(at).rank()) {
          f.points.set(at, new Ranked(p, rank, id));
        }
      }
    }
    return duplicates;
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
