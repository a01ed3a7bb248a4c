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
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The latest state of every series, as a Prometheus scrape shows it.
 *
 * <p>Series are keyed by their Prometheus identity: family name (the standard OTLP→Prometheus
 * translation) and label set ({@code job}, {@code instance}, scope labels and the sanitized point
 * attributes). Cumulative points replace the stored state (older ones are ignored); delta points
 * accumulate into a cumulative state. A series not updated for {@code expiration} is removed by
 * {@link #expire()}. Limits on the number of series, in total and per family, refuse new series
 * beyond them; a family whose Prometheus type differs from an existing one of the same name is
 * refused too.
 *
 * <p>Thread-safe: {@link #apply} may run on many threads at once, concurrently with scrapes.
 */
public final class SeriesStore {
  private static final Logger LOG = Logger.getLogger(SeriesStore.class.getName());
  private static final int MEMO_LIMIT = 50_000;

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

  /** Outcome of applying a batch: points stored and refused, with the first reason. */
  public record ApplyResult(int stored, int refused, String reason) {}

  /** Why a point was not stored; the label value of {@code rosetta_store_refused_points_total}. */
  public enum Refusal {
    TYPE_CONFLICT("type_conflict"),
    INVALID_NAME("invalid_name"),
    RESERVED_NAME("reserved_name"),
    SERIES_LIMIT("series_limit"),
    FAMILY_SERIES_LIMIT("family_series_limit");

    final String label;

    Refusal(String label) {
      this.label = label;
    }
  }

  private final Settings settings;
  /** The series limits in force: {maxSeries, maxSeriesPerFamily}; replaced whole on reload. */
  private volatile int[] limits;
  private final LongSupplier clockMillis;
  private final Predicate<String> reservedName;
  private final ConcurrentHashMap<String, Family> families = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Labels, Target> targets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<NameKey, String> familyNames = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> labelNames = new ConcurrentHashMap<>();
  private final AtomicInteger seriesCount = new AtomicInteger();
  private final AtomicLong expired = new AtomicLong();
  private final AtomicLong outOfOrder = new AtomicLong();
  private final AtomicLong[] refusals = new AtomicLong[Refusal.values().length];
  private final Map<String, Boolean> loggedLimit = new ConcurrentHashMap<>();

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
    loggedLimit.clear();
  }

  /** Applies every point of the batch. Never throws for data reasons; refusals are counted. */
  public ApplyResult apply(MetricBatch batch) {
    long now = clockMillis.getAsLong();
    int stored = 0;
    int refused = 0;
    Refusal first = null;
    for (ResourceMetrics rm : batch.resources()) {
      Labels base = resourceLabels(rm.resource(), now);
      for (ScopeMetrics sm : rm.scopes()) {
        Labels scoped = TargetLabels.withScope(base, sm.scope());
        for (Metric m : sm.metrics()) {
          String name = familyName(m);
          Refusal r = null;
          Family family = null;
          if (name == null) {
            r = Refusal.INVALID_NAME;
          } else if (reservedName.test(name)) {
            r = Refusal.RESERVED_NAME;
          } else {
            family = families.computeIfAbsent(name, n -> new Family(n, m.type(), unitWord(n, m), m.description()));
            if (family.type != m.type() && !(compatible(family.type, m.type()))) {
              r = Refusal.TYPE_CONFLICT;
            }
          }
          if (r != null) {
            refused += m.points().size();
            refusals[r.ordinal()].addAndGet(m.points().size());
            first = first == null ? r : first;
            continue;
          }
          boolean delta = m.temporality() == Temporality.DELTA;
          for (Point p : m.points()) {
            Labels labels = seriesLabels(p.labels(), scoped);
            Refusal pr = update(family, labels, p, delta, now);
            if (pr == null) {
              stored++;
            } else {
              refused++;
              refusals[pr.ordinal()].incrementAndGet();
              first = first == null ? pr : first;
            }
          }
        }
      }
    }
    return new ApplyResult(stored, refused, first == null ? "" : first.label);
  }

  /** Gauges and up-down counters are both Prometheus gauges and may share a family. */
  private static boolean compatible(MetricType a, MetricType b) {
    return promGauge(a) && promGauge(b);
  }

  private static boolean promGauge(MetricType t) {
    return t == MetricType.GAUGE || t == MetricType.UP_DOWN_COUNTER;
  }

  private Refusal update(Family family, Labels labels, Point p, boolean delta, long now) {
    Series s = family.series.get(labels);
    if (s == null) {
      int[] lim = limits;
      if (lim[1] > 0 && family.series.size() >= lim[1]) {
        logLimit(family.name, "family " + family.name + " reached its limit of "
            + lim[1] + " series; new series are refused");
        return Refusal.FAMILY_SERIES_LIMIT;
      }
      if (lim[0] > 0 && seriesCount.get() >= lim[0]) {
        logLimit("", "the store reached its limit of " + lim[0] + " series; new series are refused");
        return Refusal.SERIES_LIMIT;
      }
      Series created = new Series();
      Series prev = family.series.putIfAbsent(labels, created);
      if (prev == null) {
        seriesCount.incrementAndGet();
        s = created;
      } else {
        s = prev;
      }
    }
    synchronized (s) {
      if (s.removed) {
        // Lost a race with expiry: start over with a fresh series.
        return update(family, labels, p, delta, now);
      }
      if (!s.initialized || delta) {
        s.accumulate(p, delta);
      } else if (p.epochNanos() >= s.timeNanos || p.epochNanos() == 0) {
        s.replace(p);
      } else {
        outOfOrder.incrementAndGet();
      }
      s.lastSeenMillis = now;
    }
    return null;
  }

  private void logLimit(String key, String message) {
    if (loggedLimit.putIfAbsent(key, Boolean.TRUE) == null) {
      LOG.warning(message);
    }
  }

  /** Removes series and targets not updated within the expiration; returns how many series went. */
  public int expire() {
    long cutoff = clockMillis.getAsLong() - settings.expiration().toMillis();
    int removed = 0;
    for (Family f : families.values()) {
      for (var it = f.series.entrySet().iterator(); it.hasNext(); ) {
        Series s = it.next().getValue();
        synchronized (s) {
          if (s.lastSeenMillis < cutoff) {
            s.removed = true;
            it.remove();
            removed++;
          }
        }
      }
      if (f.series.isEmpty()) {
        families.remove(f.name, f);
      }
    }
    targets.values().removeIf(t -> t.lastSeenMillis < cutoff);
    if (removed > 0) {
      seriesCount.addAndGet(-removed);
      expired.addAndGet(removed);
    }
    return removed;
  }

  public int seriesCount() {
    return seriesCount.get();
  }

  public int familyCount() {
    return families.size();
  }

  public long expiredSeries() {
    return expired.get();
  }

  public long outOfOrderPoints() {
    return outOfOrder.get();
  }

  public long refused(Refusal r) {
    return refusals[r.ordinal()].get();
  }

  Map<String, Family> families() {
    return families;
  }

  Map<Labels, Target> targets() {
    return targets;
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

  private Labels resourceLabels(Labels resource, long now) {
    Labels jobInstance = TargetLabels.jobInstance(resource);
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
    if (!infoLabels.isEmpty() && !jobInstance.isEmpty()) {
      Target t = targets.get(jobInstance);
      if (t == null || !t.attributes.equals(infoLabels)) {
        targets.put(jobInstance, new Target(infoLabels, now));
      } else {
        t.lastSeenMillis = now;
      }
    }
    if (settings.resourceToTelemetry() && !infoLabels.isEmpty()) {
      return infoLabels.withAll(jobInstance);
    }
    return jobInstance;
  }

  /**
   * The point attributes under Prometheus label names, merged with the resource and scope labels
   * (which win on a clash). Attributes that sanitize to the same name have their values joined
   * with ';' in key order; empty values are dropped.
   */
  private Labels seriesLabels(Labels attrs, Labels scoped) {
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
      if (ln == null || scoped.contains(ln)) {
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
      values[k] = v;
      k++;
    }
    Labels.Builder b = Labels.builder();
    for (int i = 0; i < k; i++) {
      b.add(names[i], joined != null && joined[i] != null ? joined[i].toString() : values[i]);
    }
    return scoped.withAll(b.build());
  }

  // ---- state ----

  /** One Prometheus metric family. */
  static final class Family {
    final String name;
    final MetricType type;
    final String unit;
    final String help;
    final ConcurrentHashMap<Labels, Series> series = new ConcurrentHashMap<>();

    Family(String name, MetricType type, String unit, String help) {
      this.name = name;
      this.type = type;
      this.unit = unit;
      this.help = help;
    }
  }

  /** Resource attributes of one (job, instance), for {@code target_info}. */
  static final class Target {
    final Labels attributes;
    volatile long lastSeenMillis;

    Target(Labels attributes, long now) {
      this.attributes = attributes;
      this.lastSeenMillis = now;
    }
  }

  /** Mutable cumulative state of one series; guarded by its own monitor. */
  static final class Series {
    boolean initialized;
    boolean removed;
    long lastSeenMillis;
    long startNanos;
    long timeNanos;
    double value;
    double[] bounds;
    long[] counts;
    long count;
    double sum;
    double[] quantiles;
    double[] quantileValues;

    void replace(Point p) {
      startNanos = p.startEpochNanos();
      timeNanos = p.epochNanos();
      if (p instanceof NumberPoint n) {
        value = n.value();
      } else if (p instanceof HistogramPoint h) {
        bounds = h.bounds();
        counts = h.counts();
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
        replace(p);
        if (delta && p instanceof HistogramPoint) {
          counts = counts.clone(); // owned copy: later deltas add into it
        }
        return;
      }
      timeNanos = Math.max(timeNanos, p.epochNanos());
      if (p instanceof NumberPoint n) {
        value += n.value();
      } else if (p instanceof HistogramPoint h) {
        if (Arrays.equals(bounds, h.bounds())) {
          for (int i = 0; i < counts.length; i++) {
            counts[i] += h.counts()[i];
          }
          count += h.count();
          sum = Double.isNaN(sum) || Double.isNaN(h.sum()) ? Double.NaN : sum + h.sum();
        } else {
          // Bucket layout changed: the accumulated series restarts from this point.
          replace(p);
          counts = counts.clone();
        }
      } else {
        replace(p);
      }
    }
  }
}
