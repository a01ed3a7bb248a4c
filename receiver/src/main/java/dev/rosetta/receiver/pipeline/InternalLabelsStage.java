package dev.rosetta.receiver.pipeline;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import java.util.ArrayList;
import java.util.List;

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
    List<ResourceMetrics> rs = new ArrayList<>(batch.resources().size());
    for (ResourceMetrics rm : batch.resources()) {
      List<ScopeMetrics> ss = new ArrayList<>(rm.scopes().size());
      for (ScopeMetrics sm : rm.scopes()) {
        List<Metric> ms = new ArrayList<>(sm.metrics().size());
        for (Metric m : sm.metrics()) {
          List<Point> ps = new ArrayList<>(m.points().size());
          for (Point p : m.points()) {
            ps.add(p.withLabels(strip(p.labels())));
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
    Labels out = l;
    for (int i = 0; i < l.size(); i++) {
      if (l.name(i).startsWith("__")) {
        out = out.without(l.name(i));
      }
    }
    return out;
  }

  private static boolean hasInternal(MetricBatch batch) {
    for (ResourceMetrics rm : batch.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        for (Metric m : sm.metrics()) {
          for (Point p : m.points()) {
            Labels l = p.labels();
            // names are sorted: any "__" name sorts before letters and digits
            if (l.size() > 0 && l.name(0).startsWith("__")) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }
}
