package dev.rosetta.model.catalog;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.Temporality;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic, self-consistent runtime/metrics snapshot over the whole Go catalog, as one
 * {@code metrics.Read} would give it: leaves have values and every roll-up is exactly the sum of
 * its parts. Histograms use the runtime's own bucket layouts (hundreds of buckets).
 *
 * <p>Values are multiples of 1/8, so every sum is exact in binary floating point.
 */
final class GoSnapshot {
  static final long START_NANOS = 1_700_000_000_000_000_000L;
  static final long NOW_NANOS = START_NANOS + 60_000_000_000L;

  /** The roll-ups of the catalog and the parts each one sums, as Go documents them. */
  static final Map<String, List<String>> ROLLUPS = rollups();

  private GoSnapshot() {}

  /** One raw metric per catalog row, keyed by path, in catalog order. */
  static Map<String, Metric> consistent(List<GoCatalog.Row> rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Double> scalars = new LinkedHashMap<>();
    for (GoCatalog.Row row : rows) {
      if (!row.histogram() && !ROLLUPS.containsKey(row.name())) {
        scalars.put(row.name(), (double) (1 + random.nextInt(1 << 20)) / 8.0);
      }
    }
    for (Map.Entry<String, List<String>> r : ROLLUPS.entrySet()) {
      double sum = 0;
      for (String part : r.getValue()) {
        Double v = scalars.get(part);
        sum += v != null ? v : partialSum(part, scalars);
      }
      scalars.put(r.getKey(), sum);
    }
    Map<String, Metric> out = new LinkedHashMap<>();
    for (GoCatalog.Row row : rows) {
      out.put(row.name(), metric(row, scalars, random));
    }
    // aliases carry the very same data as the path they duplicate
    for (Map.Entry<String, String> a : ALIASES.entrySet()) {
      Metric of = out.get(a.getValue());
      if (of != null && out.containsKey(a.getKey())) {
        out.put(a.getKey(), new Metric(a.getKey(), of.description(), of.unit(), of.type(), of.temporality(),
            of.points()));
      }
    }
    return out;
  }

  /** Paths Go documents as identical to another path: alias -> the path it duplicates. */
  static final Map<String, String> ALIASES = Map.of("/gc/pauses:seconds", "/sched/pauses/total/gc:seconds");

  /** A sub-total that is itself a roll-up (e.g. /cpu/classes/gc/total inside /cpu/classes/total). */
  private static double partialSum(String part, Map<String, Double> scalars) {
    List<String> parts = ROLLUPS.get(part);
    if (parts == null) {
      throw new IllegalStateException("no value for " + part);
    }
    double sum = 0;
    for (String p : parts) {
      sum += scalars.get(p);
    }
    return sum;
  }

  static Metric metric(GoCatalog.Row row, Map<String, Double> scalars, SplittableRandom random) {
    if (row.histogram()) {
      double[] bounds = row.name().endsWith(":bytes") ? sizeClassBounds() : timeBounds(row.name());
      return histogram(row.name(), bounds, random);
    }
    MetricType type = row.cumulative() ? MetricType.COUNTER : MetricType.GAUGE;
    Point p = new NumberPoint(Labels.empty(), START_NANOS, NOW_NANOS, scalars.get(row.name()));
    return new Metric(row.name(), "", "", type, Temporality.CUMULATIVE, List.of(p));
  }

  /** A raw number metric as a Go exporter sends it. */
  static Metric number(String path, MetricType type, double value) {
    Point p = new NumberPoint(Labels.empty(), START_NANOS, NOW_NANOS, value);
    return new Metric(path, "", "", type, Temporality.CUMULATIVE, List.of(p));
  }

  static Metric histogram(String path, double[] bounds, SplittableRandom random) {
    long[] counts = new long[bounds.length + 1];
    long count = 0;
    double sum = 0;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = random.nextInt(4) == 0 ? random.nextInt(1000) : 0;
      count += counts[i];
      // Go histograms carry no sum; exporters estimate it from the buckets. Any value works here
      // as long as re-bucketing keeps it; use the bucket's upper bound (the lower one for +Inf).
      double at = i < bounds.length ? bounds[i] : bounds[bounds.length - 1];
      sum += counts[i] * at;
    }
    Point p = new HistogramPoint(Labels.empty(), START_NANOS, NOW_NANOS, bounds, counts, count, sum, Double.NaN, Double.NaN);
    return new Metric(path, "", "", MetricType.HISTOGRAM, Temporality.CUMULATIVE, List.of(p));
  }

  /**
   * Go's time histogram bounds in seconds, as an OTLP exporter sends them (the -Inf lower edge and
   * +Inf dropped): Go 1.17-1.19 (16 sub-buckets per power of two from 1 ns, ~720 buckets) for
   * /sched/latencies, Go 1.20+ (4 sub-buckets per power of two from 512 ns) for the others.
   */
  static double[] timeBounds(String path) {
    List<Double> ns = new ArrayList<>();
    if (path.equals("/sched/latencies:seconds")) {
      for (int s = 0; s < 16; s++) {
        ns.add((double) s);
      }
      for (int k = 4; k < 48; k++) {
        for (int s = 0; s < 16; s++) {
          ns.add(Math.scalb(1.0, k) + s * Math.scalb(1.0, k - 4));
        }
      }
      // 16 + 44 * 16 = 720 finite bounds, 721 buckets: about the 722 of Go 1.19
    } else {
      ns.add(0.0);
      for (int k = 9; k < 48; k++) {
        for (int s = 0; s < 4; s++) {
          ns.add(Math.scalb(1.0, k) * (1 + s / 4.0));
        }
      }
    }
    double[] out = new double[ns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ns.get(i) / 1e9;
    }
    return out;
  }

  /** Go's allocation size-class bounds (size + 1, the first bucket from 1 byte), Go 1.20+. */
  static double[] sizeClassBounds() {
    int[] classes = {
      8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416,
      448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
      3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384,
      18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768
    };
    double[] out = new double[classes.length + 1];
    out[0] = 1;
    for (int i = 0; i < classes.length; i++) {
      out[i + 1] = classes[i] + 1;
    }
    return out;
  }

  private static Map<String, List<String>> rollups() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("/cpu/classes/gc/total:cpu-seconds", List.of(
        "/cpu/classes/gc/mark/assist:cpu-seconds",
        "/cpu/classes/gc/mark/dedicated:cpu-seconds",
        "/cpu/classes/gc/mark/idle:cpu-seconds",
        "/cpu/classes/gc/pause:cpu-seconds"));
    m.put("/cpu/classes/scavenge/total:cpu-seconds", List.of(
        "/cpu/classes/scavenge/assist:cpu-seconds",
        "/cpu/classes/scavenge/background:cpu-seconds"));
    m.put("/cpu/classes/total:cpu-seconds", List.of(
        "/cpu/classes/gc/total:cpu-seconds",
        "/cpu/classes/idle:cpu-seconds",
        "/cpu/classes/scavenge/total:cpu-seconds",
        "/cpu/classes/user:cpu-seconds"));
    m.put("/memory/classes/total:bytes", List.of(
        "/memory/classes/heap/free:bytes",
        "/memory/classes/heap/objects:bytes",
        "/memory/classes/heap/released:bytes",
        "/memory/classes/heap/stacks:bytes",
        "/memory/classes/heap/unused:bytes",
        "/memory/classes/metadata/mcache/free:bytes",
        "/memory/classes/metadata/mcache/inuse:bytes",
        "/memory/classes/metadata/mspan/free:bytes",
        "/memory/classes/metadata/mspan/inuse:bytes",
        "/memory/classes/metadata/other:bytes",
        "/memory/classes/os-stacks:bytes",
        "/memory/classes/other:bytes",
        "/memory/classes/profiling/buckets:bytes"));
    m.put("/gc/scan/total:bytes", List.of(
        "/gc/scan/globals:bytes", "/gc/scan/heap:bytes", "/gc/scan/stack:bytes"));
    m.put("/gc/cycles/total:gc-cycles", List.of(
        "/gc/cycles/automatic:gc-cycles", "/gc/cycles/forced:gc-cycles"));
    // Go does not promise that the states add up to the live count; a consistent snapshot does.
    m.put("/sched/goroutines:goroutines", List.of(
        "/sched/goroutines/not-in-go:goroutines",
        "/sched/goroutines/runnable:goroutines",
        "/sched/goroutines/running:goroutines",
        "/sched/goroutines/waiting:goroutines"));
    return java.util.Collections.unmodifiableMap(m);
  }
}
