package dev.rosetta.receiver.forward;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request into pieces of at most {@code maxPoints} data points.
 *
 * <p>Cuts prefer metric boundaries: a metric that fits into a piece of its own is never divided; it
 * starts a new piece when the current one has no room. Only a metric with more than {@code maxPoints}
 * points is cut by points (filling the current piece first). Each piece repeats the resource and
 * scope (with their schema URLs) of the metrics it holds; the order of resources, scopes, metrics and
 * points is kept, so concatenating the pieces gives back the original content. Stateless.
 */
final class RequestSplitter {
  private RequestSplitter() {}

  static List<QueuedRequest> split(ExportMetricsServiceRequest request, int maxPoints) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("maxPoints must be >= 1, got " + maxPoints);
    }
    Chunker chunker = new Chunker(maxPoints);
    List<ResourceMetrics> rms = request.getResourceMetricsList();
    for (int r = 0; r < rms.size(); r++) {
      ResourceMetrics rm = rms.get(r);
      if (rm.getScopeMetricsCount() == 0) {
        chunker.addBareResource(rm);
        continue;
      }
      for (int s = 0; s < rm.getScopeMetricsCount(); s++) {
        ScopeMetrics sm = rm.getScopeMetrics(s);
        if (sm.getMetricsCount() == 0) {
          chunker.open(r, rm, s, sm);
          continue;
        }
        for (Metric m : sm.getMetricsList()) {
          chunker.add(r, rm, s, sm, m);
        }
      }
    }
    chunker.flush();
    return chunker.out;
  }

  /**
   * {@code pieces} of {@code whole}, recounted so that they add up to {@code whole.points()}: the
   * figure {@code enqueued} was charged with. Only a caller that offered a wrong count needs this;
   * the difference goes to the last pieces. Never returns an empty list.
   */
  static List<QueuedRequest> charge(List<QueuedRequest> pieces, QueuedRequest whole) {
    if (pieces.isEmpty()) {
      return List.of(whole);
    }
    List<QueuedRequest> out = new ArrayList<>(pieces);
    int last = out.size() - 1;
    int diff = whole.points() - pieces.stream().mapToInt(QueuedRequest::points).sum();
    if (diff > 0) {
      QueuedRequest p = out.get(last);
      out.set(last, new QueuedRequest(p.request(), p.points() + diff));
    }
    for (int i = last, excess = -diff; i >= 0 && excess > 0; i--) {
      QueuedRequest p = out.get(i);
      int take = Math.min(excess, p.points());
      out.set(i, new QueuedRequest(p.request(), p.points() - take));
      excess -= take;
    }
    return out;
  }

  /** A copy of {@code metric} holding only its data points {@code [from, to)}. */
  static Metric slice(Metric metric, int from, int to) {
    Metric.Builder b = metric.toBuilder();
    switch (metric.getDataCase()) {
      case GAUGE -> b.getGaugeBuilder()
          .clearDataPoints()
          .addAllDataPoints(metric.getGauge().getDataPointsList().subList(from, to));
      case SUM -> b.getSumBuilder()
          .clearDataPoints()
          .addAllDataPoints(metric.getSum().getDataPointsList().subList(from, to));
      case HISTOGRAM -> b.getHistogramBuilder()
          .clearDataPoints()
          .addAllDataPoints(metric.getHistogram().getDataPointsList().subList(from, to));
      case EXPONENTIAL_HISTOGRAM -> b.getExponentialHistogramBuilder()
          .clearDataPoints()
          .addAllDataPoints(
              metric.getExponentialHistogram().getDataPointsList().subList(from, to));
      case SUMMARY -> b.getSummaryBuilder()
          .clearDataPoints()
          .addAllDataPoints(metric.getSummary().getDataPointsList().subList(from, to));
      case DATA_NOT_SET -> throw new IllegalArgumentException("metric without data points");
    }
    return b.build();
  }

  /** Accumulates pieces; the open resource and scope are identified by their index in the input. */
  private static final class Chunker {
    private final int max;
    private final List<QueuedRequest> out = new ArrayList<>();
    private ExportMetricsServiceRequest.Builder piece = ExportMetricsServiceRequest.newBuilder();
    private int points;
    private ResourceMetrics.Builder resource;
    private int resourceIndex = -1;
    private ScopeMetrics.Builder scope;
    private int scopeIndex = -1;

    Chunker(int max) {
      this.max = max;
    }

    void add(int r, ResourceMetrics rm, int s, ScopeMetrics sm, Metric m) {
      int n = OtlpDataPoints.count(m);
      if (n <= max - points) {
        open(r, rm, s, sm).addMetrics(m);
        points += n;
        return;
      }
      if (n <= max) {
        // keep the metric whole: it starts the next piece
        flush();
        open(r, rm, s, sm).addMetrics(m);
        points += n;
        return;
      }
      // larger than any piece may be: cut it by points, filling the current piece first
      int from = 0;
      while (from < n) {
        if (points == max) {
          flush();
        }
        int take = Math.min(max - points, n - from);
        open(r, rm, s, sm).addMetrics(slice(m, from, from + take));
        points += take;
        from += take;
      }
    }

    void addBareResource(ResourceMetrics rm) {
      closeResource();
      piece.addResourceMetrics(rm);
    }

    ScopeMetrics.Builder open(int r, ResourceMetrics rm, int s, ScopeMetrics sm) {
      if (resource == null || resourceIndex != r) {
        closeResource();
        resource = rm.toBuilder().clearScopeMetrics();
        resourceIndex = r;
      }
      if (scope == null || scopeIndex != s) {
        closeScope();
        scope = sm.toBuilder().clearMetrics();
        scopeIndex = s;
      }
      return scope;
    }

    private void closeScope() {
      if (scope != null) {
        resource.addScopeMetrics(scope);
        scope = null;
        scopeIndex = -1;
      }
    }

    private void closeResource() {
      closeScope();
      if (resource != null) {
        piece.addResourceMetrics(resource);
        resource = null;
        resourceIndex = -1;
      }
    }

    void flush() {
      closeResource();
      if (piece.getResourceMetricsCount() > 0) {
        out.add(new QueuedRequest(piece.build(), points));
      }
      piece = ExportMetricsServiceRequest.newBuilder();
      points = 0;
    }
  }
}
