package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The label limits, in the spirit of Prometheus's {@code label_limit}, {@code
 * label_name_length_limit} and {@code label_value_length_limit}, applied to every decoded request
 * before the pipeline, whatever its transport. Every attribute set a request carries is checked:
 * a resource's, a scope's and a point's, each on its own, Jolokia's sibling {@code __attr_*} labels
 * included (they ride on the points until the views stage). {@code labelLimit} bounds the number
 * of attributes in one set; {@code labelNameLengthLimit} the length of each key; {@code
 * labelValueLengthLimit} the length of each value, and of the metric name, the scope name and the
 * scope version (a series' {@code __name__}, {@code otel_scope_name} and {@code otel_scope_version}
 * values). Lengths are in UTF-16 code units, as Java and Prometheus (bytes) agree for ASCII. A limit
 * of 0 is no limit.
 *
 * <p>An offending set refuses the points it applies to and nothing else: a resource's set all the
 * points of that resource, a scope's those of the scope, a metric name those of the metric, a
 * point's that point. Refusals are counted by reason ({@code label_limit}, {@code
 * label_name_length_limit}, {@code label_value_length_limit}), reported back in {@code
 * partial_success} and logged once per metric and reason.
 *
 * <p>Immutable and thread-safe apart from the set of what was logged. O(size of the batch): each
 * attribute set is checked once per instance (points sharing a set share the check).
 */
public final class LabelLimits {
  private static final Logger LOG = Logger.getLogger(LabelLimits.class.getName());
  private static final int MAX_LOGGED = 1000;

  /** No limits at all. */
  public static final LabelLimits NONE = new LabelLimits(0, 0, 0);

  public static final String LABEL_LIMIT = "label_limit";
  public static final String NAME_LENGTH = "label_name_length_limit";
  public static final String VALUE_LENGTH = "label_value_length_limit";

  private final int labelLimit;
  private final int nameLengthLimit;
  private final int valueLengthLimit;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  /** Each limit 0 (none) or positive. */
  public LabelLimits(int labelLimit, int nameLengthLimit, int valueLengthLimit) {
    if (labelLimit < 0 || nameLengthLimit < 0 || valueLengthLimit < 0) {
      throw new IllegalArgumentException("label limits must be 0 (no limit) or positive");
    }
    this.labelLimit = labelLimit;
    this.nameLengthLimit = nameLengthLimit;
    this.valueLengthLimit = valueLengthLimit;
  }

  public boolean isNone() {
    return labelLimit == 0 && nameLengthLimit == 0 && valueLengthLimit == 0;
  }

  /**
   * What is left of a batch: the batch itself when nothing is refused.
   *
   * @param refusedByReason refused points by reason, in the order first met (empty when none)
   * @param message for {@code partial_success}: the counts by reason and the first problem ("" when none)
   */
  public record Result(MetricBatch batch, long refused, Map<String, Long> refusedByReason, String message) {}

  public Result apply(MetricBatch batch) {
    if (isNone()) {
      return new Result(batch, 0, Map.of(), "");
    }
    Check check = new Check();
    List<ResourceMetrics> resources = null;
    int ri = 0;
    for (ResourceMetrics rm : batch.resources()) {
      ResourceMetrics kept = resource(rm, check);
      if (kept != rm && resources == null) {
        resources = new ArrayList<>(batch.resources().subList(0, ri));
      }
      if (resources != null && kept != null) {
        resources.add(kept);
      }
      ri++;
    }
    if (resources == null) {
      return new Result(batch, 0, Map.of(), "");
    }
    return new Result(new MetricBatch(resources), check.refused, check.byReason, check.message());
  }

  /** The resource with what passes: itself when everything does, null when nothing does. */
  private ResourceMetrics resource(ResourceMetrics rm, Check check) {
    String problem = problem(rm.resource(), "resource attributes");
    if (problem != null) {
      refuseAll(rm.scopes(), check, problem);
      return null;
    }
    List<ScopeMetrics> scopes = null;
    int si = 0;
    for (ScopeMetrics sm : rm.scopes()) {
      ScopeMetrics kept = scope(sm, check);
      if (kept != sm && scopes == null) {
        scopes = new ArrayList<>(rm.scopes().subList(0, si));
      }
      if (scopes != null && kept != null) {
        scopes.add(kept);
      }
      si++;
    }
    if (scopes == null) {
      return rm;
    }
    return scopes.isEmpty() ? null : new ResourceMetrics(rm.resource(), scopes);
  }

  private ScopeMetrics scope(ScopeMetrics sm, Check check) {
    InstrumentationScope s = sm.scope();
    String problem = tooLong(s.name(), "scope name");
    if (problem == null) {
      problem = tooLong(s.version(), "scope version");
    }
    if (problem == null) {
      problem = problem(s.attributes(), "scope attributes");
    }
    if (problem != null) {
      refuseAll(List.of(sm), check, problem);
      return null;
    }
    List<Metric> metrics = null;
    int mi = 0;
    for (Metric m : sm.metrics()) {
      Metric kept = metric(m, check);
      if (kept != m && metrics == null) {
        metrics = new ArrayList<>(sm.metrics().subList(0, mi));
      }
      if (metrics != null && kept != null) {
        metrics.add(kept);
      }
      mi++;
    }
    if (metrics == null) {
      return sm;
    }
    return metrics.isEmpty() ? null : new ScopeMetrics(s, metrics);
  }

  private Metric metric(Metric m, Check check) {
    String problem = tooLong(m.name(), "metric name");
    if (problem != null) {
      check.refuse(m, m.points().size(), problem);
      return null;
    }
    List<Point> points = null;
    int pi = 0;
    Labels lastChecked = null;
    String lastProblem = null;
    for (Point p : m.points()) {
      Labels l = p.labels();
      if (l != lastChecked) {
        lastChecked = l;
        lastProblem = problem(l, "point attributes");
      }
      if (lastProblem != null) {
        check.refuse(m, 1, lastProblem);
        if (points == null) {
          points = new ArrayList<>(m.points().subList(0, pi));
        }
      } else if (points != null) {
        points.add(p);
      }
      pi++;
    }
    if (points == null) {
      return m;
    }
    return points.isEmpty() ? null : m.withPoints(points);
  }

  private static void refuseAll(List<ScopeMetrics> scopes, Check check, String problem) {
    for (ScopeMetrics sm : scopes) {
      for (Metric m : sm.metrics()) {
        check.refuse(m, m.points().size(), problem);
      }
    }
  }

  /** The first limit a set breaks, as "reason\u0000detail", or null. */
  private String problem(Labels l, String what) {
    if (labelLimit > 0 && l.size() > labelLimit) {
      return LABEL_LIMIT + "\u0000" + what + ": " + l.size() + " attributes, over label_limit " + labelLimit;
    }
    if (nameLengthLimit > 0 || valueLengthLimit > 0) {
      for (int i = 0; i < l.size(); i++) {
        String n = l.name(i);
        if (nameLengthLimit > 0 && n.length() > nameLengthLimit) {
          return NAME_LENGTH + "\u0000" + what + ": key \"" + abbreviate(n) + "\" of " + n.length()
              + " characters, over label_name_length_limit " + nameLengthLimit;
        }
        String v = l.value(i);
        if (valueLengthLimit > 0 && v.length() > valueLengthLimit) {
          return VALUE_LENGTH + "\u0000" + what + ": the value of \"" + abbreviate(n) + "\" has " + v.length()
              + " characters, over label_value_length_limit " + valueLengthLimit;
        }
      }
    }
    return null;
  }

  private String tooLong(String value, String what) {
    if (valueLengthLimit > 0 && value.length() > valueLengthLimit) {
      return VALUE_LENGTH + "\u0000" + what + " \"" + abbreviate(value) + "\" has " + value.length()
          + " characters, over label_value_length_limit " + valueLengthLimit;
    }
    return null;
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 60) + "..." : s;
  }

  /** The refusals of one batch. */
  private final class Check {
    long refused;
    final Map<String, Long> byReason = new LinkedHashMap<>();
    String first;

    void refuse(Metric m, int points, String problem) {
      if (points <= 0) {
        return;
      }
      int cut = problem.indexOf('\u0000');
      String reason = problem.substring(0, cut);
      String detail = "metric " + abbreviate(m.name()) + ": " + problem.substring(cut + 1);
      refused += points;
      byReason.merge(reason, (long) points, Long::sum);
      if (first == null) {
        first = detail;
      }
      String key = reason + "\u0000" + abbreviate(m.name());
      if (logged.size() < MAX_LOGGED && logged.add(key)) {
        LOG.warning("points refused by the label limits: " + detail + " (counted in"
            + " rosetta_receiver_refused_points_total{reason=\"" + reason + "\"}; logged once per metric and reason)");
      }
    }

    String message() {
      StringBuilder sb = new StringBuilder().append(refused).append(" points refused by label limits (");
      String sep = "";
      for (Map.Entry<String, Long> e : byReason.entrySet()) {
        sb.append(sep).append(e.getKey()).append(": ").append(e.getValue());
        sep = ", ";
      }
      return sb.append("); first: ").append(first).toString();
    }
  }
}
