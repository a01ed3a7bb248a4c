package dev.rosetta.model.view;

import dev.rosetta.model.io.TextFiles;
import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Origin;
import dev.rosetta.model.Point;
import dev.rosetta.model.SummaryPoint;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.name.ClientGolangNames;
import dev.rosetta.model.name.GoNameRecognizer;
import dev.rosetta.model.name.GoPath;
import dev.rosetta.model.name.JvmPath;
import dev.rosetta.model.name.MetricName;
import dev.rosetta.model.name.ObjectName;
import dev.rosetta.model.name.ParseResult;
import dev.rosetta.model.name.Recognition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A compiled, ordered set of views and the decisions it makes.
 *
 * <p><b>Order.</b> Views are tried in load order, user files first (in the order added), then the
 * built-in sets in {@link BuiltinViews#NAMES} order; within a file, in file order. The first view
 * whose pattern matches and none of whose excludes match wins.
 *
 * <p><b>Index.</b> Views are indexed by grammar, then by the literal first segment (Go and dotted
 * patterns) or by the literal domain and exact key set (JVM patterns); patterns without a literal
 * there (a leading capture, {@code *}, {@code ,*}, a regular expression) are candidates for every
 * name of their grammar. A decision walks only the candidate lists, merged by priority, so its cost
 * does not grow with the number of unrelated views.
 *
 * <p><b>Memo.</b> {@link #decide(String)} memoizes decisions per distinct raw name in a bounded
 * memo ({@link Builder#memoCapacity(int)}); decisions depend on the name only, never on a value.
 *
 * <p><b>Names of other Go instrumentations.</b> A name that {@link GoNameRecognizer} recognises
 * (client_golang's {@code go_cpu_classes_gc_mark_assist_cpu_seconds_total}, {@code
 * go_memstats_heap_alloc_bytes}, OpenTelemetry Go's deprecated {@code process.runtime.go.*}) is
 * decided as the runtime/metrics path it measures, so the views of that path apply to it: the same
 * family, labels and value as the path itself. Only when no view matches the path is the name
 * decided as itself. {@link #applyAll} also takes the values over: a histogram's bucket bounds back
 * to the runtime's edges, a MemStats composite minus its other part.
 *
 * <p>Immutable apart from the memo, and thread-safe.
 */
public final class ViewSet {
  /** Default number of distinct names whose decisions are remembered. */
  public static final int DEFAULT_MEMO_CAPACITY = 100_000;
  /** The largest view file read. */
  static final long MAX_VIEW_FILE_BYTES = 16L << 20;

  private static final int[] NONE = new int[0];

  private final List<View> views;
  private final SegmentIndex go;
  private final SegmentIndex dotted;
  private final JvmIndex jvm;
  private final int captureSlots;
  private final DecisionMemo memo; // null when disabled
  private final ViewSet overlay; // null when no overlay set is on

  private ViewSet(List<View> views, int memoCapacity) {
    this(views, memoCapacity, null);
  }

  private ViewSet(List<View> views, int memoCapacity, ViewSet overlay) {
    this.overlay = overlay;
    this.views = List.copyOf(views);
    SegmentIndex.Builder goIndex = new SegmentIndex.Builder();
    SegmentIndex.Builder dottedIndex = new SegmentIndex.Builder();
    JvmIndex.Builder jvmIndex = new JvmIndex.Builder();
    int slots = 0;
    for (int i = 0; i < this.views.size(); i++) {
      View v = this.views.get(i);
      NamePattern p = v.pattern();
      slots = Math.max(slots, p.captures().size());
      for (NamePattern e : v.excludes()) {
        slots = Math.max(slots, e.captures().size());
      }
      switch (p.grammar()) {
        case GO -> goIndex.add(p.firstSegment(), i);
        case DOTTED -> dottedIndex.add(p.firstSegment(), i);
        case JVM -> jvmIndex.add(p.domain(), p.keySet(), i);
      }
    }
    this.go = goIndex.build();
    this.dotted = dottedIndex.build();
    this.jvm = jvmIndex.build();
    this.captureSlots = slots;
    this.memo = memoCapacity > 0 ? new DecisionMemo(memoCapacity) : null;
  }

  /** A set without views: every name is unmatched. */
  public static ViewSet empty() {
    return new ViewSet(List.of(), DEFAULT_MEMO_CAPACITY);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The overlay views ({@link BuiltinViews#OVERLAYS}), when one is on: a set of its own whose
   * families come in addition to what this set makes of the same input. The pipeline applies both
   * to every metric; a name the overlay does not match just gets nothing more.
   */
  public Optional<ViewSet> overlay() {
    return Optional.ofNullable(overlay);
  }

  /** The views in priority order; unmodifiable. */
  public List<View> views() {
    return views;
  }

  /**
   * The decision for a raw metric name, memoized. A recognised name that stands for two paths (see
   * {@link GoNameRecognizer}) is decided as itself here; {@link #decide(String, String, boolean)}
   * tells them apart. Never throws for a bad name.
   */
  public ViewDecision decide(String rawName) {
    Objects.requireNonNull(rawName, "rawName");
    if (memo == null) {
      return decideUncached(rawName);
    }
    ViewDecision d = memo.get(rawName);
    if (d == null) {
      d = decideUncached(rawName);
      memo.put(rawName, d);
    }
    return d;
  }

  /**
   * The decision for a metric's raw name, memoized, with the metric's unit and whether it is a
   * counter: they decide which path the few recognised names that stand for two paths are.
   */
  public ViewDecision decide(String rawName, String unit, boolean counter) {
    Objects.requireNonNull(rawName, "rawName");
    Objects.requireNonNull(unit, "unit");
    if (!GoNameRecognizer.ambiguous(rawName)) {
      return decide(rawName);
    }
    String key = rawName + '\u0000' + unit + '\u0000' + counter;
    ViewDecision d = memo == null ? null : memo.get(key);
    if (d == null) {
      d = decideUncached(rawName, GoNameRecognizer.recognize(rawName, unit, counter));
      if (memo != null) {
        memo.put(key, d);
      }
    }
    return d;
  }

  /** The decision for a raw metric name, computed without the memo. Never throws for a bad name. */
  public ViewDecision decideUncached(String rawName) {
    Objects.requireNonNull(rawName, "rawName");
    return decideUncached(rawName,
        rawName.isEmpty() || rawName.charAt(0) == '/' ? Optional.empty() : GoNameRecognizer.recognize(rawName));
  }

  private ViewDecision decideUncached(String rawName, Optional<Recognition> recognition) {
    if (recognition.isPresent()) {
      Recognition r = recognition.get();
      ViewDecision d = decideParsed(r.path().text(), r.path());
      if (d.kind() != ViewDecision.Kind.UNMATCHED) {
        return d.recognized(r);
      }
    }
    ParseResult<MetricName> parsed = MetricName.parse(rawName);
    if (!parsed.isOk()) {
      return ViewDecision.malformed(rawName, parsed.error());
    }
    return decideParsed(rawName, parsed.value());
  }

  private ViewDecision decideParsed(String rawName, MetricName name) {
    Captures captures = new Captures(captureSlots);
    Captures scratch = null; // for excludes
    int[] a;
    int[] b = NONE;
    int[] c = NONE;
    int[] d = NONE;
    switch (name.grammar()) {
      case GO -> {
        a = go.byFirst(name.segments().get(0));
        b = go.any();
      }
      case DOTTED -> {
        a = dotted.byFirst(name.segments().get(0));
        b = dotted.any();
      }
      default -> {
        ObjectName on = ((JvmPath) name).objectName();
        String keys = on.canonicalKeys();
        a = jvm.exact(on.domain(), keys);
        b = jvm.domainOpen(on.domain());
        c = jvm.anyDomainExact(keys);
        d = jvm.any();
      }
    }
    // merge the (ascending) candidate lists by priority
    int ia = 0;
    int ib = 0;
    int ic = 0;
    int id = 0;
    while (true) {
      int next = Integer.MAX_VALUE;
      if (ia < a.length) {
        next = a[ia];
      }
      if (ib < b.length && b[ib] < next) {
        next = b[ib];
      }
      if (ic < c.length && c[ic] < next) {
        next = c[ic];
      }
      if (id < d.length && d[id] < next) {
        next = d[id];
      }
      if (next == Integer.MAX_VALUE) {
        return ViewDecision.unmatched(rawName, name);
      }
      if (ia < a.length && a[ia] == next) {
        ia++;
      } else if (ib < b.length && b[ib] == next) {
        ib++;
      } else if (ic < c.length && c[ic] == next) {
        ic++;
      } else {
        id++;
      }
      View view = views.get(next);
      captures.clear();
      if (view.pattern().matches(name, captures)) {
        if (view.excludes().isEmpty()) {
          return decision(rawName, name, view, captures);
        }
        if (scratch == null) {
          scratch = new Captures(captureSlots);
        }
        if (!excluded(view, name, scratch)) {
          return decision(rawName, name, view, captures);
        }
      }
    }
  }

  private static boolean excluded(View view, MetricName name, Captures scratch) {
    for (NamePattern e : view.excludes()) {
      scratch.clear();
      if (e.matches(name, scratch)) {
        return true;
      }
    }
    return false;
  }

  private static ViewDecision decision(String raw, MetricName name, View view, Captures captures) {
    if (view.isDrop()) {
      return ViewDecision.dropped(raw, name, view);
    }
    String semantic = view.nameTemplate().render(captures);
    if (semantic.isEmpty()) {
      return ViewDecision.invalid(
          raw, name, view, "the name template \"" + view.nameTemplate().source() + "\" gives an empty name");
    }
    Labels labels = Labels.empty();
    List<LabelSpec> specs = view.labels();
    if (!specs.isEmpty()) {
      Labels.Builder b = Labels.builder();
      for (LabelSpec spec : specs) {
        String value = spec.render(captures);
        if (value.isEmpty()) {
          return ViewDecision.invalid(raw, name, view, "label \"" + spec.name() + "\" is empty for this name");
        }
        b.add(spec.name(), value);
      }
      labels = b.build();
    }
    Optional<String> unit = view.unit();
    if (unit.isEmpty() && name instanceof GoPath g) {
      unit = Optional.of(g.ucumUnit());
    }
    List<Operand> operands = List.of();
    Derivation derivation = view.derivation();
    if (!derivation.isEmpty()) {
      operands = new ArrayList<>(derivation.add().size() + derivation.subtract().size());
      for (int k = 0; k < 2; k++) {
        for (Template t : k == 0 ? derivation.add() : derivation.subtract()) {
          String operand = t.render(captures);
          ParseResult<MetricName> parsed = MetricName.parse(operand);
          if (!parsed.isOk()) {
            return ViewDecision.invalid(raw, name, view, "derive: \"" + operand + "\" is not a raw name: "
                + parsed.error().message());
          }
          operands.add(new Operand(canonical(parsed.value()), k == 0 ? 1 : -1));
        }
      }
    }
    return ViewDecision.matched(raw, name, view, semantic, unit, labels, operands);
  }

  /**
   * The identity of a raw name, as {@link BatchValues} keys it: for a JVM path the canonical
   * (sorted-key) ObjectName and its segments, otherwise the text.
   */
  public static String canonical(MetricName name) {
    return name instanceof JvmPath j ? j.canonical() : name.text();
  }

  /** The number of decisions currently memoized. */
  public int memoSize() {
    return memo == null ? 0 : memo.size();
  }

  // ---------------------------------------------------------------------------------------------
  // apply

  /**
   * Maps a raw metric through its decision: semantic name, unit, type, help, labels (the view's
   * labels override the point's own labels of the same name), values scaled, histograms
   * re-bucketed. Never throws for bad input: problems are reported in the result.
   *
   * @param raw the metric as received, named by its raw name
   * @param siblings looks up sibling MBean attributes for attribute labels of JVM views
   */
  public ViewResult apply(Metric raw, SiblingAttributes siblings) {
    return apply(raw, siblings, BatchValues.none());
  }

  /**
   * {@link #apply(Metric, SiblingAttributes)}, with the values of the other raw metrics of the same
   * resource in the same batch for views that {@code derive} their value.
   */
  public ViewResult apply(Metric raw, SiblingAttributes siblings, BatchValues values) {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(siblings, "siblings");
    Objects.requireNonNull(values, "values");
    return applyAll(List.of(raw), m -> siblings, values).get(0);
  }

  /**
   * Maps metrics received together (one scope of one resource of a batch) through their decisions,
   * as {@link #apply} does one, and returns one result per metric in order. A metric whose name was
   * recognised as a Go runtime path ({@link ViewDecision#recognition()}) is mapped as that path
   * with its values taken over: histogram bucket bounds that client_golang moved below the
   * runtime's edges are moved back, and a MemStats composite (such as {@code
   * go_memstats_heap_inuse_bytes}) takes away the other part named by the recognition, which must be
   * among {@code raw} with a point of the same labels (else the result is {@link
   * ViewResult.Status#INVALID} and says so). A mapped metric records where it came from: its
   * origin is the raw metric's followed by the view ({@link ViewDecision#origin}). Never throws for
   * bad input.
   *
   * @param raw the metrics, named by their raw names
   * @param siblings the sibling MBean attributes for each metric
   */
  public List<ViewResult> applyAll(List<Metric> raw, Function<Metric, SiblingAttributes> siblings) {
    return applyAll(raw, siblings, BatchValues.none());
  }

  /**
   * {@link #applyAll(List, Function)}, with the values of the other raw metrics of the same resource
   * in the same batch for views that {@code derive} their value.
   */
  public List<ViewResult> applyAll(
      List<Metric> raw, Function<Metric, SiblingAttributes> siblings, BatchValues values) {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(siblings, "siblings");
    Objects.requireNonNull(values, "values");
    List<ViewResult> results = new ArrayList<>(raw.size());
    for (Metric m : raw) {
      ViewDecision d = decide(m.name(), m.unit(), m.type() == MetricType.COUNTER);
      Metric input = m;
      if (d.recognition().isPresent()) {
        Recognition r = d.recognition().get();
        String problem = null;
        List<Point> points = m.points();
        if (r.boundsBelowEdges()) {
          points = restoreEdges(points);
        }
        if (r.minus().isPresent()) {
          Metric other = null;
          for (Metric o : raw) {
            if (o.name().equals(r.minus().get()) && o.type() != MetricType.HISTOGRAM && o.type() != MetricType.SUMMARY) {
              other = o;
              break;
            }
          }
          if (other == null) {
            results.add(invalid(d, m.points().size(), r.input() + " gives " + r.path() + " only as a difference: "
                + r.input() + " - " + r.minus().get() + ", and " + r.minus().get() + " is not in the same batch"));
            continue;
          }
          points = minus(points, other.points());
          if (points.size() < m.points().size()) {
            problem = "no point of " + r.minus().get() + " with the same labels";
          }
        }
        if (problem != null && points.isEmpty()) {
          results.add(invalid(d, m.points().size(), problem));
          continue;
        }
        input = new Metric(r.path().text(), m.description(), r.path().ucumUnit(), m.type(), m.temporality(), points,
            m.origin());
        ViewResult result = applyDecision(d, input, m.origin(), siblingsFor(d, m, siblings), values);
        int lost = m.points().size() - points.size();
        if (problem != null && result.status() == ViewResult.Status.MAPPED) {
          String why = lost + " point(s): " + problem;
          result = new ViewResult(result.status(), d, result.metric(), result.droppedPoints() + lost,
              Optional.of(result.problem().orElse(why)), result.omittedPoints());
        }
        results.add(result);
      } else {
        results.add(applyDecision(d, input, m.origin(), siblingsFor(d, m, siblings), values));
      }
    }
    return results;
  }

  /** The metric's sibling attributes, looked up only for a decision whose labels read them. */
  private static SiblingAttributes siblingsFor(ViewDecision d, Metric m, Function<Metric, SiblingAttributes> siblings) {
    return d.attributeLabels().isEmpty() ? SiblingAttributes.none() : siblings.apply(m);
  }

  /** Histogram points with every bound moved from client_golang's float below the edge to the edge. */
  private static List<Point> restoreEdges(List<Point> points) {
    List<Point> out = new ArrayList<>(points.size());
    for (Point p : points) {
      if (p instanceof HistogramPoint h) {
        double[] bounds = h.bounds().clone();
        for (int i = 0; i < bounds.length; i++) {
          double edge = ClientGolangNames.runtimeEdge(bounds[i]);
          bounds[i] = Double.isInfinite(edge) ? bounds[i] : edge;
        }
        out.add(new HistogramPoint(h.labels(), h.startEpochNanos(), h.epochNanos(), bounds, h.counts().clone(),
            h.count(), h.sum(), h.min(), h.max(), h.receivedLabels()));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** Number points less the other metric's point of the same labels; points without one are left out. */
  private static List<Point> minus(List<Point> points, List<Point> others) {
    Map<Labels, NumberPoint> byLabels = new HashMap<>();
    for (Point o : others) {
      if (o instanceof NumberPoint np) {
        byLabels.putIfAbsent(np.labels(), np);
      }
    }
    List<Point> out = new ArrayList<>(points.size());
    for (Point p : points) {
      NumberPoint other = byLabels.get(p.labels());
      if (p instanceof NumberPoint np && other != null) {
        out.add(np.withValue(np.value() - other.value()));
      }
    }
    return out;
  }

  /**
   * @param raw the metric under the name the decision maps (a recognised name's path)
   * @param before the origin the metric came with, under the name it was decided by
   */
  private ViewResult applyDecision(
      ViewDecision d, Metric raw, Origin before, SiblingAttributes siblings, BatchValues values) {
    int n = raw.points().size();
    switch (d.kind()) {
      case MALFORMED, UNMATCHED -> {
        return new ViewResult(ViewResult.Status.UNMATCHED, d, Optional.empty(), 0, Optional.empty());
      }
      case DROPPED -> {
        return new ViewResult(ViewResult.Status.DROPPED, d, Optional.empty(), 0, Optional.empty());
      }
      case INVALID -> {
        return invalid(d, n, d.problem().orElse("invalid output"));
      }
      default -> {
        // mapped below
      }
    }
    View view = d.view().orElseThrow();
    MetricType out = d.type().orElse(raw.type());
    Optional<Reduce> reduce = d.reduce();
    boolean distribution = raw.type() == MetricType.HISTOGRAM || raw.type() == MetricType.SUMMARY;
    if (reduce.isPresent() ? !distribution : !compatible(raw.type(), out)) {
      return invalid(d, n, "view " + view.id() + " makes a " + out.word()
          + (reduce.isPresent() ? " (reduce: " + reduce.get().word() + ")" : "") + " but the input is a "
          + raw.type().word());
    }
    if (distribution && reduce.isEmpty() && (view.hasOmitValues() || !d.operands().isEmpty())) {
      return invalid(d, n, "view " + view.id() + " omits or derives number values but the input is a "
          + raw.type().word());
    }
    Labels extra = d.labels();
    if (!d.attributeLabels().isEmpty()) {
      ObjectName mbean = ((JvmPath) d.metricName().orElseThrow()).objectName();
      for (Map.Entry<String, AttributeLabel> e : d.attributeLabels().entrySet()) {
        AttributeLabel a = e.getValue();
        Optional<String> value;
        try {
          value = siblings.get(mbean, a.attribute()).map(a::valueFor).or(a::fallback);
        } catch (RuntimeException ex) {
          return invalid(d, n, "looking up attribute " + a.attribute() + " of " + mbean + " failed: " + ex);
        }
        if (value.isEmpty()) {
          return invalid(d, n, "label \"" + e.getKey() + "\" needs attribute " + a.attribute() + " of "
              + mbean.canonicalName() + ", which is unknown (give the label a default)");
        }
        if (value.get().isEmpty()) {
          return invalid(d, n, "label \"" + e.getKey() + "\" is empty (attribute " + a.attribute() + ")");
        }
        extra = extra.with(e.getKey(), value.get());
      }
    }
    Temporality temporality =
        out == MetricType.GAUGE || out == MetricType.SUMMARY || raw.type() == MetricType.GAUGE
            ? Temporality.CUMULATIVE
            : raw.temporality();
    double scale = d.scale();
    Optional<BucketLayout> buckets = d.buckets();
    // most metrics have one point: kept in a list of one, not an array list Metric would copy
    List<Point> points = n == 1 ? null : new ArrayList<>(n);
    Point single = null;
    int dropped = 0;
    int omitted = 0;
    String problem = null;
    for (Point p : raw.points()) {
      try {
        Point q = p;
        if (reduce.isPresent()) {
          q = reduced(p, reduce.get());
        }
        if (q instanceof NumberPoint np) {
          if (d.omits(np.value())) {
            omitted++;
            continue;
          }
          if (!d.operands().isEmpty()) {
            q = np.withValue(derived(np, d.operands(), values));
          }
        }
        Point mapped = mapPoint(q, extra, scale, buckets);
        if (points == null) {
          single = mapped;
        } else {
          points.add(mapped);
        }
      } catch (IllegalArgumentException e) {
        dropped++;
        if (problem == null) {
          problem = "point " + p.labels() + ": " + e.getMessage();
        }
      }
    }
    if (points == null) {
      points = single == null ? List.of() : List.of(single);
    }
    if (n > 0 && points.isEmpty()) {
      if (omitted == n) {
        return new ViewResult(ViewResult.Status.OMITTED, d, Optional.empty(), 0, Optional.empty(), omitted);
      }
      return new ViewResult(ViewResult.Status.INVALID, d, Optional.empty(), dropped, Optional.of(problem), omitted);
    }
    String help = d.help().isEmpty() ? raw.description() : d.help();
    Metric metric = new Metric(
        d.name().orElseThrow(), help, d.unit().orElse(raw.unit()), out, temporality, points, d.origin(before));
    return new ViewResult(
        ViewResult.Status.MAPPED, d, Optional.of(metric), dropped, Optional.ofNullable(problem), omitted);
  }

  private static NumberPoint reduced(Point p, Reduce reduce) {
    if (p instanceof HistogramPoint h) {
      double v = reduce == Reduce.COUNT ? h.count() : h.sum();
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("the histogram has no sum to reduce to");
      }
      return new NumberPoint(h.labels(), h.startEpochNanos(), h.epochNanos(), v, h.receivedLabels());
    }
    SummaryPoint s = (SummaryPoint) p;
    double v = reduce == Reduce.COUNT ? s.count() : s.sum();
    if (Double.isNaN(v)) {
      throw new IllegalArgumentException("the summary has no sum to reduce to");
    }
    return new NumberPoint(s.labels(), s.startEpochNanos(), s.epochNanos(), v, s.receivedLabels());
  }

  private static double derived(NumberPoint p, List<Operand> operands, BatchValues values) {
    double v = p.value();
    for (Operand o : operands) {
      java.util.OptionalDouble other = values.value(o.name(), p.labels());
      if (other.isEmpty()) {
        throw new IllegalArgumentException("derive needs " + o.name()
            + " from the same resource in the same batch, which has no such value");
      }
      v += o.sign() * other.getAsDouble();
    }
    return v;
  }

  private static ViewResult invalid(ViewDecision d, int points, String problem) {
    return new ViewResult(ViewResult.Status.INVALID, d, Optional.empty(), points, Optional.of(problem));
  }

  private static boolean compatible(MetricType in, MetricType out) {
    boolean inNumber = in == MetricType.GAUGE || in == MetricType.COUNTER || in == MetricType.UP_DOWN_COUNTER;
    boolean outNumber = out == MetricType.GAUGE || out == MetricType.COUNTER || out == MetricType.UP_DOWN_COUNTER;
    return inNumber ? outNumber : in == out;
  }

  private static Point mapPoint(Point p, Labels extra, double scale, Optional<BucketLayout> buckets) {
    Labels labels = merge(p.labels(), extra);
    if (p instanceof NumberPoint np) {
      NumberPoint q = scale == 1 ? np : np.withValue(np.value() * scale);
      return q.withLabels(labels);
    }
    if (p instanceof HistogramPoint h) {
      HistogramPoint q;
      if (buckets.isPresent()) {
        q = buckets.get().apply(h, scale);
      } else if (scale != 1) {
        double[] bounds = h.bounds().clone(); // the raw point may be shared: never scale it in place
        for (int i = 0; i < bounds.length; i++) {
          bounds[i] *= scale;
        }
        q = new HistogramPoint(h.labels(), h.startEpochNanos(), h.epochNanos(), bounds, h.counts().clone(),
            h.count(), h.sum() * scale, h.min() * scale, h.max() * scale, h.receivedLabels());
      } else {
        q = h;
      }
      return q.withLabels(labels);
    }
    SummaryPoint s = (SummaryPoint) p;
    if (scale != 1) {
      double[] values = s.values().clone();
      for (int i = 0; i < values.length; i++) {
        values[i] *= scale;
      }
      s = new SummaryPoint(s.labels(), s.startEpochNanos(), s.epochNanos(), s.count(), s.sum() * scale,
          s.quantiles().clone(), values, s.receivedLabels());
    }
    return s.withLabels(labels);
  }

  private static Labels merge(Labels own, Labels extra) {
    if (extra.isEmpty()) {
      return own;
    }
    if (own.isEmpty()) {
      return extra;
    }
    return own.withAll(extra);
  }

  // ---------------------------------------------------------------------------------------------
  // indexes

  /** Go and dotted views by literal first segment, plus the views without one. */
  private static final class SegmentIndex {
    private final Map<String, int[]> byFirst;
    private final int[] any;

    private SegmentIndex(Map<String, int[]> byFirst, int[] any) {
      this.byFirst = byFirst;
      this.any = any;
    }

    int[] byFirst(String first) {
      int[] r = byFirst.get(first);
      return r == null ? NONE : r;
    }

    int[] any() {
      return any;
    }

    static final class Builder {
      private final Map<String, List<Integer>> byFirst = new HashMap<>();
      private final List<Integer> any = new ArrayList<>();

      void add(String first, int view) {
        (first == null ? any : byFirst.computeIfAbsent(first, k -> new ArrayList<>())).add(view);
      }

      SegmentIndex build() {
        Map<String, int[]> m = new HashMap<>();
        byFirst.forEach((k, v) -> m.put(k, toArray(v)));
        return new SegmentIndex(m, toArray(any));
      }
    }
  }

  /** JVM views by literal domain and exact key set, with the open and wildcard-domain lists. */
  private static final class JvmIndex {
    private final Map<String, Map<String, int[]>> exact; // domain -> key set -> views
    private final Map<String, int[]> domainOpen;
    private final Map<String, int[]> anyDomainExact;
    private final int[] any;

    private JvmIndex(
        Map<String, Map<String, int[]>> exact,
        Map<String, int[]> domainOpen,
        Map<String, int[]> anyDomainExact,
        int[] any) {
      this.exact = exact;
      this.domainOpen = domainOpen;
      this.anyDomainExact = anyDomainExact;
      this.any = any;
    }

    int[] exact(String domain, String keys) {
      Map<String, int[]> byKeys = exact.get(domain);
      int[] r = byKeys == null ? null : byKeys.get(keys);
      return r == null ? NONE : r;
    }

    int[] domainOpen(String domain) {
      int[] r = domainOpen.get(domain);
      return r == null ? NONE : r;
    }

    int[] anyDomainExact(String keys) {
      int[] r = anyDomainExact.get(keys);
      return r == null ? NONE : r;
    }

    int[] any() {
      return any;
    }

    static final class Builder {
      private final Map<String, Map<String, List<Integer>>> exact = new HashMap<>();
      private final Map<String, List<Integer>> domainOpen = new HashMap<>();
      private final Map<String, List<Integer>> anyDomainExact = new HashMap<>();
      private final List<Integer> any = new ArrayList<>();

      void add(String domain, String keys, int view) {
        if (domain != null && keys != null) {
          exact.computeIfAbsent(domain, k -> new HashMap<>()).computeIfAbsent(keys, k -> new ArrayList<>()).add(view);
        } else if (domain != null) {
          domainOpen.computeIfAbsent(domain, k -> new ArrayList<>()).add(view);
        } else if (keys != null) {
          anyDomainExact.computeIfAbsent(keys, k -> new ArrayList<>()).add(view);
        } else {
          any.add(view);
        }
      }

      JvmIndex build() {
        Map<String, Map<String, int[]>> exactArrays = new HashMap<>();
        exact.forEach((domain, byKeys) -> exactArrays.put(domain, arrays(byKeys)));
        return new JvmIndex(exactArrays, arrays(domainOpen), arrays(anyDomainExact), toArray(any));
      }
    }
  }

  private static Map<String, int[]> arrays(Map<String, List<Integer>> lists) {
    Map<String, int[]> m = new HashMap<>();
    lists.forEach((k, v) -> m.put(k, toArray(v)));
    return m;
  }

  private static int[] toArray(List<Integer> list) {
    return list.isEmpty() ? NONE : list.stream().mapToInt(Integer::intValue).toArray();
  }

  // ---------------------------------------------------------------------------------------------
  // loading

  /**
   * Collects view sources and builds a {@link ViewSet}, reporting every problem of every source at
   * once. Not thread-safe.
   */
  public static final class Builder {
    private final List<Object[]> sources = new ArrayList<>(); // {name, Path or String text}
    private final Set<String> builtins = new LinkedHashSet<>();
    private final List<ViewLoadError> early = new ArrayList<>();
    private ClassLoader classLoader = ViewSet.class.getClassLoader();
    private int memoCapacity = DEFAULT_MEMO_CAPACITY;

    private Builder() {}

    /** A user view file, loaded in the order added; errors name it as given. */
    public Builder addFile(Path file) {
      sources.add(new Object[] {file.toString(), file});
      return this;
    }

    /** User view files, in order. */
    public Builder addFiles(Collection<Path> files) {
      files.forEach(this::addFile);
      return this;
    }

    /** View YAML given as text; {@code sourceName} names it in errors, explain and default ids. */
    public Builder addYaml(String sourceName, String yaml) {
      sources.add(new Object[] {Objects.requireNonNull(sourceName, "sourceName"), Objects.requireNonNull(yaml, "yaml")});
      return this;
    }

    /**
     * A built-in set by name ({@link BuiltinViews#NAMES}); sets load after every user file, in the
     * fixed built-in order whatever the order of the calls. An unknown name is a load error.
     */
    public Builder builtin(String set) {
      if (!BuiltinViews.isKnown(set)) {
        early.add(new ViewLoadError(BuiltinViews.sourceName(set), 0, -1, "", "",
            "unknown built-in view set \"" + set + "\"; known: " + String.join(", ", BuiltinViews.NAMES)));
      } else {
        builtins.add(set);
      }
      return this;
    }

    /** Built-in sets by name. */
    public Builder builtins(Collection<String> sets) {
      sets.forEach(this::builtin);
      return this;
    }

    /** Where built-in sets are looked up; the class loader of this library by default. */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /** How many distinct names' decisions are memoized; 0 turns the memo off. */
    public Builder memoCapacity(int capacity) {
      if (capacity < 0) {
        throw new IllegalArgumentException("negative memo capacity " + capacity);
      }
      this.memoCapacity = capacity;
      return this;
    }

    /**
     * Loads and compiles every source.
     *
     * @throws ViewLoadException listing every problem, each naming its file, view and field
     */
    public ViewSet build() throws ViewLoadException {
      List<ViewLoadError> errors = new ArrayList<>(early);
      List<View> views = new ArrayList<>();
      for (Object[] source : sources) {
        String name = (String) source[0];
        String text = source[1] instanceof Path p ? read(p, name, errors) : (String) source[1];
        if (text != null) {
          views.addAll(new ViewFileParser(name, errors).parse(text));
        }
      }
      List<View> overlayViews = new ArrayList<>();
      for (String set : BuiltinViews.NAMES) {
        if (!builtins.contains(set)) {
          continue;
        }
        List<View> into = BuiltinViews.isOverlay(set) ? overlayViews : views;
        for (String[] part : BuiltinViews.parts(set)) {
          String resource = part[0];
          String name = part[1];
          try {
            Optional<String> text = BuiltinViews.text(resource, classLoader);
            if (text.isEmpty()) {
              errors.add(new ViewLoadError(name, 0, -1, "", "",
                  "built-in view set \"" + set + "\" is missing: no resource " + resource
                      + " on the classpath (switch it off in views.builtin, or use a build that has it)"));
            } else {
              into.addAll(new ViewFileParser(name, errors).parse(text.get()));
            }
          } catch (IOException e) {
            errors.add(new ViewLoadError(name, 0, -1, "", "", "cannot read " + resource + ": " + e));
          }
        }
      }
      if (!errors.isEmpty()) {
        throw new ViewLoadException(errors);
      }
      ViewSet overlay = builtins.stream().anyMatch(BuiltinViews::isOverlay) ? new ViewSet(overlayViews, memoCapacity) : null;
      return new ViewSet(views, memoCapacity, overlay);
    }

    private static String read(Path file, String name, List<ViewLoadError> errors) {
      String problem;
      try {
        return TextFiles.readUtf8(file, "view file", MAX_VIEW_FILE_BYTES);
      } catch (TextFiles.UnreadableException e) {
        problem = e.getMessage();
      }
      errors.add(new ViewLoadError(name, 0, -1, "", "", problem));
      return null;
    }
  }
}
