package dev.rosetta.receiver.exposition;

import dev.rosetta.model.Labels;
import dev.rosetta.receiver.config.PrometheusExporterConfig;
import dev.rosetta.receiver.store.StoreView;
import dev.rosetta.receiver.store.StoreView.SeriesSnapshot;
import dev.rosetta.receiver.store.StoreView.StoreFamily;
import io.prometheus.client.Collector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a series store, through its read-only {@link StoreView}, as simpleclient metric families:
 * counters, gauges, histograms (cumulative {@code _bucket} samples with {@code le}, {@code _count},
 * {@code _sum}), summaries and one {@code target_info} family for resource attributes. The view
 * copies each series under its own lock, so a scrape never sees a half-applied point. The exporter's {@link
 * PrometheusExporterConfig.Exposition} settings apply here: the namespace before every family name,
 * the constant labels on every series, and the sample timestamps ({@code target_info} keeps its name
 * and labels).
 *
 * <p>Families are built one at a time as the scrape iterates over them ({@link #collect()} returns
 * a list whose iterator builds each family when it is reached), so a scrape of a large store holds
 * the samples of one family at a time, not of the whole store. {@link #writeText004} renders the
 * same families in the text format 0.0.4 straight from the series, without sample objects: what
 * {@code /metrics} serves by default ({@link ScrapeHandler}). Thread-safe.
 */
public final class StoreCollector extends Collector {
  private final StoreView store;
  private final String prefix;
  private final Map<String, String> constLabels;
  private final boolean timestamps;

  public StoreCollector(StoreView store) {
    this(store, PrometheusExporterConfig.Exposition.defaults());
  }

  public StoreCollector(StoreView store, PrometheusExporterConfig.Exposition exposition) {
    this.store = store;
    this.prefix = exposition.namespace().isEmpty() ? "" : exposition.namespace() + "_";
    this.constLabels = exposition.constLabels();
    this.timestamps = exposition.sendTimestamps();
  }

  @Override
  public List<MetricFamilySamples> collect() {
    return new LazyFamilies(store.families(), null);
  }

  @Override
  public List<MetricFamilySamples> collect(io.prometheus.client.Predicate<String> sampleNameFilter) {
    if (sampleNameFilter == null) {
      return collect();
    }
    return new LazyFamilies(store.families(), sampleNameFilter);
  }

  /**
   * The families of a snapshot of the store's family list, each built when the iteration reaches it
   * (families without samples, or without a sample name the filter accepts, are skipped), then
   * {@code target_info}. {@code get} and {@code size} build the whole list once.
   */
  private final class LazyFamilies extends java.util.AbstractList<MetricFamilySamples> {
    private final List<StoreFamily> families;
    private final io.prometheus.client.Predicate<String> filter;
    private List<MetricFamilySamples> all;

    LazyFamilies(List<StoreFamily> families, io.prometheus.client.Predicate<String> filter) {
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

  /**
   * Writes every family with series, then {@code target_info}, in the text format 0.0.4 — the bytes
   * simpleclient's {@code TextFormat.write004} writes for {@link #collect()}'s families, without
   * building sample objects: each sample name is encoded once per family, each series' labels once
   * per series (a histogram's bucket lines repeat them), and each {@code le} once per bounds array.
   */
  void writeText004(ExpositionWriter w) throws IOException {
    LabelBlocks blocks = new LabelBlocks();
    for (StoreFamily f : store.families()) {
      List<SeriesSnapshot> series = f.series();
      if (series.isEmpty()) {
        continue;
      }
      String name = prefix + f.name();
      switch (f.type()) {
        case COUNTER -> {
          // as simpleclient names a counter: samples base_total, the family base_total too, where
          // base ends in _total itself it loses it once more in the family name
          String base = withoutTotal(name);
          header(w, withoutTotal(base) + "_total", f.help().isEmpty() ? base : f.help(), "counter");
          byte[] sampleName = ascii(base + "_total");
          for (SeriesSnapshot s : series) {
            line(w, sampleName, blocks.of(labels(s.labels())), null, s.value(), timestamp(s));
          }
        }
        case GAUGE, UP_DOWN_COUNTER -> {
          header(w, name, f.help().isEmpty() ? name : f.help(), "gauge");
          byte[] sampleName = ascii(name);
          for (SeriesSnapshot s : series) {
            line(w, sampleName, blocks.of(labels(s.labels())), null, s.value(), timestamp(s));
          }
        }
        case HISTOGRAM -> {
          header(w, name, f.help().isEmpty() ? name : f.help(), "histogram");
          byte[] bucket = ascii(name + "_bucket");
          byte[] count = ascii(name + "_count");
          byte[] sum = ascii(name + "_sum");
          double[] lastBounds = null;
          byte[][] le = null;
          for (SeriesSnapshot s : series) {
            double[] bounds = s.bounds();
            if (bounds != lastBounds && !java.util.Arrays.equals(bounds, lastBounds)) {
              le = new byte[bounds.length + 1][];
              for (int i = 0; i <= bounds.length; i++) {
                le[i] = blocks.extra("le", i < bounds.length ? Collector.doubleToGoString(bounds[i]) : "+Inf");
              }
            }
            lastBounds = bounds;
            LabelBlocks block = blocks.of(labels(s.labels()).without("le"));
            Long ts = timestamp(s);
            long[] counts = s.counts();
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
              cumulative += i < bounds.length ? counts[i] : 0;
              line(w, bucket, block, le[i], i < bounds.length ? cumulative : s.count(), ts);
            }
            line(w, count, block, null, s.count(), ts);
            if (!Double.isNaN(s.sum())) {
              line(w, sum, block, null, s.sum(), ts);
            }
          }
        }
        case SUMMARY -> {
          header(w, name, f.help().isEmpty() ? name : f.help(), "summary");
          byte[] sampleName = ascii(name);
          byte[] count = ascii(name + "_count");
          byte[] sum = ascii(name + "_sum");
          for (SeriesSnapshot s : series) {
            double[] q = s.quantiles();
            double[] qv = s.quantileValues();
            Long ts = timestamp(s);
            Labels l = labels(s.labels()).without("quantile");
            for (int i = 0; i < q.length; i++) {
              line(w, sampleName, blocks.of(l.with("quantile", Collector.doubleToGoString(q[i]))), null, qv[i], ts);
            }
            LabelBlocks block = blocks.of(l);
            line(w, count, block, null, s.count(), ts);
            line(w, sum, block, null, s.sum(), ts);
          }
        }
        default -> throw new IllegalStateException("unknown type " + f.type());
      }
    }
    Map<Labels, Labels> targets = store.targets();
    if (!targets.isEmpty()) {
      header(w, "target_info", "Target metadata", "gauge");
      byte[] sampleName = ascii("target_info");
      for (var e : targets.entrySet()) {
        Labels.Builder b = e.getValue().toBuilder();
        e.getKey().forEach(b::put);
        line(w, sampleName, blocks.of(b.build()), null, 1, null);
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String withoutTotal(String name) {
    return name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
  }

  private static void header(ExpositionWriter w, String name, String help, String type) throws IOException {
    w.ascii("# HELP ");
    w.ascii(name);
    w.ascii(' ');
    w.escapedHelp(help);
    w.ascii("\n# TYPE ");
    w.ascii(name);
    w.ascii(' ');
    w.ascii(type);
    w.ascii('\n');
  }

  /**
   * One sample line: the name, the series' label block ({@code {name="value",...}} without its
   * closing brace; none when the series has no labels), one more label last when {@code extra} is
   * not null, the value and the timestamp.
   */
  private static void line(ExpositionWriter w, byte[] name, LabelBlocks block, byte[] extra, double value, Long ts)
      throws IOException {
    w.raw(name);
    if (block.block != null || extra != null) {
      if (block.block == null) {
        w.raw(OPEN);
      } else {
        w.raw(block.block, block.length);
      }
      if (extra != null) {
        w.raw(extra);
      }
      w.ascii('}');
    }
    w.ascii(' ');
    w.goDouble(value);
    if (ts != null) {
      w.ascii(' ');
      w.decimal(ts);
    }
    w.ascii('\n');
  }

  private static final byte[] OPEN = {'{'};

  /**
   * Label blocks encoded once each, into a small buffer of their own: {@link #of} leaves the block
   * in {@link #block}/{@link #length}, valid until the next call. The {@code name="} of each label
   * name is encoded once per scrape (a store has few label names and many series), and a value of
   * ASCII without characters to escape (most of them) is copied a byte per character; any other
   * goes through {@link ExpositionWriter#escapedLabelValue}.
   */
  private static final class LabelBlocks {
    /** Label names whose {@code name="} bytes are kept per scrape, at most. */
    private static final int NAMES = 1024;

    private final Bytes bytes = new Bytes();
    private final ExpositionWriter w = new ExpositionWriter(bytes);
    private final Map<String, byte[]> heads = new java.util.HashMap<>();
    /** The last block encoded by {@link #of}, {@link #length} bytes of it; null for no labels. */
    byte[] block;
    int length;

    /** Encodes {@code {a="1",b="2",} without the closing brace into {@link #block}. */
    LabelBlocks of(Labels labels) throws IOException {
      int n = labels.size();
      if (n == 0) {
        block = null;
        length = 0;
        return this;
      }
      bytes.length = 0;
      bytes.write('{');
      for (int i = 0; i < n; i++) {
        label(labels.name(i), labels.value(i));
      }
      block = bytes.array;
      length = bytes.length;
      return this;
    }

    /** {@code name="value",} as an array of its own. */
    byte[] extra(String name, String value) throws IOException {
      bytes.length = 0;
      label(name, value);
      return java.util.Arrays.copyOf(bytes.array, bytes.length);
    }

    /** Appends {@code name="value",}. */
    private void label(String name, String value) throws IOException {
      bytes.write(head(name));
      value(value);
      bytes.write('"');
      bytes.write(',');
    }

    /** The bytes of {@code name="}, kept for the scrape. */
    private byte[] head(String name) throws IOException {
      byte[] head = heads.get(name);
      if (head == null) {
        int start = bytes.length;
        w.ascii(name);
        w.ascii("=\"");
        w.flush();
        head = java.util.Arrays.copyOfRange(bytes.array, start, bytes.length);
        bytes.length = start;
        if (heads.size() < NAMES) {
          heads.put(name, head);
        }
      }
      return head;
    }

    /** A label value escaped as the text format wants. */
    private void value(String v) throws IOException {
      int n = v.length();
      bytes.reserve(n);
      byte[] a = bytes.array;
      int at = bytes.length;
      for (int i = 0; i < n; i++) {
        char c = v.charAt(i);
        if (c >= 0x80 || c == '\\' || c == '"' || c == '\n') {
          bytes.length = at;
          w.escapedLabelValue(i == 0 ? v : v.substring(i));
          w.flush();
          return;
        }
        a[at++] = (byte) c;
      }
      bytes.length = at;
    }
  }

  /** A growable byte array without the locks of {@link java.io.ByteArrayOutputStream}. */
  private static final class Bytes extends java.io.OutputStream {
    byte[] array = new byte[256];
    int length;

    /** Room for {@code n} more bytes. */
    void reserve(int n) {
      if (array.length - length < n) {
        array = java.util.Arrays.copyOf(array, Math.max(array.length * 2, length + n));
      }
    }

    @Override
    public void write(byte[] b) {
      write(b, 0, b.length);
    }

    @Override
    public void write(int b) {
      if (length == array.length) {
        array = java.util.Arrays.copyOf(array, length * 2);
      }
      array[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (array.length - length < len) {
        array = java.util.Arrays.copyOf(array, Math.max(array.length * 2, length + len));
      }
      System.arraycopy(b, off, array, length, len);
      length += len;
    }
  }

  private MetricFamilySamples targetInfo() {
    Map<Labels, Labels> targets = store.targets();
    if (!targets.isEmpty()) {
      List<MetricFamilySamples.Sample> samples = new ArrayList<>(targets.size());
      for (var e : targets.entrySet()) {
        Labels.Builder b = e.getValue().toBuilder();
        e.getKey().forEach(b::put);
        Labels all = b.build();
        samples.add(new MetricFamilySamples.Sample("target_info", all.names(), all.values(), 1));
      }
      return new MetricFamilySamples("target", Type.INFO, "Target metadata", samples);
    }
    return null;
  }

  private MetricFamilySamples family(StoreFamily f) {
    List<SeriesSnapshot> series = f.series();
    List<MetricFamilySamples.Sample> samples = new ArrayList<>(series.size());
    String name = prefix + f.name();
    Type type;
    switch (f.type()) {
      case COUNTER -> {
        type = Type.COUNTER;
        String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        numberSamples(samples, base + "_total", series);
        name = base;
      }
      case GAUGE, UP_DOWN_COUNTER -> {
        type = Type.GAUGE;
        numberSamples(samples, name, series);
      }
      case HISTOGRAM -> {
        type = Type.HISTOGRAM;
        for (SeriesSnapshot s : series) {
          histogramSamples(samples, name, labels(s.labels()), s.bounds(), s.counts(), s.count(), s.sum(),
              timestamp(s));
        }
      }
      case SUMMARY -> {
        type = Type.SUMMARY;
        for (SeriesSnapshot s : series) {
          double[] q = s.quantiles();
          double[] qv = s.quantileValues();
          Long ts = timestamp(s);
          Labels l = labels(s.labels()).without("quantile");
          for (int i = 0; i < q.length; i++) {
            Labels ql = l.with("quantile", Collector.doubleToGoString(q[i]));
            samples.add(new MetricFamilySamples.Sample(name, ql.names(), ql.values(), qv[i], ts));
          }
          samples.add(new MetricFamilySamples.Sample(name + "_count", l.names(), l.values(), s.count(), ts));
          samples.add(new MetricFamilySamples.Sample(name + "_sum", l.names(), l.values(), s.sum(), ts));
        }
      }
      default -> throw new IllegalStateException("unknown type " + f.type());
    }
    if (samples.isEmpty()) {
      return null;
    }
    String unit = f.unit().isEmpty() || !name.endsWith("_" + f.unit()) ? "" : f.unit();
    String help = f.help().isEmpty() ? name : f.help();
    return new MetricFamilySamples(name, unit, type, help, samples);
  }

  private void numberSamples(List<MetricFamilySamples.Sample> samples, String sampleName,
      List<SeriesSnapshot> series) {
    for (SeriesSnapshot s : series) {
      Labels l = labels(s.labels());
      samples.add(new MetricFamilySamples.Sample(sampleName, l.names(), l.values(), s.value(), timestamp(s)));
    }
  }

  /** The series' labels with the constant labels it does not have itself. */
  private Labels labels(Labels own) {
    if (constLabels.isEmpty()) {
      return own;
    }
    Labels l = own;
    for (Map.Entry<String, String> c : constLabels.entrySet()) {
      if (!l.contains(c.getKey())) {
        l = l.with(c.getKey(), c.getValue());
      }
    }
    return l;
  }

  /**
   * The sample timestamp in milliseconds when asked for: the latest point's time, or when it came
   * without one the time it was received; null otherwise.
   */
  private Long timestamp(SeriesSnapshot s) {
    return timestamps ? s.timeMillis() : null;
  }

  private static void histogramSamples(
      List<MetricFamilySamples.Sample> samples, String name, Labels labels, double[] bounds, long[] counts,
      long count, double sum, Long ts) {
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
      samples.add(new MetricFamilySamples.Sample(bucket, names, values, i < bounds.length ? cumulative : count, ts));
    }
    samples.add(new MetricFamilySamples.Sample(name + "_count", l.names(), l.values(), count, ts));
    if (!Double.isNaN(sum)) {
      samples.add(new MetricFamilySamples.Sample(name + "_sum", l.names(), l.values(), sum, ts));
    }
  }
}
