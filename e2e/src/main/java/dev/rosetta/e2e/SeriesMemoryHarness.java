package dev.rosetta.e2e;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Origin;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.aggregate.AggregateOp;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.store.SeriesBudget;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.exposition.StoreCollector;
import io.prometheus.client.CollectorRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Measures what one series costs in the heap: fills a {@link SeriesStore} with {@code --series}
 * series of each shape, and prints the heap retained per series (after full GCs), the bytes a
 * scrape allocates per series, and the default budget {@link SeriesBudget} derives for common heaps.
 *
 * <pre>
 * java -Xmx2g -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.SeriesMemoryHarness \
 *     [--series 200000]
 * </pre>
 *
 * Shapes: one series per family (distinct names, as a cardinality explosion of names brings),
 * distinct names with three attributes, one family with three attributes per series, and an
 * aggregated family (contributions of distinct sources). Strings are fresh per series, as decoded
 * requests bring them. In-process; nothing listens.
 */
public final class SeriesMemoryHarness {
  private SeriesMemoryHarness() {}

  public static void main(String[] args) throws Exception {
    int series = 200_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--series")) {
        series = Integer.parseInt(args[++i]);
      } else {
        System.err.println("usage: SeriesMemoryHarness [--series N]");
        System.exit(2);
      }
    }
    System.out.printf(Locale.ROOT, "max heap %d MiB, %d series per shape%n",
        Runtime.getRuntime().maxMemory() >> 20, series);
    System.out.printf(Locale.ROOT, "%-44s %12s %16s%n", "shape", "heap B/series", "scrape alloc B/series");
    for (Shape shape : Shape.values()) {
      measure(shape, series);
    }
    for (long mib : new long[] {256, 512, 1024, 2048, 4096}) {
      System.out.printf(Locale.ROOT, "default budget for -Xmx%dm: %,d series%n", mib,
          SeriesBudget.derived(mib << 20));
    }
  }

  enum Shape {
    DISTINCT_NAMES("one series per family (distinct names)"),
    DISTINCT_NAMES_3_ATTRIBUTES("distinct names, 3 attributes"),
    ONE_FAMILY_3_ATTRIBUTES("one family, 3 attributes per series"),
    AGGREGATED_CONTRIBUTIONS("aggregate contributions (1 series each)");

    final String title;

    Shape(String title) {
      this.title = title;
    }
  }

  static void measure(Shape shape, int n) {
    SeriesStore store = new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 0, 0),
        System::currentTimeMillis, name -> false);
    if (shape == Shape.AGGREGATED_CONTRIBUTIONS) {
      store.setAggregation(AggregationRules.of(List.of(new AggregateRule(0, Optional.of("requests_total"),
          Optional.empty(), true, List.of("path"), AggregateOp.SUM))));
    }
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new StoreCollector(store));
    long before = usedAfterGc();
    int batch = 1000;
    for (int start = 0; start < n; start += batch) {
      store.apply(batch(shape, start, Math.min(batch, n - start)));
    }
    long after = usedAfterGc();
    double perSeries = (after - before) / (double) store.seriesCount();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long a0 = threads.getCurrentThreadAllocatedBytes();
    int bytes = new ScrapeHandler(registry).scrape("text/plain", null, Set.of()).body().length;
    long scrape = threads.getCurrentThreadAllocatedBytes() - a0;
    System.out.printf(Locale.ROOT, "%-44s %12.0f %16.0f   (%d series, body %d B/series)%n", shape.title, perSeries,
        scrape / (double) store.seriesCount(), store.seriesCount(), bytes / store.seriesCount());
    if (store.seriesCount() == 0) {
      throw new IllegalStateException("nothing stored");
    }
  }

  static MetricBatch batch(Shape shape, int start, int count) {
    Labels resource = Labels.of(new String("service.name"), new String("cardinality"),
        new String("service.instance.id"), new String("sender-1"));
    List<Metric> metrics = new ArrayList<>(count);
    if (shape == Shape.ONE_FAMILY_3_ATTRIBUTES || shape == Shape.AGGREGATED_CONTRIBUTIONS) {
      List<Point> points = new ArrayList<>(count);
      for (int i = start; i < start + count; i++) {
        points.add(new NumberPoint(attributes(i), 0, 1_700_000_000_000_000_000L, i));
      }
      metrics.add(new Metric(new String("requests"), "", "", MetricType.COUNTER, Temporality.CUMULATIVE, points,
          Origin.of(new String("app.requests"), "view app.requests")));
    } else {
      for (int i = start; i < start + count; i++) {
        Labels attrs = shape == Shape.DISTINCT_NAMES ? Labels.empty() : attributes(i);
        metrics.add(new Metric("app.metric.number." + i, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
            List.of(new NumberPoint(attrs, 0, 1_700_000_000_000_000_000L, i))));
      }
    }
    return new MetricBatch(List.of(new ResourceMetrics(resource,
        List.of(new ScopeMetrics(InstrumentationScope.empty(), metrics)))));
  }

  /** Three attributes, values of realistic length, fresh strings. */
  static Labels attributes(int i) {
    return Labels.of(new String("method"), i % 2 == 0 ? new String("GET") : new String("POST"),
        new String("path"), "/api/v1/items/" + i, new String("status"), Integer.toString(200 + i % 5));
  }

  static long usedAfterGc() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
