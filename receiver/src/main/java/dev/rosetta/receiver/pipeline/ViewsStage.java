package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.name.MetricName;
import dev.rosetta.model.name.ParseResult;
import dev.rosetta.model.view.BatchValues;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.nativeformat.JolokiaDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.logging.Logger;

/**
 * The semantic views as a pipeline stage: every raw metric goes through {@link ViewSet#apply};
 * mapped metrics that land in the same family (same name, type and unit) within a scope are merged
 * into one; a {@code drop} view removes the metric; a metric no view matches passes through under
 * its raw name (the standard OTLP→Prometheus naming then applies) or is dropped, as
 * {@code views.unmatched} says. Every outcome is counted by points.
 *
 * <p>A metric named by a Go runtime path is first normalized ({@link GoHistograms#normalize}): its
 * unit is the one the path states, and a histogram without a sum gets one: exact for the size
 * histograms when the same resource's batch has their totals, the midpoint estimate otherwise; so a
 * Go snapshot maps the same whether it came natively or over OTLP.
 *
 * <p>Sibling MBean attributes for JVM views come from the point's {@code __attr_<attribute>} labels
 * (a Jolokia body brings them); the values a view derives from come from the raw metrics of the
 * same resource in the same batch. An overlay set ({@link ViewSet#overlay()}) maps every metric a
 * second time: what it makes joins the output, beside what the main views made. Thread-safe; the
 * view set memoizes decisions per name.
 */
public final class ViewsStage implements MetricStage {
  private static final Logger LOG = Logger.getLogger(ViewsStage.class.getName());

  /** What happens to a metric no view matches. */
  public enum Unmatched { PASSTHROUGH, DROP }

  /** Receives point counts per outcome. */
  @FunctionalInterface
  public interface Counter {
    /**
     * {@code outcome}: mapped, dropped, invalid, unmatched_passthrough, unmatched_dropped, omitted
     * (a value the view declares undefined), overlay (points an overlay set made in addition).
     */
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
    long omitted = 0;
    long overlaid = 0;
    ViewSet overlay = views.overlay().orElse(null);
    List<ResourceMetrics> resources = new ArrayList<>(batch.resources().size());
    for (ResourceMetrics rm : batch.resources()) {
      Map<String, Map<Labels, Double>> exactSums = GoHistograms.exactSums(rm);
      ResourceValues values = new ResourceValues(rm);
      List<ScopeMetrics> scopes = new ArrayList<>(rm.scopes().size());
      for (ScopeMetrics sm : rm.scopes()) {
        Map<FamilyKey, Metric> out = new LinkedHashMap<>();
        for (Metric raw : sm.metrics()) {
          Metric m = GoHistograms.normalize(raw, exactSums);
          SiblingAttributes siblings = siblings(m);
          ViewResult r = views.apply(m, siblings, values);
          int n = m.points().size();
          omitted += r.omittedPoints();
          if (overlay != null) {
            ViewResult o = overlay.apply(m, siblings, values);
            if (o.status() == ViewResult.Status.MAPPED) {
              Metric sem = o.metric().orElseThrow();
              merge(out, sem);
              overlaid += sem.points().size();
            } else if (o.status() == ViewResult.Status.INVALID) {
              logOnce(o);
            }
          }
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
            case OMITTED -> {
              // counted through omittedPoints above
            }
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
          scopes.add(new ScopeMetrics(sm.scope(), List.copyOf(out.values())));
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
    count("omitted", omitted);
    count("overlay", overlaid);
    return new MetricBatch(resources);
  }

  /**
   * The number values of one resource's raw metrics, by canonical raw name, for views that derive
   * their value; built on the first lookup, so batches without such views pay nothing.
   */
  private static final class ResourceValues implements BatchValues {
    private final ResourceMetrics resource;
    private Map<String, List<NumberPoint>> byName;

    ResourceValues(ResourceMetrics resource) {
      this.resource = resource;
    }

    @Override
    public OptionalDouble value(String canonicalName, Labels labels) {
      if (byName == null) {
        byName = new HashMap<>();
        for (ScopeMetrics sm : resource.scopes()) {
          for (Metric m : sm.metrics()) {
            ParseResult<MetricName> parsed = MetricName.parse(m.name());
            if (!parsed.isOk()) {
              continue;
            }
            for (Point p : m.points()) {
              if (p instanceof NumberPoint np) {
                byName.computeIfAbsent(ViewSet.canonical(parsed.value()), k -> new ArrayList<>(1)).add(np);
              }
            }
          }
        }
      }
      List<NumberPoint> points = byName.get(canonicalName);
      if (points == null) {
        return OptionalDouble.empty();
      }
      for (NumberPoint p : points) {
        if (p.labels().equals(labels)) {
          return OptionalDouble.of(p.value());
        }
      }
      // one point under other labels (a single-attribute read carries no sibling labels): the same series
      return points.size() == 1 ? OptionalDouble.of(points.get(0).value()) : OptionalDouble.empty();
    }
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
   * Adds a metric to its family. When two raw metrics land on the same series (the same data under
   * two names, such as Go's /gc/pauses:seconds and /sched/pauses/total/gc:seconds), the first point
   * is kept: a series has one value per batch.
   */
  private static void merge(Map<FamilyKey, Metric> out, Metric m) {
    FamilyKey k = new FamilyKey(m.name(), m.type(), m.unit());
    Metric prev = out.get(k);
    if (prev == null) {
      out.put(k, m);
    } else {
      List<Point> all = new ArrayList<>(prev.points().size() + m.points().size());
      all.addAll(prev.points());
      java.util.Set<Labels> seen = new java.util.HashSet<>();
      for (Point p : prev.points()) {
        seen.add(p.labels());
      }
      for (Point p : m.points()) {
        if (seen.add(p.labels())) {
          all.add(p);
        }
      }
      out.put(k, prev.withPoints(all));
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
