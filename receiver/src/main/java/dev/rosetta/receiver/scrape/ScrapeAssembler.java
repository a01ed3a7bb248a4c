package dev.rosetta.receiver.scrape;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.InstrumentationScope;
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
import dev.rosetta.relabel.RelabelRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the samples of one scrape into a batch, sample by sample as Prometheus appends them:
 *
 * <ol>
 *   <li>the target's labels are merged in ({@code honor_labels: false}: the target's win and a
 *       clashing exposed label is kept as {@code exported_<name>}; {@code true}: the exposed ones
 *       win);
 *   <li>the job's {@code metric_relabel_configs} run on the sample's labels with {@code __name__} =
 *       the sample name ({@code foo_bucket}, {@code foo_total}, ...); a dropped sample is gone;
 *   <li>{@code sample_limit} counts the samples left; the label limits check each of them. Past a
 *       limit the whole scrape fails (the caller reports it and the target's series go stale).
 * </ol>
 *
 * <p>Then the samples are put together as the OpenTelemetry Collector's {@code prometheus} receiver
 * does: a counter, gauge or untyped sample is one point of the metric named as the sample ({@code
 * foo_total} stays {@code foo_total}); a histogram's {@code _bucket}/{@code _sum}/{@code _count}
 * samples with the same other labels are one cumulative histogram point named as the family; a
 * summary's quantiles, sum and count likewise. A sample renamed by relabeling keeps its role when
 * its new name keeps the role's suffix, and is a gauge of its own otherwise. {@code job} and
 * {@code instance} become the resource ({@code service.name}, {@code service.instance.id}); the other
 * labels are point attributes. Timestamps exposed by the target are used under
 * {@code honor_timestamps}, the scrape time otherwise. OpenMetrics {@code _created} samples are not
 * series. A histogram whose buckets do not add up (decreasing, duplicate or non-integral counts) is
 * left out and counted as invalid; the rest of the scrape goes on.
 *
 * <p>Not thread-safe: one instance per scrape.
 */
final class ScrapeAssembler implements ExpositionSink {
  /** The per-job settings that shape a scrape's samples. */
  record Settings(
      boolean honorLabels,
      boolean honorTimestamps,
      RelabelRules metricRelabel,
      int sampleLimit,
      int labelLimit,
      int labelNameLengthLimit,
      int labelValueLengthLimit) {
    Settings {
      Objects.requireNonNull(metricRelabel, "metricRelabel");
    }

    static Settings defaults() {
      return new Settings(false, true, RelabelRules.none(), 0, 0, 0, 0);
    }
  }

  /** Why a scrape's samples were refused as a whole. */
  static final class LimitExceeded extends ExpositionException {
    private static final long serialVersionUID = 1L;
    final ScrapeFailure reason;

    LimitExceeded(ScrapeFailure reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /** What a scrape gave. */
  record Result(
      MetricBatch batch,
      int scraped,
      int kept,
      int seriesAdded,
      Set<Long> series,
      int invalid,
      String firstInvalid) {}

  private final Settings settings;
  private final Labels target;
  private final long scrapeTimeMillis;
  private final boolean openMetrics;
  private final Set<Long> previousSeries;
  private final Set<Long> series = new HashSet<>();
  private final Map<String, String> help = new LinkedHashMap<>();
  private final Map<Labels, Map<String, Acc>> resources = new LinkedHashMap<>();
  private int scraped;
  private int kept;
  private int seriesAdded;
  private int invalid;
  private String firstInvalid = "";
  private LimitExceeded sampleLimit;

  /**
   * @param target the target's labels after relabeling ({@code job}, {@code instance}, ...), without
   *     {@code __} labels
   * @param previousSeries the series hashes of the target's last scrape, to count new series
   */
  ScrapeAssembler(Settings settings, Labels target, long scrapeTimeMillis, boolean openMetrics,
      Set<Long> previousSeries) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.target = Objects.requireNonNull(target, "target");
    this.scrapeTimeMillis = scrapeTimeMillis;
    this.openMetrics = openMetrics;
    this.previousSeries = Objects.requireNonNull(previousSeries, "previousSeries");
  }

  @Override
  public void help(String family, String text) {
    help.putIfAbsent(family, text);
  }

  @Override
  public void sample(String name, Labels labels, double value, long timestampMillis, String family, FamilyType type,
      FamilyType.SampleRole role) throws ExpositionException {
    scraped++;
    if (role == FamilyType.SampleRole.CREATED) {
      return;
    }
    Labels merged = merge(name, labels);
    Labels out = settings.metricRelabel().apply(merged);
    if (out == null) {
      return;
    }
    String newName = out.get("__name__");
    if (newName == null || newName.isEmpty()) {
      invalid("a sample lost its name in metric_relabel_configs: " + labels);
      return;
    }
    kept++;
    if (settings.sampleLimit() > 0 && kept > settings.sampleLimit()) {
      if (sampleLimit == null) {
        sampleLimit = new LimitExceeded(ScrapeFailure.SAMPLE_LIMIT,
            "sample_limit exceeded: more than " + settings.sampleLimit() + " samples after metric relabeling");
      }
      return; // keep counting what was scraped, as Prometheus does
    }
    checkLabelLimits(out, newName);
    long hash = hash(out);
    series.add(hash);
    if (!previousSeries.contains(hash)) {
      seriesAdded++;
    }
    if (sampleLimit != null) {
      return;
    }
    add(name, newName, out, value, timestampMillis, family, type, role);
  }

  /** The sample's labels with the target's, by {@code honor_labels}; {@code __name__} included. */
  private Labels merge(String name, Labels labels) {
    Labels.Builder b = labels.toBuilder();
    b.put("__name__", name);
    if (settings.honorLabels()) {
      for (int i = 0; i < target.size(); i++) {
        String v = labels.get(target.name(i));
        if (v == null || v.isEmpty()) {
          b.put(target.name(i), target.value(i));
        }
      }
      return b.build();
    }
    List<String[]> conflicts = null;
    for (int i = 0; i < target.size(); i++) {
      String exposed = labels.get(target.name(i));
      if (exposed != null && !exposed.isEmpty()) {
        if (conflicts == null) {
          conflicts = new ArrayList<>();
        }
        conflicts.add(new String[] {target.name(i), exposed});
      }
      b.put(target.name(i), target.value(i));
    }
    if (conflicts == null) {
      return b.build();
    }
    // shortest names first, each moved to the first free exported_ name
    conflicts.sort((x, y) -> x[0].length() - y[0].length());
    Labels partial = b.build();
    for (String[] c : conflicts) {
      String n = c[0];
      while (true) {
        n = "exported_" + n;
        String v = partial.get(n);
        if (v == null || v.isEmpty()) {
          partial = partial.with(n, c[1]);
          break;
        }
      }
    }
    return partial;
  }

  private void checkLabelLimits(Labels l, String name) throws LimitExceeded {
    if (settings.labelLimit() > 0 && l.size() > settings.labelLimit()) {
      throw new LimitExceeded(ScrapeFailure.LABEL_LIMIT, "label_limit exceeded (metric: "
          + TextFormatParser.shorten(name) + ", number of labels: " + l.size() + ", limit: " + settings.labelLimit() + ")");
    }
    if (settings.labelNameLengthLimit() == 0 && settings.labelValueLengthLimit() == 0) {
      return;
    }
    for (int i = 0; i < l.size(); i++) {
      if (settings.labelNameLengthLimit() > 0 && l.name(i).length() > settings.labelNameLengthLimit()) {
        throw new LimitExceeded(ScrapeFailure.LABEL_LIMIT, "label_name_length_limit exceeded (metric: "
            + TextFormatParser.shorten(name) + ", label name: " + TextFormatParser.shorten(l.name(i)) + ", length: "
            + l.name(i).length() + ", limit: " + settings.labelNameLengthLimit() + ")");
      }
      if (settings.labelValueLengthLimit() > 0 && l.value(i).length() > settings.labelValueLengthLimit()) {
        throw new LimitExceeded(ScrapeFailure.LABEL_LIMIT, "label_value_length_limit exceeded (metric: "
            + TextFormatParser.shorten(name) + ", label name: " + TextFormatParser.shorten(l.name(i)) + ", length: "
            + l.value(i).length() + ", limit: " + settings.labelValueLengthLimit() + ")");
      }
    }
  }

  /** FNV-1a over names and values: a series' identity within a target, for scrape_series_added. */
  private static long hash(Labels l) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < l.size(); i++) {
      h = fnv(h, l.name(i));
      h = fnv(h, l.value(i));
    }
    return h;
  }

  private static long fnv(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= 0xff;
    h *= 0x100000001b3L;
    return h;
  }

  // ---- assembling families -----------------------------------------------------------------

  /** One metric being put together: its points by label set. */
  private static final class Acc {
    final String name;
    final MetricType type;
    final String help;
    final Map<Labels, PointAcc> points = new LinkedHashMap<>();

    Acc(String name, MetricType type, String help) {
      this.name = name;
      this.type = type;
      this.help = help;
    }
  }

  /** The samples of one point. */
  private static final class PointAcc {
    long time = Long.MIN_VALUE;
    double value = Double.NaN;
    boolean hasValue;
    double count = Double.NaN;
    double sum = Double.NaN;
    List<double[]> parts; // {bound or quantile, value}
    boolean bad;
  }

  private void add(String oldName, String newName, Labels out, double value, long ts, String family,
      FamilyType type, FamilyType.SampleRole role) {
    if (type == FamilyType.GAUGE_HISTOGRAM) {
      // no such type downstream: its samples are gauges of their own
      type = FamilyType.UNKNOWN;
      role = FamilyType.SampleRole.VALUE;
      family = newName;
    } else if (!newName.equals(oldName)) {
      String suffix = oldName.substring(family.length());
      if (role == FamilyType.SampleRole.VALUE) {
        family = newName;
      } else if (newName.length() > suffix.length() && newName.endsWith(suffix)) {
        family = newName.substring(0, newName.length() - suffix.length());
      } else {
        type = FamilyType.UNKNOWN;
        role = FamilyType.SampleRole.VALUE;
        family = newName;
      }
    }
    Labels.Builder resource = Labels.builder();
    Labels.Builder attrs = Labels.builder();
    for (int i = 0; i < out.size(); i++) {
      String ln = out.name(i);
      String lv = out.value(i);
      switch (ln) {
        case "job" -> resource.add("service.name", lv);
        case "instance" -> resource.add("service.instance.id", lv);
        case "__name__" -> { }
        case "le" -> {
          if (role != FamilyType.SampleRole.BUCKET) {
            attrs.add(ln, lv);
          }
        }
        case "quantile" -> {
          if (role != FamilyType.SampleRole.QUANTILE) {
            attrs.add(ln, lv);
          }
        }
        default -> {
          if (!ln.startsWith("__")) {
            attrs.add(ln, lv);
          }
        }
      }
    }
    Map<String, Acc> metrics = resources.computeIfAbsent(resource.build(), k -> new LinkedHashMap<>());
    String metricName = role == FamilyType.SampleRole.VALUE ? newName : family;
    MetricType mt = switch (type) {
      case COUNTER -> MetricType.COUNTER;
      case HISTOGRAM -> role == FamilyType.SampleRole.VALUE ? MetricType.GAUGE : MetricType.HISTOGRAM;
      case SUMMARY -> role == FamilyType.SampleRole.VALUE ? MetricType.GAUGE : MetricType.SUMMARY;
      default -> MetricType.GAUGE;
    };
    String familyHelp = help.getOrDefault(family, "");
    Acc acc = metrics.computeIfAbsent(metricName + "\u0000" + mt, k -> new Acc(metricName, mt, familyHelp));
    PointAcc p = acc.points.computeIfAbsent(attrs.build(), k -> new PointAcc());
    long time = settings.honorTimestamps() && ts != NO_TIMESTAMP ? ts : scrapeTimeMillis;
    p.time = Math.max(p.time, time);
    switch (role) {
      case VALUE -> {
        if (p.hasValue) {
          invalid("duplicate sample of " + TextFormatParser.shorten(newName) + " " + out + "; the first is kept");
        } else {
          p.value = value;
          p.hasValue = true;
        }
      }
      case COUNT -> p.count = value;
      case SUM -> p.sum = value;
      case BUCKET, QUANTILE -> {
        String key = role == FamilyType.SampleRole.BUCKET ? "le" : "quantile";
        String text = out.get(key);
        double at = text == null ? Double.NaN : parseBound(text);
        if (Double.isNaN(at)) {
          p.bad = true;
          invalid(TextFormatParser.shorten(family) + ": a sample with a missing or invalid " + key + " label: " + out);
        } else {
          if (p.parts == null) {
            p.parts = new ArrayList<>();
          }
          p.parts.add(new double[] {at, value});
        }
      }
      case CREATED -> { }
    }
  }

  private static double parseBound(String text) {
    switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "+inf", "inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (!TextFormatParser.isGoFloat(text)) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private void invalid(String problem) {
    invalid++;
    if (firstInvalid.isEmpty()) {
      firstInvalid = problem;
    }
  }

  /**
   * The batch, once the body is parsed.
   *
   * @throws LimitExceeded when sample_limit was exceeded
   */
  Result finish() throws LimitExceeded {
    if (sampleLimit != null) {
      throw sampleLimit;
    }
    List<ResourceMetrics> out = new ArrayList<>(resources.size());
    for (Map.Entry<Labels, Map<String, Acc>> r : resources.entrySet()) {
      List<Metric> metrics = new ArrayList<>(r.getValue().size());
      for (Acc acc : r.getValue().values()) {
        List<Point> points = new ArrayList<>(acc.points.size());
        for (Map.Entry<Labels, PointAcc> e : acc.points.entrySet()) {
          Point p = point(acc, e.getKey(), e.getValue());
          if (p != null) {
            points.add(p);
          }
        }
        if (!points.isEmpty()) {
          metrics.add(new Metric(acc.name, acc.help, "", acc.type, Temporality.CUMULATIVE, points));
        }
      }
      if (!metrics.isEmpty()) {
        out.add(new ResourceMetrics(r.getKey(), List.of(new ScopeMetrics(InstrumentationScope.empty(), metrics))));
      }
    }
    return new Result(new MetricBatch(out), scraped, kept, seriesAdded, series, invalid, firstInvalid);
  }

  private Point point(Acc acc, Labels labels, PointAcc p) {
    long nanos = p.time * 1_000_000L;
    switch (acc.type) {
      case HISTOGRAM -> {
        return histogram(acc, labels, p, nanos);
      }
      case SUMMARY -> {
        if (p.bad) {
          return null;
        }
        List<double[]> q = p.parts == null ? new ArrayList<>() : p.parts;
        q.sort((a, b) -> Double.compare(a[0], b[0]));
        double[] quantiles = new double[q.size()];
        double[] values = new double[q.size()];
        for (int i = 0; i < q.size(); i++) {
          quantiles[i] = q.get(i)[0];
          values[i] = q.get(i)[1];
          if (!(quantiles[i] >= 0 && quantiles[i] <= 1) || (i > 0 && quantiles[i] == quantiles[i - 1])) {
            invalid(TextFormatParser.shorten(acc.name) + ": quantile " + quantiles[i] + " out of [0, 1] or repeated");
            return null;
          }
        }
        long count = Double.isNaN(p.count) ? 0 : toCount(p.count);
        if (count < 0) {
          invalid(TextFormatParser.shorten(acc.name) + ": invalid count " + p.count);
          return null;
        }
        return new SummaryPoint(labels, 0, nanos, count, p.sum, quantiles, values);
      }
      default -> {
        return p.hasValue ? new NumberPoint(labels, 0, nanos, p.value) : null;
      }
    }
  }

  private Point histogram(Acc acc, Labels labels, PointAcc p, long nanos) {
    if (p.bad) {
      return null;
    }
    List<double[]> b = p.parts == null ? new ArrayList<>() : p.parts;
    b.sort((x, y) -> Double.compare(x[0], y[0]));
    double total = p.count;
    int finite = 0;
    for (double[] x : b) {
      if (x[0] == Double.POSITIVE_INFINITY) {
        if (Double.isNaN(total)) {
          total = x[1];
        }
      } else {
        finite++;
      }
    }
    if (Double.isNaN(total)) {
      invalid(TextFormatParser.shorten(acc.name) + ": a histogram without a count or +Inf bucket " + labels);
      return null;
    }
    double[] bounds = new double[finite];
    long[] counts = new long[finite + 1];
    long totalCount = toCount(total);
    long previous = 0;
    int i = 0;
    for (double[] x : b) {
      if (x[0] == Double.POSITIVE_INFINITY) {
        continue;
      }
      long cumulative = toCount(x[1]);
      if (Double.isInfinite(x[0]) || cumulative < previous || (i > 0 && bounds[i - 1] == x[0])) {
        invalid(TextFormatParser.shorten(acc.name) + ": buckets do not add up (bound " + x[0] + ", cumulative count "
            + x[1] + ") " + labels);
        return null;
      }
      bounds[i] = x[0];
      counts[i] = cumulative - previous;
      previous = cumulative;
      i++;
    }
    if (totalCount < previous) {
      invalid(TextFormatParser.shorten(acc.name) + ": count " + total + " is below the last bucket's " + previous + " "
          + labels);
      return null;
    }
    counts[finite] = totalCount - previous;
    return new HistogramPoint(labels, 0, nanos, bounds, counts, totalCount, p.sum, Double.NaN, Double.NaN);
  }

  /** A count as a long; -1 for NaN, negative or infinite values. */
  private static long toCount(double v) {
    if (!(v >= 0) || Double.isInfinite(v) || v > 9.0e18) {
      return -1;
    }
    return Math.round(v);
  }

  /** For tests: the metrics of one resource, by name. */
  static Map<String, Metric> byName(MetricBatch batch) {
    Map<String, Metric> m = new LinkedHashMap<>();
    for (ResourceMetrics rm : batch.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        for (Metric x : sm.metrics()) {
          m.put(x.name(), x);
        }
      }
    }
    return m;
  }
}
