package dev.rosetta.receiver.store;

import dev.rosetta.model.Labels;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link SeriesStore} as simpleclient metric families: counters, gauges, histograms
 * (cumulative {@code _bucket} samples with {@code le}, {@code _count}, {@code _sum}), summaries and
 * one {@code target_info} family for resource attributes. Each series is read under its own lock,
 * so a scrape never sees a half-applied point.
 *
 * <p>Families are built one at a time as the scrape iterates over them ({@link #collect()} returns
 * a list whose iterator builds each family when it is reached), so a scrape of a large store holds
 * the samples of one family at a time, not of the whole store. Thread-safe.
 */
public final class StoreCollector extends Collector {
  private final SeriesStore store;

  public StoreCollector(SeriesStore store) {
    this.store = store;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    return new LazyFamilies(new ArrayList<>(store.families().values()), null);
  }

  @Override
  public List<MetricFamilySamples> collect(io.prometheus.client.Predicate<String> sampleNameFilter) {
    if (sampleNameFilter == null) {
      return collect();
    }
    return new LazyFamilies(new ArrayList<>(store.families().values()), sampleNameFilter);
  }

  /**
   * The families of a snapshot of the store's family list, each built when the iteration reaches it
   * (families without samples, or without a sample name the filter accepts, are skipped), then
   * {@code target_info}. {@code get} and {@code size} build the whole list once.
   */
  private final class LazyFamilies extends java.util.AbstractList<MetricFamilySamples> {
    private final List<SeriesStore.Family> families;
    private final io.prometheus.client.Predicate<String> filter;
    private List<MetricFamilySamples> all;

    LazyFamilies(List<SeriesStore.Family> families, io.prometheus.client.Predicate<String> filter) {
      this.families = families;
      this.filter = filter;
    }

    @Override
    public java.util.Iterator<MetricFamilySamples> iterator() {
      return new java.util.Iterator<>() {
        private int i;
        private boolean targetsDone;
        private MetricFamilySamples next;

        @Override
        public boolean hasNext() {
          while (next == null) {
            MetricFamilySamples candidate;
            if (i < families.size()) {
              candidate = family(families.get(i++));
            } else if (!targetsDone) {
              targetsDone = true;
              candidate = targetInfo();
            } else {
              return false;
            }
            if (candidate != null && accepted(candidate)) {
              next = candidate;
            }
          }
          return true;
        }

        @Override
        public MetricFamilySamples next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          MetricFamilySamples n = next;
          next = null;
          return n;
        }
      };
    }

    private boolean accepted(MetricFamilySamples f) {
      if (filter == null) {
        return true;
      }
      for (String name : f.getNames()) {
        if (filter.test(name)) {
          return true;
        }
      }
      return false;
    }

    private List<MetricFamilySamples> all() {
      if (all == null) {
        List<MetricFamilySamples> out = new ArrayList<>();
        iterator().forEachRemaining(out::add);
        all = out;
      }
      return all;
    }

    @Override
    public MetricFamilySamples get(int index) {
      return all().get(index);
    }

    @Override
    public int size() {
      return all().size();
    }
  }

  private MetricFamilySamples targetInfo() {
    Map<Labels, SeriesStore.Target> targets = store.targets();
    if (!targets.isEmpty()) {
      List<MetricFamilySamples.Sample> samples = new ArrayList<>(targets.size());
      for (var e : targets.entrySet()) {
        Labels.Builder b = e.getValue().attributes.toBuilder();
        e.getKey().forEach(b::put);
        Labels all = b.build();
        samples.add(new MetricFamilySamples.Sample("target_info", all.names(), all.values(), 1));
      }
      return new MetricFamilySamples("target", Type.INFO, "Target metadata", samples);
    }
    return null;
  }

  private static MetricFamilySamples family(SeriesStore.Family f) {
    List<MetricFamilySamples.Sample> samples = new ArrayList<>(f.series.size());
    String name = f.name;
    Type type;
    switch (f.type) {
      case COUNTER -> {
        type = Type.COUNTER;
        String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        numberSamples(samples, base + "_total", f);
        name = base;
      }
      case GAUGE, UP_DOWN_COUNTER -> {
        type = Type.GAUGE;
        numberSamples(samples, name, f);
      }
      case HISTOGRAM -> {
        type = Type.HISTOGRAM;
        for (var e : f.series.entrySet()) {
          SeriesStore.Series s = e.getValue();
          double[] bounds;
          long[] counts;
          long count;
          double sum;
          synchronized (s) {
            if (!s.initialized) {
              continue;
            }
            bounds = s.bounds;
            counts = s.counts.clone();
            count = s.count;
            sum = s.sum;
          }
          histogramSamples(samples, name, e.getKey(), bounds, counts, count, sum);
        }
      }
      case SUMMARY -> {
        type = Type.SUMMARY;
        for (var e : f.series.entrySet()) {
          SeriesStore.Series s = e.getValue();
          double[] q;
          double[] qv;
          long count;
          double sum;
          synchronized (s) {
            if (!s.initialized) {
              continue;
            }
            q = s.quantiles;
            qv = s.quantileValues;
            count = s.count;
            sum = s.sum;
          }
          Labels l = e.getKey().without("quantile");
          for (int i = 0; i < q.length; i++) {
            Labels ql = l.with("quantile", Collector.doubleToGoString(q[i]));
            samples.add(new MetricFamilySamples.Sample(name, ql.names(), ql.values(), qv[i]));
          }
          samples.add(new MetricFamilySamples.Sample(name + "_count", l.names(), l.values(), count));
          samples.add(new MetricFamilySamples.Sample(name + "_sum", l.names(), l.values(), sum));
        }
      }
      default -> throw new IllegalStateException("unknown type " + f.type);
    }
    if (samples.isEmpty()) {
      return null;
    }
    String unit = f.unit.isEmpty() || !name.endsWith("_" + f.unit) ? "" : f.unit;
    String help = f.help.isEmpty() ? name : f.help;
    return new MetricFamilySamples(name, unit, type, help, samples);
  }

  private static void numberSamples(List<MetricFamilySamples.Sample> samples, String sampleName,
      SeriesStore.Family f) {
    for (var e : f.series.entrySet()) {
      SeriesStore.Series s = e.getValue();
      double v;
      synchronized (s) {
        if (!s.initialized) {
          continue;
        }
        v = s.value;
      }
      Labels l = e.getKey();
      samples.add(new MetricFamilySamples.Sample(sampleName, l.names(), l.values(), v));
    }
  }

  private static void histogramSamples(
      List<MetricFamilySamples.Sample> samples, String name, Labels labels, double[] bounds, long[] counts,
      long count, double sum) {
    Labels l = labels.without("le");
    // One name list (the series' labels, then le) serves every bucket line of the series.
    List<String> names = new ArrayList<>(l.size() + 1);
    names.addAll(l.names());
    names.add("le");
    String bucket = name + "_bucket";
    long cumulative = 0;
    for (int i = 0; i <= bounds.length; i++) {
      cumulative += i < bounds.length ? counts[i] : 0;
      List<String> values = new ArrayList<>(l.size() + 1);
      values.addAll(l.values());
      values.add(i < bounds.length ? Collector.doubleToGoString(bounds[i]) : "+Inf");
      samples.add(new MetricFamilySamples.Sample(bucket, names, values, i < bounds.length ? cumulative : count));
    }
    samples.add(new MetricFamilySamples.Sample(name + "_count", l.names(), l.values(), count));
    if (!Double.isNaN(sum)) {
      samples.add(new MetricFamilySamples.Sample(name + "_sum", l.names(), l.values(), sum));
    }
  }
}
