package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Origin;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.name.GoCatalog;
import dev.rosetta.model.name.GoNameRecognizer;
import dev.rosetta.model.name.MetricName;
import dev.rosetta.model.name.ParseResult;
import dev.rosetta.model.name.Recognition;
import dev.rosetta.model.view.BatchValues;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.telemetry.ViewStatistics;
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
 * The semantic views as a pipeline stage: the raw metrics of each scope go through {@link
 * ViewSet#applyAll} together (so that a name of another Go instrumentation recognised as a path can
 * take the other part of a MemStats composite from the same scope); a {@code drop} view removes the
 * metric; a metric no view matches passes through under its raw name (the standard OTLP→Prometheus
 * naming then applies) or is dropped, as {@code views.unmatched} says. Every outcome is counted by
 * points.
 *
 * <p>A mapped metric records its {@link Origin}: the name it was received under and the view that
 * mapped it; its points keep the attributes they were received with. Raw metrics that land in the
 * same family (same name, type and unit) within a scope stay separate metrics, each with its origin,
 * so that the store can tell their sources apart. Where two of them give the same series:
 *
 * <ul>
 *   <li>when both stand for the same Go runtime quantity — a path, a name of another Go
 *       instrumentation recognised as that path, or a path Go documents as identical ({@link
 *       GoCatalog#identity}) — one point is kept, a series having one value per batch: the one of
 *       lower rank (the path, then client_golang's runtime/metrics name, then other recognised
 *       names, see {@link dev.rosetta.model.name.Recognition.Source#rank()}), else the first; the
 *       others are counted {@code duplicate};
 *   <li>a point that repeats, exactly, the point another raw metric gave is left out and counted
 *       {@code duplicate} too;
 *   <li>otherwise both are kept: they are two sources on one series, and the store refuses the
 *       second or aggregates them, as configured.
 * </ul>
 *
 * <p>A metric named by a Go runtime path is first normalized ({@link GoHistograms#normalize}): its
 * unit is the one the path states, and a histogram without a sum gets one: exact for the size
 * histograms when the same resource's batch has their totals, the midpoint estimate otherwise; so a
 * Go snapshot maps the same whether it came natively or over OTLP. A histogram under client_golang's
 * name for a path gets its sum the same way, and a total under another instrumentation's name for
 * the path counts as the path's.
 *
 * <p>Sibling MBean attributes for JVM views come from the point's {@code __attr_<attribute>} labels
 * (a Jolokia body brings them); the values a view derives from come from the raw metrics of the
 * same resource in the same batch, a recognised name's as its path's. An overlay set ({@link
 * ViewSet#overlay()}) maps the scope's metrics a second time, recognised names as their paths:
 * what it makes joins the output, beside what the main views made, with the same precedence where
 * two raw metrics land on one series. Thread-safe; the view set memoizes decisions per name.
 */
public final class ViewsStage implements MetricStage {
  private static final Logger LOG = Logger.getLogger(ViewsStage.class.getName());

  /** What happens to a metric no view matches. */
  public enum Unmatched { PASSTHROUGH, DROP }

  /** Receives point counts per outcome. */
  @FunctionalInterface
  public interface Counter {
    /**
     * {@code outcome}: mapped, dropped, invalid, unmatched_passthrough, unmatched_dropped, duplicate
     * (a point another raw metric gave the same series in the batch), omitted (a value the view
     * declares undefined), overlay (points an overlay set made in addition).
     */
    void count(String outcome, long points);
  }

  private final ViewSet views;
  private final Unmatched unmatched;
  private final Counter counter;
  private final ViewStatistics statistics;
  private final java.util.Set<String> logged = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public ViewsStage(ViewSet views, Unmatched unmatched, Counter counter) {
    this(views, unmatched, counter, new ViewStatistics());
  }

  /** @param statistics receives the points each view matched and the names no view matched */
  public ViewsStage(ViewSet views, Unmatched unmatched, Counter counter, ViewStatistics statistics) {
    this.views = Objects.requireNonNull(views, "views");
    this.unmatched = Objects.requireNonNull(unmatched, "unmatched");
    this.counter = Objects.requireNonNull(counter, "counter");
    this.statistics = Objects.requireNonNull(statistics, "statistics");
  }

  public ViewSet views() {
    return views;
  }

  /** What happens to a metric no view matches. */
  public Unmatched unmatched() {
    return unmatched;
  }

  @Override
  public MetricBatch process(MetricBatch batch) {
    return process(batch, new StageRefusals());
  }

  /**
   * Maps the batch; the points of a view that cannot map its input (its output does not fit the
   * input's type, a value it cannot derive) are recorded in {@code refusals} under {@value
   * #REFUSAL_REASON}, and counted {@code invalid}.
   */
  @Override
  public MetricBatch process(MetricBatch batch, StageRefusals refusals) {
    Map<String, Long> unmatchedNames = new HashMap<>();
    long mapped = 0;
    long dropped = 0;
    long invalid = 0;
    long passed = 0;
    long unmatchedDropped = 0;
    long duplicates = 0;
    long omitted = 0;
    long overlaid = 0;
    ViewSet overlay = views.overlay().orElse(null);
    List<ResourceMetrics> resources = new ArrayList<>(batch.resources().size());
    for (ResourceMetrics rm : batch.resources()) {
      Map<String, Map<Labels, Double>> exactSums = GoHistograms.exactSums(rm);
      ResourceValues values = new ResourceValues(rm);
      List<ScopeMetrics> scopes = new ArrayList<>(rm.scopes().size());
      for (ScopeMetrics sm : rm.scopes()) {
        Map<FamilyKey, Family> out = new LinkedHashMap<>();
        List<Metric> normalized = new ArrayList<>(sm.metrics().size());
        for (Metric raw : sm.metrics()) {
          normalized.add(GoHistograms.normalize(raw, exactSums));
        }
        List<ViewResult> results = views.applyAll(normalized, ViewsStage::siblings, values);
        for (int i = 0; i < normalized.size(); i++) {
          Metric m = normalized.get(i);
          ViewResult r = results.get(i);
          int n = m.points().size();
          omitted += r.omittedPoints();
          switch (r.status()) {
            case MAPPED -> {
              String quantity = r.decision().quantity().orElse(null);
              Metric sem = r.metric().orElseThrow(); // with its origin: the name received, then the view
              int lost = merge(out, sem, rank(r), quantity);
              mapped += sem.points().size() - lost;
              duplicates += lost;
              statistics.hit(r.decision().viewId().orElse("?"), n);
              if (r.droppedPoints() > 0) {
                invalid += r.droppedPoints();
                refusals.refuse(REFUSAL_REASON, r.droppedPoints(), describe(r));
                logOnce(r);
              }
            }
            case DROPPED -> {
              dropped += n;
              statistics.hit(r.decision().viewId().orElse("?"), n);
            }
            case OMITTED -> {
              // counted through omittedPoints above
            }
            case INVALID -> {
              invalid += n;
              refusals.refuse(REFUSAL_REASON, n, describe(r));
              logOnce(r);
            }
            case UNMATCHED -> {
              unmatchedNames.merge(m.name(), (long) n, Long::sum);
              if (unmatched == Unmatched.PASSTHROUGH) {
                String quantity = quantity(m);
                Metric through = quantity == null || quantity.equals(m.receivedName())
                    ? m
                    : m.withOrigin(m.origin().withQuantity(quantity));
                int lost = merge(out, through, 0, quantity);
                passed += n - lost;
                duplicates += lost;
              } else {
                unmatchedDropped += n;
              }
            }
          }
        }
        if (overlay != null) {
          // The same metrics a second time. Every raw point already has its outcome above, so what
          // the overlay makes is counted as overlay only when it is kept; where two raw metrics
          // land on one overlay series, the same precedence as above keeps one and nothing more is
          // counted (a duplicate there is the duplicate above once more).
          List<ViewResult> extra = overlay.applyAll(normalized, ViewsStage::siblings, values);
          for (int i = 0; i < extra.size(); i++) {
            ViewResult o = extra.get(i);
            if (o.status() == ViewResult.Status.MAPPED) {
              Metric m = normalized.get(i);
              String quantity = o.decision().quantity().orElse(null);
              Metric sem = o.metric().orElseThrow(); // with its origin: the name received, then the view
              overlaid += sem.points().size() - merge(out, sem, rank(o), quantity);
            } else if (o.status() == ViewResult.Status.INVALID) {
              logOnce(o);
            }
          }
        }
        if (!out.isEmpty()) {
          List<Metric> metrics = new ArrayList<>(out.size());
          out.values().forEach(f -> f.addTo(metrics));
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
    count("omitted", omitted);
    count("overlay", overlaid);
    statistics.unmatched(unmatchedNames);
    return new MetricBatch(resources);
  }

  /** The precedence of a result's metric among those that land on one series: the path ranks 0. */
  private static int rank(ViewResult r) {
    return r.decision().recognition().map(x -> x.source().rank()).orElse(0);
  }

  /**
   * The Go runtime quantity a metric no view mapped stands for: its own name when that is a path, as
   * the path Go documents it identical to; null for any other metric. (A mapped metric's is its
   * decision's {@link ViewDecision#quantity()}, which counts a recognised name too.)
   */
  private static String quantity(Metric raw) {
    String name = raw.name();
    return !name.isEmpty() && name.charAt(0) == '/' ? GoCatalog.identity(name) : null;
  }

  /**
   * The number values of one resource's raw metrics, by canonical raw name, for views that derive
   * their value; built on the first lookup, so batches without such views pay nothing. A name of
   * another Go instrumentation recognised as a runtime/metrics path ({@link GoNameRecognizer}) also
   * gives the path's value (a MemStats composite less its other part of the same scope), below the
   * path's own raw value and in the order of {@link Recognition.Source#rank()}.
   */
  private static final class ResourceValues implements BatchValues {
    private final ResourceMetrics resource;
    private Map<String, List<NumberPoint>> byName;
    private Map<String, List<RankedValue>> byPath;

    ResourceValues(ResourceMetrics resource) {
      this.resource = resource;
    }

    @Override
    public OptionalDouble value(String canonicalName, Labels labels) {
      if (byName == null) {
        index();
      }
      List<NumberPoint> points = byName.get(canonicalName);
      if (points != null) {
        for (NumberPoint p : points) {
          if (p.labels().equals(labels)) {
            return OptionalDouble.of(p.value());
          }
        }
        // one point under other labels (a single-attribute read carries no sibling labels): the same series
        if (points.size() == 1) {
          return OptionalDouble.of(points.get(0).value());
        }
      }
      List<RankedValue> recognized = byPath.get(canonicalName);
      if (recognized == null) {
        return OptionalDouble.empty();
      }
      RankedValue best = null;
      for (RankedValue v : recognized) {
        if (v.labels().equals(labels) && (best == null || v.rank() < best.rank())) {
          best = v;
        }
      }
      if (best == null && recognized.size() == 1) {
        best = recognized.get(0);
      }
      return best == null ? OptionalDouble.empty() : OptionalDouble.of(best.value());
    }

    private void index() {
      byName = new HashMap<>();
      byPath = new HashMap<>();
      for (ScopeMetrics sm : resource.scopes()) {
        for (Metric m : sm.metrics()) {
          ParseResult<MetricName> parsed = MetricName.parse(m.name());
          if (parsed.isOk()) {
            for (Point p : m.points()) {
              if (p instanceof NumberPoint np) {
                byName.computeIfAbsent(ViewSet.canonical(parsed.value()), k -> new ArrayList<>(1)).add(np);
              }
            }
          }
          if (m.name().startsWith("/") || m.type() == MetricType.HISTOGRAM || m.type() == MetricType.SUMMARY) {
            continue;
          }
          Optional<Recognition> r = GoNameRecognizer.recognize(m.name(), m.unit(), m.type() == MetricType.COUNTER);
          if (r.isEmpty()) {
            continue;
          }
          Map<Labels, Double> other = r.get().minus().map(name -> numbers(sm, name)).orElse(null);
          int rank = r.get().source().rank();
          for (Point p : m.points()) {
            if (!(p instanceof NumberPoint np)) {
              continue;
            }
            double v = np.value();
            if (other != null) {
              Double minus = other.get(np.labels());
              if (minus == null) {
                continue;
              }
              v -= minus;
            }
            byPath.computeIfAbsent(r.get().path().text(), k -> new ArrayList<>(1))
                .add(new RankedValue(np.labels(), v, rank));
          }
        }
      }
    }

    /** The number points of a scope's metric by labels; empty when the scope has no such metric. */
    private static Map<Labels, Double> numbers(ScopeMetrics sm, String name) {
      for (Metric m : sm.metrics()) {
        if (m.name().equals(name) && m.type() != MetricType.HISTOGRAM && m.type() != MetricType.SUMMARY) {
          Map<Labels, Double> values = new HashMap<>();
          for (Point p : m.points()) {
            if (p instanceof NumberPoint np) {
              values.putIfAbsent(np.labels(), np.value());
            }
          }
          return values;
        }
      }
      return Map.of();
    }
  }

  /** A value a recognised name gives its path, with the name's precedence (lower wins). */
  private record RankedValue(Labels labels, double value, int rank) {}

  private void count(String outcome, long n) {
    if (n > 0) {
      counter.count(outcome, n);
    }
  }

  /** The reason label of points a view cannot map, in the refusal counts and {@code partial_success}. */
  public static final String REFUSAL_REASON = "view_invalid";

  private static String describe(ViewResult r) {
    return "view " + r.decision().viewId().orElse("?") + " could not map " + r.decision().input() + ": "
        + r.problem().orElse("invalid output");
  }

  private void logOnce(ViewResult r) {
    String id = r.decision().viewId().orElse("?");
    if (logged.size() < 1000 && logged.add(id + "\u0000" + r.problem().orElse(""))) {
      LOG.warning(describe(r) + " (its points are refused: partial_success, rosetta_receiver_refused_points_total"
          + "{reason=\"" + REFUSAL_REASON + "\"} and rosetta_views_points_total{outcome=\"invalid\"}; logged once)");
    }
  }

  private record FamilyKey(String name, MetricType type, String unit) {}

  /** A raw metric's contribution to a family: the mapped metric, its precedence and its Go quantity. */
  private static final class Member {
    final Metric metric;
    final int rank;
    /** See {@link #quantity}; null when the metric stands for no Go runtime quantity. */
    final String quantity;
    List<Point> kept;

    Member(Metric metric, int rank, String quantity) {
      this.metric = metric;
      this.rank = rank;
      this.quantity = quantity;
    }

    /** Whether this and {@code other} are the same Go runtime quantity under two names. */
    boolean sameQuantity(Member other) {
      return quantity != null && quantity.equals(other.quantity);
    }
  }

  /** A point kept for a series, the member it belongs to, and the next point kept for the same series. */
  private static final class Slot {
    Point point;
    Member member;
    int next = -1;

    Slot(Point point, Member member) {
      this.point = point;
      this.member = member;
    }
  }

  /**
   * One output family of a scope: the raw metrics that map to it and the points kept. Most have one
   * member: the slots and their index are made when a second one comes.
   */
  private static final class Family {
    private final List<Member> members = new ArrayList<>(1);
    private List<Slot> slots;
    /** The first slot of each series. */
    private Map<Labels, Integer> bySeries;
    /** Whether a duplicate was left out or replaced: the members' metrics are then rebuilt. */
    private boolean changed;

    /** One metric per member with points kept, each with its own origin; a member's own instance when it kept all. */
    void addTo(List<Metric> out) {
      if (!changed) {
        members.forEach(m -> out.add(m.metric));
        return;
      }
      for (Slot s : slots) {
        if (s.member.kept == null) {
          s.member.kept = new ArrayList<>();
        }
        s.member.kept.add(s.point);
      }
      for (Member m : members) {
        if (m.kept != null) {
          out.add(m.kept.equals(m.metric.points()) ? m.metric : m.metric.withPoints(m.kept));
        }
      }
    }
  }

  /**
   * Adds a metric to its family and returns how many of its points were duplicates: points of a
   * series another raw metric of the same Go runtime quantity gave too (one kept, by rank, see the
   * class comment), or exact repeats of another raw metric's point. Points of one metric are all
   * kept (a delta metric may carry several points of one series), and so are points of a series
   * another, unrelated raw metric gave too (for the store to refuse or aggregate).
   */
  private static int merge(Map<FamilyKey, Family> out, Metric m, int rank, String quantity) {
    Family f = out.computeIfAbsent(new FamilyKey(m.name(), m.type(), m.unit()), k -> new Family());
    Member me = new Member(m, rank, quantity);
    f.members.add(me);
    if (f.members.size() == 1) {
      return 0; // nothing to compare with yet: its points are indexed when a second member comes
    }
    if (f.members.size() == 2) {
      f.slots = new ArrayList<>();
      f.bySeries = new HashMap<>();
      Member first = f.members.get(0);
      for (Point p : first.metric.points()) {
        place(f, first, p);
      }
    }
    int duplicates = 0;
    for (Point p : m.points()) {
      if (place(f, me, p)) {
        duplicates++;
      }
    }
    return duplicates;
  }

  /** Puts one point of a member in its series' chain; true when it is a duplicate (left out or replacing). */
  private static boolean place(Family f, Member me, Point p) {
    Integer head = f.bySeries.get(p.labels());
    if (head == null) {
      f.bySeries.put(p.labels(), f.slots.size());
      f.slots.add(new Slot(p, me));
      return false;
    }
    Slot last = null;
    for (int i = head; i >= 0; i = last.next) {
      last = f.slots.get(i);
      if (last.member == me) {
        continue;
      }
      if (last.member.sameQuantity(me)) {
        if (me.rank < last.member.rank) {
          last.point = p;
          last.member = me;
        }
        f.changed = true;
        return true;
      }
      if (last.point.equals(p)) {
        f.changed = true;
        return true;
      }
    }
    last.next = f.slots.size();
    f.slots.add(new Slot(p, me));
    return false;
  }

  /** Sibling attributes from the {@code __attr_*} labels of the metric's first point. */
  private static SiblingAttributes siblings(Metric m) {
    if (m.points().isEmpty()) {
      return SiblingAttributes.none();
    }
    return SiblingAttributes.fromLabels(m.points().get(0).labels());
  }
}
