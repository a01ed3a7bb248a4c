package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes point labels whose names start with {@code __} (such as the {@code __attr_*} sibling
 * attributes a Jolokia body brings), as Prometheus removes them after relabeling: they serve input
 * rules and views, and are never exposed or forwarded. Returns the same batch when there are none.
 * Stateless and thread-safe.
 */
public final class InternalLabelsStage implements MetricStage {
  @Override
  public MetricBatch process(MetricBatch batch) {
    if (!hasInternal(batch)) {
      return batch;
    }
    // points of one Jolokia MBean share one label set: strip each distinct set once
    Map<Labels, Labels> stripped = new IdentityHashMap<>();
    List<ResourceMetrics> rs = new ArrayList<>(batch.resources().size());
    for (ResourceMetrics rm : batch.resources()) {
      List<ScopeMetrics> ss = new ArrayList<>(rm.scopes().size());
      for (ScopeMetrics sm : rm.scopes()) {
        List<Metric> ms = new ArrayList<>(sm.metrics().size());
        for (Metric m : sm.metrics()) {
          List<Point> ps = new ArrayList<>(m.points().size());
          for (Point p : m.points()) {
            ps.add(p.withLabels(stripped.computeIfAbsent(p.labels(), InternalLabelsStage::strip)));
          }
          ms.add(m.withPoints(ps));
        }
        ss.add(new ScopeMetrics(sm.scope(), ms));
      }
      rs.add(new ResourceMetrics(rm.resource(), ss));
    }
    return new MetricBatch(rs);
  }

  static Labels strip(Labels l) {
    return l.withoutPrefix("__");
  }

  private static boolean hasInternal(MetricBatch batch) {
    for (ResourceMetrics rm : batch.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        for (Metric m : sm.metrics()) {
          for (Point p : m.points()) {
            if (p.labels().hasNameWithPrefix("__")) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }
}
