package dev.rosetta.receiver.store;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.receiver.aggregate.AggregateOp;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.aggregate.AggregationRules.Aggregation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The latest state of every series, as a Prometheus scrape shows it, with the source each series
 * came from.
 *
 * <p>Series are keyed by their Prometheus identity: family name (the standard OTLP→Prometheus
 * translation) and label set ({@code job}, {@code instance}, scope labels and the sanitized point
 * attributes). Cumulative points replace the stored state (older ones are ignored); delta points
 * accumulate into a cumulative state. A series not updated for {@code expiration} is removed by
 * {@link #expire()}.
 *
 * <p><b>Sources.</b> Each series is held by one source ({@link Sources}: resource, received name,
 * received attributes). When another source lands on a series its holder updated within the
 * expiration, that source's points are refused ({@link Refusal#COLLISION}), counted, and logged
 * once per family with both sources and the steps that made their identity. A holder that has
 * stopped — silent for more than twice its own update interval, or for the expiration when it
 * updated only once — hands the series over to the next source (a restarted sender that is not
 * identified by {@code service.instance.id}); the handover is counted and logged once per family.
 *
 * <p><b>Replacing sources.</b> A batch of a {@link ReplacingSource} (a scrape target) replaces the
 * one it gave before: the series and contributions it wrote then and does not write now leave at
 * once, unless they passed to another source since, and {@link #forgetSource} takes everything it
 * wrote with it. Its identity is part of its points' source, so a series held by one target is a
 * collision for any other.
 *
 * <p><b>Aggregation.</b> A family an {@code aggregate:} rule names keeps one contribution per
 * source under each aggregate series (the labels the rule keeps); each contribution has its own
 * state and expires on its own, and the series shows the rule's operation over the live
 * contributions, recomputed whenever one changes.
 *
 * <p><b>Two phases.</b> {@link #prepare} decides everything about a batch — series, holders,
 * refusals, aggregate values — and claims new series, without changing what a scrape shows;
 * {@link Ingest#forwardBatch()} is then what may leave the service; {@link #commit} applies the
 * points, {@link Ingest#close()} without a commit abandons the batch (claims stay, invisible, and
 * expire). The aggregate series a batch touches stay locked from prepare to commit, so that the
 * aggregate forwarded is the aggregate stored.
 *
 * <p><b>Budget.</b> Limits on the number of series, in total (plain series, aggregate series and
 * contributions alike) and per family, refuse new series beyond them; a family whose Prometheus type
 * differs from an existing one of the same name is refused too.
 *
 * <p>Thread-safe: {@link #prepare} and {@link #commit} run on many threads at once, concurrently
 * with scrapes (which read each series under its monitor), {@link #expire()} (one thread) and
 * reloads ({@link #setLimits}, {@link #setAggregation}). Locks: a plain series' monitor is held
 * briefly and never while taking another lock; aggregate series' {@link ReentrantLock}s are taken
 * in ascending id order, then their monitors.
 */
public final class SeriesStore implements StoreView {
  private static final Logger LOG = Logger.getLogger(SeriesStore.class.getName());
  private static final int MEMO_LIMIT = 50_000;
  private static final int LOGGED_LIMIT = 10_000;
  /** A holder silent for less than this never hands its series over. */
  static final long MIN_HANDOVER_MILLIS = 1000;

  /** Store settings; a limit of 0 means unlimited. */
  public record Settings(
      Duration expiration,
      boolean addMetricSuffixes,
      boolean resourceToTelemetry,
      int maxSeries,
      int maxSeriesPerFamily) {
    public Settings {
      Objects.requireNonNull(expiration, "expiration");
    }

    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(5), true, false, 0, 0);
    }
  }

  /**
   * Outcome of applying a batch: points stored and refused, the first reason and the count per
   * reason (in {@link Refusal} order).
   */
  public record ApplyResult(int stored, int refused, String reason, Map<String, Integer> refusedByReason) {
    public ApplyResult {
      refusedByReason = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(refusedByReason));
    }

    /** {@code 3 points not stored (collision: 2, series_limit: 1)}, or "" when none was refused. */
    public String message() {
      if (refused == 0) {
        return "";
      }
      StringBuilder sb = new StringBuilder().append(refused).append(" points not stored (");
      String sep = "";
      for (var e : refusedByReason.entrySet()) {
        sb.append(sep).append(e.getKey()).append(": ").append(e.getValue());
        sep = ", ";
      }
      return sb.append(')').toString();
    }
  }

  /** Why a point was not stored; the label value of {@code rosetta_store_refused_points_total}. */
  public enum Refusal {
    TYPE_CONFLICT("type_conflict"),
    INVALID_NAME("invalid_name"),
    RESERVED_NAME("reserved_name"),
    SERIES_LIMIT("series_limit"),
    FAMILY_SERIES_LIMIT("family_series_limit"),
    COLLISION("collision"),
    /** The family's aggregation changed (a reload) while the batch was in flight. */
    FAMILY_CHANGED("family_changed");

    final String label;

    Refusal(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Returned by the claim methods when the family went away under them: resolve it again. */
  private static final Object RETRY = new Object();

  private final Settings settings;
  /** The series limits in force: {maxSeries, maxSeriesPerFamily}; replaced whole on reload. */
  private volatile int[] limits;
  private volatile AggregationRules aggregation = AggregationRules.none();
  private final LongSupplier clockMillis;
  private final Predicate<String> reservedName;
  private final ConcurrentHashMap<String, Family> families = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Labels, Target> targets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<NameKey, String> familyNames = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> labelNames = new ConcurrentHashMap<>();
  /**
   * Per resource id: where its points went in its last batch ({@link Shape}). Their slots together
   * stay within twice the series budget (a million without one); a shape not renewed within the
   * expiration goes with the expiry sweep, so that it holds no expired series.
   */
  private final ConcurrentHashMap<Long, Shape> shapes = new ConcurrentHashMap<>();
  private final AtomicLong shapeSlots = new AtomicLong();
  private static final long SHAPE_SLOTS_UNLIMITED = 1_000_000;
  /** Label values of series keys, one instance each (see {@link ValueInterner}). */
  private final ValueInterner labelValues = new ValueInterner(2 * MEMO_LIMIT);
  private final AtomicInteger seriesCount = new AtomicInteger();
  private final AtomicLong aggregateIds = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final AtomicLong outOfOrder = new AtomicLong();
  private final AtomicLong handovers = new AtomicLong();
  private final AtomicLong contributedPoints = new AtomicLong();
  private final AtomicLong aggregatePoints = new AtomicLong();
  private final AtomicLong[] refusals = new AtomicLong[Refusal.values().length];
  private final Map<String, Boolean> logged = new ConcurrentHashMap<>();
  /** What each replacing source wrote in its last committed batch. */
  private final ConcurrentHashMap<ReplacingSource, java.util.Set<Written>> replacing = new ConcurrentHashMap<>();
  private final AtomicLong stale = new AtomicLong();
  /** The description of the latest family's first collision ("" before any). */
  private volatile String lastCollision = "";

  public SeriesStore(Settings settings, LongSupplier clockMillis, Predicate<String> reservedName) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    this.reservedName = Objects.requireNonNull(reservedName, "reservedName");
    this.limits = new int[] {settings.maxSeries(), settings.maxSeriesPerFamily()};
    for (int i = 0; i < refusals.length; i++) {
      refusals[i] = new AtomicLong();
    }
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Replaces the series limits (0 = unlimited), as a configuration reload does. Series beyond new,
   * lower limits stay until they expire; only new series are refused. The once-per-family log line
   * may appear again.
   */
  public void setLimits(int maxSeries, int maxSeriesPerFamily) {
    this.limits = new int[] {maxSeries, maxSeriesPerFamily};
    logged.keySet().removeIf(k -> k.startsWith("limit\u0000"));
  }

  /** The total series budget in force (0 = unlimited). */
  public int maxSeries() {
    return limits[0];
  }

  /**
   * Puts {@code aggregate:} rules in force, as a configuration reload does. A family whose
   * aggregation changes starts afresh: its series go, and the next points build it anew.
   */
  public void setAggregation(AggregationRules rules) {
    Objects.requireNonNull(rules, "rules");
    this.aggregation = rules;
    for (Family f : families.values()) {
      if (!sameRule(f.aggregation, decideAggregation(f.name, f.type, false))) {
        LOG.info("family " + f.name + ": aggregation changed from " + describe(f.aggregation) + " to "
            + describe(decideAggregation(f.name, f.type, false)) + "; the family starts afresh");
        retire(f);
      }
    }
  }

  public AggregationRules aggregation() {
    return aggregation;
  }

  private static String describe(Aggregation a) {
    return a == null ? "none" : a.toString();
  }

  private static boolean sameRule(Aggregation a, Aggregation b) {
    if (a == null || b == null) {
      return a == b;
    }
    AggregateRule x = a.rule();
    AggregateRule y = b.rule();
    return x.family().equals(y.family()) && x.familyRegex().equals(y.familyRegex()) && x.without() == y.without()
        && x.labels().equals(y.labels()) && x.op() == y.op();
  }

  // ---- ingest ------------------------------------------------------------------------------

  /** Prepares and commits a batch (nothing forwarded in between). Never throws for data reasons. */
  public ApplyResult apply(MetricBatch batch) {
    return apply(batch, null);
  }

  /**
   * Prepares and commits the batch of a replacing source (see {@link #prepare(MetricBatch,
   * ReplacingSource)}).
   */
  public ApplyResult apply(MetricBatch batch, ReplacingSource source) {
    try (Ingest in = prepare(batch, source)) {
      return commit(in);
    }
  }

  /** {@link #prepare(MetricBatch, ReplacingSource)} of an ordinary batch. */
  public Ingest prepare(MetricBatch batch) {
    return prepare(batch, null);
  }

  /**
   * First phase: resolves every point of the batch to its series (or contribution), claims new
   * series for their sources, decides refusals and computes the aggregate values the batch gives.
   * Nothing a scrape shows changes. The caller must {@link #commit} the result or {@link
   * Ingest#close() close} it (the aggregate series it touches stay locked until then).
   *
   * @param source the replacing source (a scrape target) whose previous batch this one replaces once
   *     committed, or null for an ordinary batch; batches of one source must not be in flight at once
   */
  public Ingest prepare(MetricBatch batch, ReplacingSource source) {
    Ingest in = new Ingest(batch, clockMillis.getAsLong(), source);
    resolve(in);
    if (in.aggregates != null) {
      try {
        contribute(in);
      } catch (RuntimeException | Error e) {
        in.close();
        throw e;
      }
    }
    in.forward = forwardBatch(in);
    return in;
  }

  /**
   * Second phase: applies the prepared points and releases the batch. Points refused in the first
   * phase are counted here; a series that expired in between is claimed again (a source that
   * collides then is refused here). For a replacing source, what its previous batch wrote and this one
   * does not leaves the store.
   */
  public ApplyResult commit(Ingest in) {
    if (in.finished) {
      throw new IllegalStateException("batch already committed or closed");
    }
    ApplyResult result = commitPoints(in);
    if (in.written != null) {
      java.util.Set<Written> previous = replacing.put(in.source, in.written);
      if (previous != null) {
        int gone = 0;
        for (Written w : previous) {
          if (!in.written.contains(w)) {
            gone += removeStale(w);
          }
        }
        countStale(gone);
      }
    }
    return result;
  }

  /**
   * Removes every series and contribution {@code source} wrote in its last batch (a target that is
   * gone), except what passed to another source since; returns how many went.
   */
  public int forgetSource(ReplacingSource source) {
    java.util.Set<Written> previous = replacing.remove(source);
    if (previous == null) {
      return 0;
    }
    int gone = 0;
    for (Written w : previous) {
      gone += removeStale(w);
    }
    countStale(gone);
    return gone;
  }

  /** Series and contributions removed because their replacing source stopped writing them or went away. */
  public long staleSeries() {
    return stale.get();
  }

  private void countStale(int gone) {
    if (gone > 0) {
      seriesCount.addAndGet(-gone);
      stale.addAndGet(gone);
    }
  }

  /**
   * What a replacing source wrote: a plain series ({@code held} the {@link Series}, {@code owner} the
   * source identity that wrote it) or a contribution ({@code held} the {@link Contribution}, {@code
   * key} its key) under the aggregate series {@code labels} of {@code family}. Equal when the same
   * objects were written under the same identity.
   */
  private record Written(Family family, Labels labels, Object held, long owner, Sources.Key key) {}

  /**
   * Removes what a replacing source wrote when nothing replaced it since: the series still exists
   * and is still held by that identity (a handover gives it to another source), the contribution is
   * still the one under its key. Returns the budget units freed. Takes no lock the caller holds.
   */
  private int removeStale(Written w) {
    Family f = w.family();
    if (w.held() instanceof Contribution c) {
      AggSeries a = c.agg;
      a.lock.lock();
      try {
        if (a.removed || a.contributions.get(w.key()) != c) {
          return 0;
        }
        a.contributions.remove(w.key());
        int gone = 1;
        if (a.contributions.isEmpty()) {
          synchronized (a) {
            a.removed = true;
          }
          f.series.remove(w.labels(), a);
          gone++;
        } else {
          State r = combine(new ArrayList<>(a.contributions.values().stream().filter(x -> x.initialized).toList()), f);
          synchronized (a) {
            a.copyFrom(r);
          }
        }
        return gone + retireIfEmpty(f);
      } finally {
        a.lock.unlock();
      }
    }
    Series s = (Series) w.held();
    synchronized (s) {
      if (s.removed || s.owner != w.owner()) {
        return 0;
      }
      s.removed = true;
    }
    f.series.remove(w.labels(), s);
    return 1 + retireIfEmpty(f);
  }

  /**
   * Takes an empty family out of the store, as {@link #expire()} does; returns the budget units of
   * the series that entered it meanwhile (retired with it: their batches resolve the family again).
   */
  private int retireIfEmpty(Family f) {
    if (!f.series.isEmpty()) {
      return 0;
    }
    f.removed = true;
    families.remove(f.name, f);
    int removed = 0;
    for (Series straggler : f.series.values()) {
      removed += retire(straggler);
    }
    return removed;
  }

  private ApplyResult commitPoints(Ingest in) {
    try {
      int stored = applyPlain(in);
      if (in.aggregates != null) {
        for (AggWork w : in.aggregates.values()) {
          for (var e : w.temps.entrySet()) {
            Contribution c = e.getKey();
            c.copyFrom(e.getValue());
            c.lastSeenMillis = in.now;
          }
          stored += w.points;
          contributedPoints.addAndGet(w.points);
          if (w.emitted) {
            aggregatePoints.incrementAndGet();
          }
          w.agg.lastSeenMillis = in.now;
          synchronized (w.agg) {
            w.agg.copyFrom(w.result);
          }
        }
      }
      updateTargets(in);
      int refused = 0;
      Refusal first = null;
      Map<String, Integer> byReason = new LinkedHashMap<>();
      for (Refusal r : Refusal.values()) {
        int n = in.refused[r.ordinal()];
        if (n > 0) {
          refusals[r.ordinal()].addAndGet(n);
          refused += n;
          byReason.put(r.label, n);
          first = first == null ? r : first;
        }
      }
      if (first != null && in.firstRefusal != null) {
        first = in.firstRefusal;
      }
      return new ApplyResult(stored, refused, first == null ? "" : first.label, byReason);
    } finally {
      in.close();
    }
  }

  /** A prepared batch; see {@link #prepare}. Used by one thread. */
  public static final class Ingest implements AutoCloseable {
    final MetricBatch batch;
    final long now;
    /** Per point in batch order: its Series, AggSeries (before contribution) or Contribution; null if refused. */
    final Object[] resolved;
    /** Per metric in batch order: its family; null when the whole metric was refused. */
    final Family[] families;
    /** Per scope in batch order: the labels the resource and the scope give every series. */
    final Labels[] scoped;
    /** Per resource in batch order: {job, instance} and the target_info attributes. */
    final Labels[] jobInstance;
    final Labels[] targetInfo;
    final long[] resourceIds;
    final int[] refused = new int[Refusal.values().length];
    Refusal firstRefusal;
    /** Aggregate series the batch contributes to, with what it gives them. */
    IdentityHashMap<AggSeries, AggWork> aggregates;
    final List<AggSeries> locked = new ArrayList<>();
    MetricBatch forward;
    boolean finished;
    /** Set by a claim that found another holder: the series, for the message. */
    Series collided;
    /** The replacing source whose batch this is, or null. */
    final ReplacingSource source;
    /** For a replacing source: per point in batch order, the labels of its series; else null. */
    final Labels[] labels;
    /** For a replacing source: what the batch writes (complete after commit); else null. */
    final java.util.Set<Written> written;

    Ingest(MetricBatch batch, long now, ReplacingSource source) {
      this.batch = batch;
      this.now = now;
      this.source = source;
      int points = 0;
      int metrics = 0;
      int scopes = 0;
      for (ResourceMetrics rm : batch.resources()) {
        for (ScopeMetrics sm : rm.scopes()) {
          scopes++;
          metrics += sm.metrics().size();
          for (Metric m : sm.metrics()) {
            points += m.points().size();
          }
        }
      }
      this.resolved = new Object[points];
      this.labels = source == null ? null : new Labels[points];
      this.written = source == null ? null : new java.util.HashSet<>();
      this.families = new Family[metrics];
      this.scoped = new Labels[scopes];
      int resources = batch.resources().size();
      this.jobInstance = new Labels[resources];
      this.targetInfo = new Labels[resources];
      this.resourceIds = new long[resources];
    }

    /**
     * What may leave the service: the batch without refused points, aggregated families as their
     * aggregate points. The very batch prepared when nothing was refused or aggregated.
     */
    public MetricBatch forwardBatch() {
      return forward;
    }

    /** Points refused so far (before commit). */
    public int refusedPoints() {
      int n = 0;
      for (int r : refused) {
        n += r;
      }
      return n;
    }

    void refuse(Refusal r, int points) {
      if (points > 0) {
        refused[r.ordinal()] += points;
        if (firstRefusal == null) {
          firstRefusal = r;
        }
      }
    }

    /** Releases the aggregate series; without a commit the batch is abandoned. Idempotent. */
    @Override
    public void close() {
      if (finished) {
        return;
      }
      finished = true;
      for (int i = locked.size() - 1; i >= 0; i--) {
        locked.get(i).lock.unlock();
      }
      locked.clear();
    }
  }

  /** What one batch gives one aggregate series. */
  static final class AggWork {
    final AggSeries agg;
    /** Where the first contributing point sits, to emit the aggregate point there. */
    final int metricIndex;
    final Labels attributes;
    final IdentityHashMap<Contribution, State> temps = new IdentityHashMap<>();
    int points;
    State result;
    boolean emitted;

    AggWork(AggSeries agg, int metricIndex, Labels attributes) {
      this.agg = agg;
      this.metricIndex = metricIndex;
      this.attributes = attributes;
    }
  }

  /** Mutable per-batch state of the claim methods. */
  private static final class Claimant {
    Labels resource;
    ReplacingSource replacing;
    Metric metric;
    long source;
    Sources.Owner owner;

    Sources.Owner owner() {
      if (owner == null) {
        owner = new Sources.Owner(resource, metric.receivedName(), metric.origin(), replacing);
      }
      return owner;
    }
  }

  /** Phase A: families, series labels, plain series claimed, aggregate series found. */
  private void resolve(Ingest in) {
    Claimant claimant = new Claimant();
    int pi = 0;
    int mi = 0;
    int si = 0;
    int ri = 0;
    for (ResourceMetrics rm : in.batch.resources()) {
      Labels base = resourceLabels(rm.resource(), in, ri);
      long resourceId = Sources.resource(rm.resource(), in.source);
      in.resourceIds[ri] = resourceId;
      Shape before = shapes.get(resourceId);
      int count = pointCount(rm);
      int scopes = rm.scopes().size();
      // the same number of points and scopes as last time: the places are rewritten where they are
      Shape shape = before != null && before.series.length == count && before.scoped.length == scopes
          ? before.renewed(in.now) : new Shape(count, scopes, before, in.now);
      int k = 0;
      int j = 0;
      claimant.resource = rm.resource();
      claimant.replacing = in.source;
      for (ScopeMetrics sm : rm.scopes()) {
        Labels scoped = shape.keepScoped(j++, TargetLabels.withScope(base, sm.scope()));
        in.scoped[si++] = scoped;
        for (Metric m : sm.metrics()) {
          int n = m.points().size();
          Object f = family(m);
          if (f instanceof Refusal r) {
            in.refuse(r, n);
            pi += n;
            k += n;
            mi++;
            continue;
          }
          Family family = (Family) f;
          long metricSource = Sources.metric(resourceId, m.sourceName());
          claimant.metric = m;
          claimant.owner = null;
          List<Point> points = m.points();
          for (int q = 0; q < n; q++) { // by index: an iterator here is not optimized away, one per metric
            Point p = points.get(q);
            Object res;
            Labels labels;
            for (;;) {
              if (family.aggregation == null) {
                Labels attrs = p.labels();
                claimant.source = Sources.point(metricSource, p.receivedLabels());
                Series known = before == null ? null : before.series(k);
                if (known != null && known.family == family && known.sameInputs(attrs, scoped, claimant.source)) {
                  // its key was made of these very labels (or equal ones) for this very source: found
                  res = known;
                  labels = known.key;
                } else {
                  labels = seriesLabels(attrs, scoped, null);
                  res = claim(family, labels, attrs, scoped, claimant, in, known);
                }
                shape.place(k, res instanceof Series found && !(found instanceof AggSeries) ? found : null);
              } else {
                labels = seriesLabels(p.labels(), scoped, family.aggregation);
                res = aggregateSeries(family, labels, in.now);
              }
              if (res != RETRY) {
                break;
              }
              Object again = family(m);
              if (again instanceof Refusal r) {
                res = r;
                break;
              }
              family = (Family) again;
            }
            if (res instanceof Refusal r) {
              in.refuse(r, 1);
              if (r == Refusal.COLLISION) {
                logCollision(in, family, pi, p, claimant);
              }
            } else {
              in.resolved[pi] = res;
              if (in.labels != null) {
                in.labels[pi] = labels;
              }
              if (res instanceof AggSeries a) {
                if (in.aggregates == null) {
                  in.aggregates = new IdentityHashMap<>();
                }
                if (!in.aggregates.containsKey(a)) {
                  in.aggregates.put(a, null); // its work is made under its lock, in contribute()
                }
              }
            }
            pi++;
            k++;
          }
          in.families[mi++] = family;
        }
      }
      if (shape != before) {
        keepShape(resourceId, before, shape);
      }
      ri++;
    }
  }

  /** Keeps a resource's shape for its next batch, within the slot budget. */
  private void keepShape(long resourceId, Shape before, Shape shape) {
    int[] lim = limits;
    long budget = lim[0] > 0 ? 2L * lim[0] : SHAPE_SLOTS_UNLIMITED;
    int freed = before == null ? 0 : before.series.length;
    if (shapeSlots.get() - freed + shape.series.length > budget) {
      if (before != null && shapes.remove(resourceId, before)) {
        shapeSlots.addAndGet(-freed);
      }
      return;
    }
    Shape replaced = shapes.put(resourceId, shape);
    shapeSlots.addAndGet(shape.series.length - (replaced == null ? 0 : replaced.series.length));
  }

  private static int pointCount(ResourceMetrics rm) {
    int n = 0;
    for (ScopeMetrics sm : rm.scopes()) {
      for (Metric m : sm.metrics()) {
        n += m.points().size();
      }
    }
    return n;
  }

  /**
   * The plain series the points of one resource went to in its last batch, by position: a sender
   * sends the same series in the same order every time, so the series found there, when it is of
   * the same family and its key equals the point's labels (checked on use), spares a lookup in the
   * family's map. A batch with as many points and scopes as the last rewrites the places where they
   * are (a new shape for every batch would be old-generation garbage at the next collection); two
   * batches of one resource at once may mix their places, which the check on use makes harmless.
   *
   * <p>It also keeps, per scope, one instance of the labels the resource and the scope give every
   * series: each batch decodes its own, equal to the last one's, and a series whose key was made of
   * the kept instance is then found again by an identity check ({@link Series#sameInputs}). A place
   * or a kept instance is written only when it changes: a shape lives long, and a write into an old
   * object costs the collector a card to scan.
   */
  private static final class Shape {
    final Series[] series;
    /** Per scope, in batch order: the labels the resource and scope give, the instance series keep. */
    final Labels[] scoped;
    /** When a batch last wrote it. */
    volatile long millis;

    /** A new shape, with the scope labels of {@code before} (may be null) kept where they are. */
    Shape(int points, int scopes, Shape before, long millis) {
      series = new Series[points];
      scoped = new Labels[scopes];
      if (before != null) {
        System.arraycopy(before.scoped, 0, scoped, 0, Math.min(scopes, before.scoped.length));
      }
      this.millis = millis;
    }

    Shape renewed(long now) {
      if (millis != now) {
        millis = now;
      }
      return this;
    }

    Series series(int k) {
      return k < series.length ? series[k] : null;
    }

    /** Puts a point's series in its place (null: none), writing only when it changed. */
    void place(int k, Series s) {
      if (series[k] != s) {
        series[k] = s;
      }
    }

    /**
     * The labels scope {@code j} gives, as the instance kept for it when equal to {@code l}; else
     * {@code l}, kept from now on.
     */
    Labels keepScoped(int j, Labels l) {
      Labels kept = scoped[j];
      if (kept == l || (kept != null && kept.equals(l))) {
        return kept;
      }
      scoped[j] = l;
      return l;
    }
  }

  /**
   * The family of a metric, or why its points are refused. A new family is not in the store yet:
   * it enters with its first series ({@link #enter}), so that points refused by the budget leave
   * nothing behind.
   */
  private Object family(Metric m) {
    String name = familyName(m);
    if (name == null) {
      return Refusal.INVALID_NAME;
    }
    if (reservedName.test(name)) {
      return Refusal.RESERVED_NAME;
    }
    Family family = families.get(name);
    if (family == null) {
      family = new Family(name, m.type(), unitWord(name, m), m.description(), decideAggregation(name, m.type(), true));
    }
    if (family.type != m.type() && !compatible(family.type, m.type())) {
      return Refusal.TYPE_CONFLICT;
    }
    return family;
  }

  /** The rule that applies to a family, or null; a rule whose op does not fit the type does not apply. */
  private Aggregation decideAggregation(String name, MetricType type, boolean log) {
    Aggregation a = aggregation.match(name, type).orElse(null);
    if (a != null && !a.fits(type)) {
      if (log) {
        logOnce("fit\u0000" + name, Level.WARNING, a.rule().id() + " (" + a.rule().describe() + ") names family "
            + name + ", a " + type.word() + ", but " + a.op().word() + " fits " + a.op().fitsWhat()
            + " only: the family is not aggregated");
      }
      return null;
    }
    return a;
  }

  /** Gauges and up-down counters are both Prometheus gauges and may share a family. */
  private static boolean compatible(MetricType a, MetricType b) {
    return promGauge(a) && promGauge(b);
  }

  private static boolean promGauge(MetricType t) {
    return t == MetricType.GAUGE || t == MetricType.UP_DOWN_COUNTER;
  }

  /**
   * Puts a new family in the store, before its first series; false when another one of the name
   * got there first (resolve the family again).
   */
  private boolean enter(Family family) {
    if (family.removed) {
      return false; // it left the store: never bring it back
    }
    Family prev = families.putIfAbsent(family.name, family);
    return prev == null || prev == family;
  }

  /** Why a new series of the family may not be created, or null. */
  private Refusal admitNew(Family family) {
    int[] lim = limits;
    if (lim[1] > 0 && family.series.size() >= lim[1]) {
      logOnce("limit\u0000" + family.name, Level.WARNING, "family " + family.name + " reached its limit of "
          + lim[1] + " series; new series are refused (rosetta_store_refused_points_total{reason=\"family_series_limit\"})");
      return Refusal.FAMILY_SERIES_LIMIT;
    }
    return admitNew();
  }

  private Refusal admitNew() {
    int[] lim = limits;
    if (lim[0] > 0 && seriesCount.get() >= lim[0]) {
      logOnce("limit\u0000", Level.WARNING, "the store reached its budget of " + lim[0]
          + " series (limits.max_series); new series are refused"
          + " (rosetta_store_refused_points_total{reason=\"series_limit\"}); existing series keep updating");
      return Refusal.SERIES_LIMIT;
    }
    return null;
  }

  /**
   * The plain series {@code labels} of the family for the claimant's source: found, created (and
   * claimed), or handed over; a {@link Refusal} when it may not be; {@link #RETRY} when the family
   * went away.
   */
  private Object claim(Family family, Labels labels, Labels attrs, Labels scoped, Claimant c, Ingest in,
      Series candidate) {
    Series known = candidate;
    for (;;) {
      Series s = known != null && known.family == family && known.key.equals(labels)
          ? known : family.series.get(labels);
      known = null;
      if (s == null) {
        Refusal r = admitNew(family);
        if (r != null) {
          return r;
        }
        if (!enter(family)) {
          return RETRY;
        }
        Series created = new Series(family, labels, attrs, scoped, c.source, c.owner(), in.now);
        Series prev = family.series.putIfAbsent(labels, created);
        if (prev == null) {
          seriesCount.incrementAndGet();
          if (family.removed) {
            seriesCount.addAndGet(-retire(created));
            return RETRY;
          }
          return created;
        }
        s = prev;
      }
      synchronized (s) {
        if (s.removed) {
          if (family.removed) {
            return RETRY;
          }
          continue;
        }
        if (s.owner == c.source || handover(family, s, labels, c, in.now)) {
          s.recordKeyInputs(attrs, scoped);
          return s;
        }
      }
      in.collided = s;
      return Refusal.COLLISION;
    }
  }

  /** Under the series' monitor: whether its silent holder hands it to the claimant. */
  private boolean handover(Family family, Series s, Labels labels, Claimant c, long now) {
    long exp = settings.expiration().toMillis();
    long limit = s.gapMillis > 0 ? Math.min(exp, Math.max(2L * s.gapMillis, MIN_HANDOVER_MILLIS)) : exp;
    long silent = now - s.lastSeenMillis;
    if (silent <= limit) {
      return false;
    }
    Sources.Owner previous = s.ownerInfo;
    s.owner = c.source;
    s.ownerInfo = c.owner();
    s.initialized = false;
    s.gapMillis = 0;
    s.lastSeenMillis = now;
    handovers.incrementAndGet();
    logOnce("handover\u0000" + family.name, Level.INFO, "family " + family.name + ": series " + labels
        + " passes to " + s.ownerInfo.describe(null) + " from " + (previous == null ? "?" : previous.describe(null))
        + ", silent for " + silent + " ms (rosetta_store_source_handovers_total; logged once per family)");
    return true;
  }

  /** The aggregate series {@code labels} of the family, found or created; a refusal or RETRY. */
  private Object aggregateSeries(Family family, Labels labels, long now) {
    for (;;) {
      Series s = family.series.get(labels);
      if (s == null) {
        Refusal r = admitNew(family);
        if (r != null) {
          return r;
        }
        if (!enter(family)) {
          return RETRY;
        }
        AggSeries created = new AggSeries(aggregateIds.incrementAndGet(), now);
        Series prev = family.series.putIfAbsent(labels, created);
        if (prev == null) {
          seriesCount.incrementAndGet();
          if (family.removed) {
            seriesCount.addAndGet(-retire(created));
            return RETRY;
          }
          return created;
        }
        s = prev;
      }
      if (s instanceof AggSeries a) {
        return a; // a retired one is found again under its lock, in contribute()
      }
      return RETRY; // a plain series of a family that is being replaced
    }
  }

  /**
   * Phase B: locks the aggregate series in id order, finds or creates each point's contribution
   * and computes what the aggregate becomes.
   */
  private void contribute(Ingest in) {
    List<AggSeries> order = new ArrayList<>(in.aggregates.keySet());
    order.sort(Comparator.comparingLong(a -> a.id));
    for (AggSeries a : order) {
      a.lock.lock();
      in.locked.add(a);
    }
    int pi = 0;
    int mi = 0;
    int si = 0;
    int ri = 0;
    for (ResourceMetrics rm : in.batch.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        Labels scoped = in.scoped[si++];
        for (Metric m : sm.metrics()) {
          Family family = in.families[mi];
          if (family == null || family.aggregation == null) {
            pi += m.points().size();
            mi++;
            continue;
          }
          boolean delta = m.temporality() == Temporality.DELTA;
          for (Point p : m.points()) {
            if (in.resolved[pi] instanceof AggSeries a) {
              while (a.removed) {
                Object again = reresolve(family, a, p, scoped, in);
                if (!(again instanceof AggSeries fresh)) {
                  a = null;
                  in.refuse(again instanceof Refusal r ? r : Refusal.FAMILY_CHANGED, 1);
                  break;
                }
                a = fresh;
              }
              if (a == null) {
                in.resolved[pi] = null;
              } else {
                in.resolved[pi] = contribution(in, a, family, m, p, delta, mi, pi, in.resourceIds[ri]);
              }
            }
            pi++;
          }
          mi++;
        }
      }
      ri++;
    }
    for (AggWork w : in.aggregates.values()) {
      if (w != null) {
        w.result = combine(w.agg, w.temps, in.families[w.metricIndex]);
      }
    }
    in.aggregates.values().removeIf(Objects::isNull);
  }

  /**
   * Another aggregate series after the one found was retired (expired while empty): found or
   * created again, and locked by this batch. A family retired by a reload is not followed.
   */
  private Object reresolve(Family family, AggSeries retired, Point p, Labels scoped, Ingest in) {
    if (family.removed) {
      return Refusal.FAMILY_CHANGED;
    }
    Labels labels = seriesLabels(p.labels(), scoped, family.aggregation);
    family.series.remove(labels, retired);
    Object res = aggregateSeries(family, labels, in.now);
    if (res instanceof AggSeries a && !in.locked.contains(a)) {
      a.lock.lock(); // created after every series this batch holds: a higher id, so in order
      in.locked.add(a);
    }
    return res;
  }

  /** Under the aggregate's lock: the point's contribution, its next state computed aside. */
  private Object contribution(Ingest in, AggSeries a, Family family, Metric m, Point p, boolean delta, int mi,
      int pi, long resourceId) {
    Sources.Key key = new Sources.Key(resourceId, m.sourceName(), p.receivedLabels());
    Contribution c = a.contributions.get(key);
    if (c == null) {
      Refusal r = admitNew();
      if (r != null) {
        in.refuse(r, 1);
        return null;
      }
      c = new Contribution(a, in.now);
      a.contributions.put(key, c);
      seriesCount.incrementAndGet();
    }
    if (in.written != null) {
      in.written.add(new Written(family, in.labels[pi], c, 0, key));
    }
    AggWork w = in.aggregates.get(a);
    if (w == null) {
      w = new AggWork(a, mi, forwardAttributes(p.labels(), family.aggregation));
      in.aggregates.put(a, w);
    }
    State t = w.temps.get(c);
    if (t == null) {
      t = new State();
      t.copyFrom(c); // shares c's arrays: t copies its counts before it changes them (ownsCounts)
      w.temps.put(c, t);
    }
    if (!applyPoint(t, p, delta)) {
      outOfOrder.incrementAndGet();
    }
    w.points++;
    return c;
  }

  /** Applies the plain points; returns how many were stored. */
  private int applyPlain(Ingest in) {
    int stored = 0;
    int pi = 0;
    int mi = 0;
    int si = 0;
    int ri = 0;
    Claimant claimant = null;
    for (ResourceMetrics rm : in.batch.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        Labels scoped = in.scoped[si++];
        for (Metric m : sm.metrics()) {
          Family family = in.families[mi++];
          boolean delta = m.temporality() == Temporality.DELTA;
          for (Point p : m.points()) {
            Labels labels = in.labels == null ? null : in.labels[pi];
            Object res = in.resolved[pi++];
            if (!(res instanceof Series s) || res instanceof AggSeries) {
              continue;
            }
            for (;;) {
              if (update(s, p, delta, in.now)) {
                stored++;
                if (in.written != null) {
                  in.written.add(new Written(family, labels, s,
                      Sources.point(Sources.metric(in.resourceIds[ri], m.sourceName()), p.receivedLabels()), null));
                }
                break;
              }
              // expired or replaced between prepare and commit: claim it again
              if (claimant == null) {
                claimant = new Claimant();
              }
              claimant.resource = rm.resource();
              claimant.replacing = in.source;
              claimant.metric = m;
              claimant.owner = null;
              claimant.source = Sources.point(Sources.metric(in.resourceIds[ri], m.sourceName()), p.receivedLabels());
              Object again = RETRY;
              while (again == RETRY) {
                Object f = family(m);
                if (f instanceof Refusal r) {
                  again = r;
                  break;
                }
                family = (Family) f;
                labels = seriesLabels(p.labels(), scoped, null);
                again = family.aggregation == null
                    ? claim(family, labels, p.labels(), scoped, claimant, in, null)
                    : Refusal.FAMILY_CHANGED; // became an aggregated family: the next batch contributes
              }
              if (again instanceof Series fresh) {
                s = fresh;
              } else {
                in.refuse((Refusal) again, 1);
                break;
              }
            }
          }
        }
      }
      ri++;
    }
    return stored;
  }

  /** Applies a point to a plain series; false when the series was removed meanwhile. */
  private boolean update(Series s, Point p, boolean delta, long now) {
    synchronized (s) {
      if (s.removed) {
        return false;
      }
      boolean wasInitialized = s.initialized;
      if (!applyPoint(s, p, delta)) {
        outOfOrder.incrementAndGet();
      }
      if (wasInitialized) {
        s.gapMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, now - s.lastSeenMillis));
      }
      s.lastSeenMillis = now;
      return true;
    }
  }

  /** The point applied to a state; false when it is an older cumulative point (ignored). */
  private static boolean applyPoint(State s, Point p, boolean delta) {
    if (!s.initialized || delta) {
      s.accumulate(p, delta);
    } else if (p.epochNanos() >= s.timeNanos || p.epochNanos() == 0) {
      s.replace(p);
    } else {
      return false;
    }
    return true;
  }

  // ---- aggregation -------------------------------------------------------------------------

  /**
   * The aggregate over the live contributions of {@code a}, with {@code temps} in place of the
   * contributions this batch changes. Under the aggregate's lock.
   */
  private State combine(AggSeries a, Map<Contribution, State> temps, Family family) {
    List<State> states = new ArrayList<>(a.contributions.size());
    for (Contribution c : a.contributions.values()) {
      State s = temps.get(c);
      if (s == null) {
        s = c;
      }
      if (s.initialized) {
        states.add(s);
      }
    }
    return combine(states, family);
  }

  private State combine(List<State> states, Family family) {
    State r = new State();
    if (states.isEmpty()) {
      return r;
    }
    AggregateOp op = family.aggregation.op();
    r.initialized = true;
    for (State s : states) {
      r.startNanos = Math.max(r.startNanos, s.startNanos);
      r.timeNanos = Math.max(r.timeNanos, s.timeNanos);
    }
    if (family.type != MetricType.HISTOGRAM) {
      double v = op == AggregateOp.MIN ? Double.POSITIVE_INFINITY
          : op == AggregateOp.MAX ? Double.NEGATIVE_INFINITY : 0;
      for (State s : states) {
        v = switch (op) {
          case SUM, AVG -> v + s.value;
          case MIN -> Math.min(v, s.value);
          case MAX -> Math.max(v, s.value);
        };
      }
      r.value = op == AggregateOp.AVG ? v / states.size() : v;
      return r;
    }
    double[] bounds = states.get(0).bounds;
    boolean same = true;
    for (State s : states) {
      same &= Arrays.equals(bounds, s.bounds);
    }
    if (!same) {
      bounds = commonBounds(states);
      logOnce("bounds\u0000" + family.name, Level.WARNING, "family " + family.name + ": histograms with different"
          + " bucket bounds are summed over the " + bounds.length + " bounds they share (buckets merged, counts"
          + " exact; logged once per family)");
    }
    long[] counts = new long[bounds.length + 1];
    long count = 0;
    double sum = 0;
    for (State s : states) {
      addBuckets(counts, bounds, s.bounds, s.counts);
      count += s.count;
      sum = Double.isNaN(sum) || Double.isNaN(s.sum) ? Double.NaN : sum + s.sum;
    }
    r.bounds = bounds;
    r.counts = counts;
    r.count = count;
    r.sum = sum;
    return r;
  }

  /** The bounds every state has. */
  private static double[] commonBounds(List<State> states) {
    double[] first = states.get(0).bounds;
    double[] kept = new double[first.length];
    int k = 0;
    outer:
    for (double b : first) {
      for (State s : states) {
        if (Arrays.binarySearch(s.bounds, b) < 0) {
          continue outer;
        }
      }
      kept[k++] = b;
    }
    return Arrays.copyOf(kept, k);
  }

  /** Adds per-bucket counts over {@code from} into {@code into}, whose bounds are a subset of them. */
  static void addBuckets(long[] into, double[] intoBounds, double[] from, long[] counts) {
    int j = 0;
    for (int i = 0; i < from.length; i++) {
      into[j] += counts[i];
      if (j < intoBounds.length && from[i] == intoBounds[j]) {
        j++;
      }
    }
    into[intoBounds.length] += counts[from.length];
  }

  /** The point's attributes the rule keeps, under their own keys, for the forwarded aggregate. */
  private Labels forwardAttributes(Labels attrs, Aggregation agg) {
    Labels out = attrs;
    for (int i = 0; i < attrs.size(); i++) {
      String ln = labelName(attrs.name(i));
      if (ln == null || !agg.keeps(ln)) {
        out = out.without(attrs.name(i));
      }
    }
    return out;
  }

  // ---- what leaves the service -------------------------------------------------------------

  /** The batch as it may be forwarded: refused points left out, aggregates in place of contributions. */
  private MetricBatch forwardBatch(Ingest in) {
    if (in.refusedPoints() == 0 && in.aggregates == null) {
      return in.batch;
    }
    List<ResourceMetrics> resources = new ArrayList<>(in.batch.resources().size());
    int pi = 0;
    int mi = 0;
    for (ResourceMetrics rm : in.batch.resources()) {
      List<ScopeMetrics> scopes = new ArrayList<>(rm.scopes().size());
      for (ScopeMetrics sm : rm.scopes()) {
        List<Metric> metrics = new ArrayList<>(sm.metrics().size());
        for (Metric m : sm.metrics()) {
          Family family = in.families[mi];
          int n = m.points().size();
          if (family == null) {
            pi += n;
            mi++;
            continue;
          }
          List<Point> kept = null;
          if (family.aggregation == null) {
            for (int i = 0; i < n; i++) {
              boolean ok = in.resolved[pi + i] != null;
              if (!ok && kept == null) {
                kept = new ArrayList<>(m.points().subList(0, i));
              } else if (ok && kept != null) {
                kept.add(m.points().get(i));
              }
            }
            if (kept == null) {
              metrics.add(m);
            } else if (!kept.isEmpty()) {
              metrics.add(m.withPoints(kept));
            }
          } else {
            kept = new ArrayList<>(1);
            for (int i = 0; i < n; i++) {
              if (in.resolved[pi + i] instanceof Contribution c) {
                AggWork w = workOf(in, c);
                if (w != null && !w.emitted && w.result.initialized) {
                  w.emitted = true;
                  kept.add(aggregatePoint(w));
                }
              }
            }
            if (!kept.isEmpty()) {
              metrics.add(new Metric(m.name(), m.description(), m.unit(), m.type(), Temporality.CUMULATIVE, kept,
                  m.origin()));
            }
          }
          pi += n;
          mi++;
        }
        if (!metrics.isEmpty()) {
          scopes.add(new ScopeMetrics(sm.scope(), metrics));
        }
      }
      if (!scopes.isEmpty()) {
        resources.add(new ResourceMetrics(rm.resource(), scopes));
      }
    }
    return new MetricBatch(resources);
  }

  private static AggWork workOf(Ingest in, Contribution c) {
    return in.aggregates.get(c.agg);
  }

  private static Point aggregatePoint(AggWork w) {
    State r = w.result;
    if (r.bounds != null) {
      return new HistogramPoint(w.attributes, r.startNanos, r.timeNanos, r.bounds, r.counts, r.count, r.sum,
          Double.NaN, Double.NaN);
    }
    return new NumberPoint(w.attributes, r.startNanos, r.timeNanos, r.value);
  }

  // ---- expiry and reload -------------------------------------------------------------------

  /** Removes series, contributions and targets not updated within the expiration; returns how many went. */
  public int expire() {
    long cutoff = clockMillis.getAsLong() - settings.expiration().toMillis();
    int removed = 0;
    for (Family f : families.values()) {
      for (var it = f.series.entrySet().iterator(); it.hasNext(); ) {
        Series s = it.next().getValue();
        if (s instanceof AggSeries a) {
          removed += expire(f, a, cutoff);
          if (a.removed) {
            it.remove();
          }
          continue;
        }
        synchronized (s) {
          if (s.lastSeenMillis < cutoff && !s.removed) {
            s.removed = true;
            it.remove();
            removed++;
          }
        }
      }
      if (f.series.isEmpty()) {
        f.removed = true;
        families.remove(f.name, f);
        for (Series straggler : f.series.values()) {
          removed += retire(straggler);
        }
      }
    }
    targets.values().removeIf(t -> t.lastSeenMillis < cutoff);
    for (var it = shapes.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().millis < cutoff && shapes.remove(e.getKey(), e.getValue())) {
        shapeSlots.addAndGet(-e.getValue().series.length);
      }
    }
    if (removed > 0) {
      seriesCount.addAndGet(-removed);
      expired.addAndGet(removed);
    }
    return removed;
  }

  /** Expires the contributions of an aggregate series (skipped while a batch holds it). */
  private int expire(Family f, AggSeries a, long cutoff) {
    if (!a.lock.tryLock()) {
      return 0;
    }
    try {
      int removed = 0;
      for (var it = a.contributions.values().iterator(); it.hasNext(); ) {
        if (it.next().lastSeenMillis < cutoff) {
          it.remove();
          removed++;
        }
      }
      if (a.contributions.isEmpty() && a.lastSeenMillis < cutoff) {
        synchronized (a) {
          a.removed = true;
        }
        return removed + 1;
      }
      if (removed > 0) {
        State r = combine(new ArrayList<>(a.contributions.values().stream().filter(c -> c.initialized).toList()), f);
        synchronized (a) {
          a.copyFrom(r);
        }
      }
      return removed;
    } finally {
      a.lock.unlock();
    }
  }

  /** Removes a family whose aggregation changed; its series and contributions go. */
  private void retire(Family f) {
    f.removed = true;
    families.remove(f.name, f);
    int removed = 0;
    for (Series s : f.series.values()) {
      removed += retire(s);
    }
    seriesCount.addAndGet(-removed);
  }

  /**
   * Marks a series removed, once; returns how many budget units it held (its contributions
   * included), 0 when it was already removed. The caller subtracts them.
   */
  private static int retire(Series s) {
    if (s instanceof AggSeries a) {
      a.lock.lock();
      try {
        synchronized (a) {
          if (a.removed) {
            return 0;
          }
          a.removed = true;
        }
        return 1 + a.contributions.size();
      } finally {
        a.lock.unlock();
      }
    }
    synchronized (s) {
      if (s.removed) {
        return 0;
      }
      s.removed = true;
      return 1;
    }
  }

  // ---- statistics --------------------------------------------------------------------------

  /** Series held: plain series, aggregate series and contributions (what the budget counts). */
  public int seriesCount() {
    return seriesCount.get();
  }

  public int familyCount() {
    return families.size();
  }

  public long expiredSeries() {
    return expired.get();
  }

  /** Resources whose last batch's places are remembered (tests). */
  int shapeCount() {
    return shapes.size();
  }

  public long outOfOrderPoints() {
    return outOfOrder.get();
  }

  public long refused(Refusal r) {
    return refusals[r.ordinal()].get();
  }

  /** Series handed from a silent source to a new one. */
  public long handovers() {
    return handovers.get();
  }

  /** Points that went into aggregates. */
  public long contributedPoints() {
    return contributedPoints.get();
  }

  /**
   * Aggregate points put in place of their contributions in what may be forwarded: the batches'
   * points, less those refused and those aggregated, plus these, are what leaves the service.
   */
  public long aggregatePoints() {
    return aggregatePoints.get();
  }

  @Override
  public List<StoreFamily> families() {
    return List.copyOf(families.values());
  }

  /**
   * The first collision of the family that collided last, as logged (once per family); "" while
   * nothing collided.
   */
  public String lastCollision() {
    return lastCollision;
  }

  /** A family's size, for the status page. */
  public record FamilySize(String name, String type, int series, boolean aggregated) {}

  /**
   * The {@code n} families with the most series, largest first (ties by name). Walks every family
   * once, keeping {@code n} in a heap: O(families · log n), no lock held.
   */
  public java.util.List<FamilySize> largestFamilies(int n) {
    java.util.PriorityQueue<FamilySize> heap = new java.util.PriorityQueue<>(
        java.util.Comparator.comparingInt(FamilySize::series).thenComparing(FamilySize::name,
            java.util.Comparator.reverseOrder()));
    for (Family f : families.values()) {
      FamilySize size = new FamilySize(f.name, f.type.word(), f.series.size(), f.aggregation != null);
      if (heap.size() < n) {
        heap.add(size);
      } else if (n > 0 && heap.comparator().compare(size, heap.peek()) > 0) {
        heap.poll();
        heap.add(size);
      }
    }
    java.util.List<FamilySize> out = new java.util.ArrayList<>(heap);
    out.sort(heap.comparator().reversed());
    return out;
  }

  /** The per-family series limit in force (0 = unlimited). */
  public int maxSeriesPerFamily() {
    return limits[1];
  }

  @Override
  public Map<Labels, Labels> targets() {
    Map<Labels, Labels> out = new LinkedHashMap<>();
    targets.forEach((k, t) -> out.put(k, t.attributes));
    return Collections.unmodifiableMap(out);
  }

  // ---- messages ----------------------------------------------------------------------------

  private void logOnce(String key, Level level, String message) {
    if (logged.size() < LOGGED_LIMIT && logged.putIfAbsent(key, Boolean.TRUE) == null) {
      LOG.log(level, message);
    }
  }

  /** Logs a collision once per family, naming both sources. */
  private void logCollision(Ingest in, Family family, int pointIndex, Point p, Claimant c) {
    if (logged.containsKey("collision\u0000" + family.name) || logged.size() >= LOGGED_LIMIT) {
      return;
    }
    Series s = in.collided;
    Sources.Owner holder;
    Labels labels = null;
    synchronized (s) {
      holder = s.ownerInfo;
    }
    // the holder's point, when it came in this very batch: its received attributes are known
    Labels holderAttributes = null;
    for (int j = 0; j < pointIndex; j++) {
      if (in.resolved[j] == s) {
        holderAttributes = pointAt(in.batch, j).receivedLabels();
        break;
      }
    }
    for (var e : family.series.entrySet()) {
      if (e.getValue() == s) {
        labels = e.getKey();
        break;
      }
    }
    String what = "family " + family.name + ": two sources land on series "
        + (labels == null ? "?" : labels) + ". It is held by "
        + (holder == null ? "an earlier source" : holder.describe(holderAttributes)) + "; the points of "
        + c.owner().describe(p.receivedLabels()) + " are refused";
    lastCollision = what;
    logOnce("collision\u0000" + family.name, Level.WARNING, what + " (rosetta_store_refused_points_total{reason="
        + "\"collision\"}). Keep a label that tells them apart, or declare an aggregate: rule for the family."
        + " Logged once per family.");
  }

  private static Point pointAt(MetricBatch batch, int index) {
    int i = 0;
    for (ResourceMetrics rm : batch.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        for (Metric m : sm.metrics()) {
          int n = m.points().size();
          if (index < i + n) {
            return m.points().get(index - i);
          }
          i += n;
        }
      }
    }
    throw new IndexOutOfBoundsException(index);
  }

  // ---- naming ----

  private String familyName(Metric m) {
    NameKey key = new NameKey(m.name(), m.unit(), m.type());
    String n = familyNames.get(key);
    if (n == null) {
      try {
        n = PrometheusNaming.metricName(m.name(), m.unit(), m.type(), settings.addMetricSuffixes());
      } catch (IllegalArgumentException e) {
        return null; // nothing valid left of the name
      }
      if (familyNames.size() < MEMO_LIMIT) {
        familyNames.put(key, n);
      }
    }
    return n;
  }

  private record NameKey(String name, String unit, MetricType type) {}

  private static String unitWord(String familyName, Metric m) {
    String w = PrometheusNaming.unitSuffix(m.unit());
    if (w.isEmpty()) {
      return "";
    }
    String base = m.type() == MetricType.COUNTER && familyName.endsWith("_total")
        ? familyName.substring(0, familyName.length() - "_total".length())
        : familyName;
    return base.endsWith("_" + w) ? w : "";
  }

  /** The Prometheus label name for an attribute key, or null when nothing valid is left of it. */
  String labelName(String key) {
    String n = labelNames.get(key);
    if (n == null) {
      try {
        n = PrometheusNaming.labelName(key);
      } catch (IllegalArgumentException e) {
        return null;
      }
      if (labelNames.size() < MEMO_LIMIT) {
        labelNames.put(key, n);
      }
    }
    return n;
  }

  // ---- labels ----

  /** The labels with each value the interned instance. */
  private Labels internValues(Labels l) {
    int n = l.size();
    if (n == 0) {
      return l;
    }
    String[] names = new String[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = l.name(i);
      values[i] = labelValues.intern(l.value(i));
    }
    return Labels.adoptSorted(names, values);
  }

  /** The labels a resource gives every series; notes its target_info attributes for the commit. */
  private Labels resourceLabels(Labels resource, Ingest in, int ri) {
    Labels jobInstance = internValues(TargetLabels.jobInstance(resource));
    Labels.Builder info = Labels.builder();
    for (int i = 0; i < resource.size(); i++) {
      String k = resource.name(i);
      if (TargetLabels.isIdentifying(k) || resource.value(i).isEmpty()) {
        continue;
      }
      String ln = labelName(k);
      if (ln == null || ln.equals("job") || ln.equals("instance")) {
        continue;
      }
      info.put(ln, resource.value(i));
    }
    Labels infoLabels = info.build();
    in.jobInstance[ri] = jobInstance;
    in.targetInfo[ri] = infoLabels;
    if (settings.resourceToTelemetry() && !infoLabels.isEmpty()) {
      return infoLabels.withAll(jobInstance);
    }
    return jobInstance;
  }

  private void updateTargets(Ingest in) {
    for (int ri = 0; ri < in.jobInstance.length; ri++) {
      Labels jobInstance = in.jobInstance[ri];
      Labels infoLabels = in.targetInfo[ri];
      if (infoLabels.isEmpty() || jobInstance.isEmpty()) {
        continue;
      }
      Target t = targets.get(jobInstance);
      if (t == null || !t.attributes.equals(infoLabels)) {
        targets.put(jobInstance, new Target(infoLabels, in.now));
      } else {
        t.lastSeenMillis = in.now;
      }
    }
  }

  /**
   * The point attributes under Prometheus label names, merged with the resource and scope labels
   * (which win on a clash). Attributes that sanitize to the same name have their values joined
   * with ';' in key order; empty values are dropped; in an aggregated family, so are the labels the
   * rule does not keep.
   */
  private Labels seriesLabels(Labels attrs, Labels scoped, Aggregation agg) {
    int n = attrs.size();
    if (n == 0) {
      return scoped;
    }
    String[] names = new String[n];
    String[] values = new String[n];
    // label name -> its slot (a scan while there are few, a map beyond), and the values of names
    // several keys share: linear in the attributes
    Map<String, Integer> slots = null;
    StringBuilder[] joined = null;
    int k = 0;
    for (int i = 0; i < n; i++) {
      String v = attrs.value(i);
      if (v.isEmpty()) {
        continue;
      }
      String ln = labelName(attrs.name(i));
      if (ln == null || scoped.contains(ln) || (agg != null && !agg.keeps(ln))) {
        continue;
      }
      Integer j = null;
      if (slots == null) {
        for (int x = 0; x < k; x++) {
          if (names[x].equals(ln)) {
            j = x;
            break;
          }
        }
        if (j == null && k == 8) {
          slots = new HashMap<>();
          for (int x = 0; x < k; x++) {
            slots.put(names[x], x);
          }
        }
      }
      if (slots != null) {
        j = slots.putIfAbsent(ln, k);
      }
      if (j != null) {
        if (joined == null) {
          joined = new StringBuilder[n];
        }
        if (joined[j] == null) {
          joined[j] = new StringBuilder(values[j]);
        }
        joined[j].append(';').append(v);
        continue;
      }
      names[k] = ln;
      values[k] = labelValues.intern(v);
      k++;
    }
    if (k == 0) {
      return scoped;
    }
    Labels.Builder b = Labels.builder();
    for (int i = 0; i < k; i++) {
      b.add(names[i], joined != null && joined[i] != null ? joined[i].toString() : values[i]);
    }
    return scoped.withAll(b.build());
  }

  // ---- state ----

  /** One Prometheus metric family. */
  static final class Family implements StoreFamily {
    final String name;
    final MetricType type;
    final String unit;
    final String help;
    /** The aggregate: rule in force for the family when it was created; null: plain series. */
    final Aggregation aggregation;
    final ConcurrentHashMap<Labels, Series> series = new ConcurrentHashMap<>(1);
    /** Set when the family leaves the store (empty, or its aggregation changed): resolve it again. */
    volatile boolean removed;

    Family(String name, MetricType type, String unit, String help, Aggregation aggregation) {
      this.name = name;
      this.type = type;
      this.unit = unit;
      this.help = help;
      this.aggregation = aggregation;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public MetricType type() {
      return type;
    }

    @Override
    public String unit() {
      return unit;
    }

    @Override
    public String help() {
      return help;
    }

    @Override
    public List<SeriesSnapshot> series() {
      List<SeriesSnapshot> out = new ArrayList<>(series.size());
      for (var e : series.entrySet()) {
        Series s = e.getValue();
        synchronized (s) {
          if (s.initialized) {
            out.add(new SeriesSnapshot(e.getKey(), s.value, orEmpty(s.bounds),
                s.counts == null ? NO_COUNTS : s.counts.clone(), s.count, s.sum, orEmpty(s.quantiles),
                orEmpty(s.quantileValues), s.timeNanos > 0 ? s.timeNanos / 1_000_000 : s.lastSeenMillis));
          }
        }
      }
      return out;
    }

    private static double[] orEmpty(double[] a) {
      return a == null ? NO_DOUBLES : a;
    }
  }

  private static final double[] NO_DOUBLES = {};
  private static final long[] NO_COUNTS = {};

  /** Resource attributes of one (job, instance), for {@code target_info}. */
  static final class Target {
    final Labels attributes;
    volatile long lastSeenMillis;

    Target(Labels attributes, long now) {
      this.attributes = attributes;
      this.lastSeenMillis = now;
    }
  }

  /** A mutable cumulative state: a value, a histogram or a summary. */
  static class State {
    boolean initialized;
    long startNanos;
    long timeNanos;
    double value;
    double[] bounds;
    long[] counts;
    long count;
    double sum;
    double[] quantiles;
    double[] quantileValues;
    /**
     * Whether {@link #counts} is this state's own array, which updates may write into: a series
     * keeps one counts array for its life instead of taking each point's (an array stored into a
     * long-lived series would be copied into the old generation by every collection, and left there
     * as garbage by the next point). False for an array shared with a point or another state.
     */
    boolean ownsCounts;

    void copyFrom(State o) {
      ownsCounts = false;
      initialized = o.initialized;
      startNanos = o.startNanos;
      timeNanos = o.timeNanos;
      value = o.value;
      bounds = o.bounds;
      counts = o.counts;
      count = o.count;
      sum = o.sum;
      quantiles = o.quantiles;
      quantileValues = o.quantileValues;
    }

    void replace(Point p) {
      startNanos = p.startEpochNanos();
      timeNanos = p.epochNanos();
      if (p instanceof NumberPoint n) {
        value = n.value();
      } else if (p instanceof HistogramPoint h) {
        if (!Arrays.equals(bounds, h.bounds())) {
          bounds = h.bounds(); // bounds are never written into: shared with the point
        }
        long[] in = h.counts();
        if (ownsCounts && counts != null && counts.length == in.length) {
          System.arraycopy(in, 0, counts, 0, in.length);
        } else {
          counts = in.clone();
          ownsCounts = true;
        }
        count = h.count();
        sum = h.sum();
      } else if (p instanceof SummaryPoint s) {
        count = s.count();
        sum = s.sum();
        quantiles = s.quantiles();
        quantileValues = s.values();
      }
      initialized = true;
    }

    void accumulate(Point p, boolean delta) {
      if (!initialized || !delta) {
        replace(p); // a histogram's counts are then this state's own: later deltas add into them
        return;
      }
      timeNanos = Math.max(timeNanos, p.epochNanos());
      if (p instanceof NumberPoint n) {
        value += n.value();
      } else if (p instanceof HistogramPoint h) {
        if (Arrays.equals(bounds, h.bounds())) {
          if (!ownsCounts) {
            counts = counts.clone();
            ownsCounts = true;
          }
          for (int i = 0; i < counts.length; i++) {
            counts[i] += h.counts()[i];
          }
          count += h.count();
          sum = Double.isNaN(sum) || Double.isNaN(h.sum()) ? Double.NaN : sum + h.sum();
        } else {
          // Bucket layout changed: the accumulated series restarts from this point.
          replace(p);
        }
      } else {
        replace(p);
      }
    }
  }

  /**
   * One series as a scrape shows it, with its holder; guarded by its own monitor. A plain series'
   * state is its latest point (or its accumulated deltas).
   */
  static class Series extends State {
    boolean removed;
    long lastSeenMillis;
    /** The holder's source identity ({@link Sources}). */
    long owner;
    /** The holder, for messages. */
    Sources.Owner ownerInfo;
    /** Milliseconds between the holder's last two updates; 0 until it updated twice. */
    int gapMillis;

    /** The family that keys it by {@link #key} (plain series; null for an aggregate). */
    final Family family;
    /** The labels the family keys it by (plain series; null for an aggregate). */
    final Labels key;

    /**
     * The point attributes and the resource and scope labels {@link #key} was last found to be made
     * of ({@link SeriesStore#seriesLabels}), this very pair of instances: the same instances again (or
     * attributes equal to these) make the same key, and find the series without making it.
     */
    Labels keyAttributes;
    Labels keyScoped;
    /** Lookups since the last {@link #sameInputs} hit that had to make the key. */
    int keyMisses;

    /** An aggregate series: its family's map holds it, nothing else looks it up by key. */
    Series() {
      this.family = null;
      this.key = null;
    }

    Series(Family family, Labels key, Labels attrs, Labels scoped, long owner, Sources.Owner ownerInfo, long now) {
      this.family = family;
      this.key = key;
      this.keyAttributes = attrs;
      this.keyScoped = scoped;
      this.owner = owner;
      this.ownerInfo = ownerInfo;
      this.lastSeenMillis = now;
    }

    /**
     * Whether a point with these attributes, under these resource and scope labels, from this
     * source, is this series' without making its key: it is still in the store and held by the
     * source, and its key was made of these very scope labels and attributes equal to these.
     */
    boolean sameInputs(Labels attrs, Labels scoped, long source) {
      synchronized (this) {
        if (removed || owner != source || keyScoped != scoped) {
          return false;
        }
        Labels a = keyAttributes;
        if (a != attrs && (a == null || !a.equals(attrs))) {
          return false;
        }
        if (keyMisses != 0) {
          keyMisses = 0;
        }
        return true;
      }
    }

    /**
     * Under the monitor, after a lookup found this series by a key made of {@code attrs} and {@code
     * scoped}: remembers them for {@link #sameInputs}. Labels decoded anew for every request would
     * be written into a long-lived series on every point, so new instances are taken only {@value
     * #KEY_RECORDS} times after a hit, and then once every {@value #KEY_RETRY} lookups.
     */
    void recordKeyInputs(Labels attrs, Labels scoped) {
      if (keyAttributes == attrs && keyScoped == scoped) {
        return;
      }
      int misses = keyMisses++;
      if ((misses & (KEY_RETRY - 1)) < KEY_RECORDS) {
        if (keyAttributes != attrs) {
          keyAttributes = attrs;
        }
        if (keyScoped != scoped) {
          keyScoped = scoped;
        }
      }
    }

    static final int KEY_RECORDS = 3;
    /** A power of two. */
    static final int KEY_RETRY = 64;
  }

  /**
   * An aggregate series: its state is the aggregate of its contributions, recomputed whenever they
   * change. {@link #lock} guards the contributions and spans a batch from prepare to commit; the
   * monitor guards the state a scrape reads. {@link #removed} is written under both.
   */
  static final class AggSeries extends Series {
    final long id;
    final ReentrantLock lock = new ReentrantLock();
    final HashMap<Sources.Key, Contribution> contributions = new HashMap<>(4);

    AggSeries(long id, long now) {
      this.id = id;
      this.lastSeenMillis = now;
    }
  }

  /** One source's state under an aggregate series; guarded by the aggregate's lock. */
  static final class Contribution extends State {
    final AggSeries agg;
    long lastSeenMillis;

    Contribution(AggSeries agg, long now) {
      this.agg = agg;
      this.lastSeenMillis = now;
    }
  }
}
