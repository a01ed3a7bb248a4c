package dev.rosetta.model.name;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rule by which Prometheus client_golang's Go collector names a runtime/metrics path
 * ({@code internal.RuntimeMetricsToProm}, client_golang 1.12 and later): namespace {@code go}; the
 * path without its last segment is the subsystem, its {@code /} and {@code -} replaced by {@code
 * _}; the last segment, its {@code -} replaced by {@code _}, is followed by {@code _} and the unit,
 * whose {@code -} and {@code *} become {@code _} and whose {@code /} becomes {@code _per_}; a
 * cumulative metric that is not a histogram gets {@code _total}. So {@code
 * /cpu/classes/gc/mark/assist:cpu-seconds} is {@code go_cpu_classes_gc_mark_assist_cpu_seconds_total}
 * and {@code /gc/heap/allocs-by-size:bytes} is {@code go_gc_heap_allocs_by_size_bytes} (a histogram
 * family: {@code _bucket}, {@code _sum}, {@code _count}).
 *
 * <p>A path whose name would not be a valid Prometheus metric name (a path of one segment gives the
 * subsystem {@code .}) is skipped by client_golang, and has no name here either.
 *
 * <p>Two historical variants are known: client_golang 1.12.0 and 1.12.1 also gave histograms
 * {@code _total} ({@code go_gc_pauses_seconds_total}); and the histogram bucket upper bounds it
 * writes are the runtime's bucket edges moved to the next float64 below ({@code
 * math.Nextafter(edge, lower)}), because the runtime's buckets include their lower edge and
 * Prometheus buckets their upper bound. Stateless.
 */
public final class ClientGolangNames {
  private static final Pattern VALID = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private ClientGolangNames() {}

  /**
   * The name client_golang gives a runtime/metrics path, or empty when it gives none.
   *
   * @param path a Go runtime path with its unit, such as {@code /gc/heap/allocs:bytes}
   * @param histogram whether the metric is a {@code Float64Histogram}
   * @param cumulative whether Go describes it as cumulative
   */
  public static Optional<String> name(String path, boolean histogram, boolean cumulative) {
    int colon = path.indexOf(':');
    if (!path.startsWith("/") || colon < 0) {
      return Optional.empty();
    }
    String key = path.substring(1, colon);
    String unit = path.substring(colon + 1);
    int slash = key.lastIndexOf('/');
    if (slash < 0) {
      return Optional.empty(); // path.Dir gives "." and the name is invalid
    }
    String subsystem = key.substring(0, slash).replace('/', '_').replace('-', '_');
    String base = key.substring(slash + 1).replace('-', '_');
    String name = "go_" + subsystem + "_" + base + "_" + unitWords(unit);
    if (cumulative && !histogram) {
      name += "_total";
    }
    return VALID.matcher(name).matches() ? Optional.of(name) : Optional.empty();
  }

  /** The unit as client_golang writes it into a name: {@code cpu-seconds} gives {@code cpu_seconds}. */
  public static String unitWords(String goUnit) {
    return goUnit.replace('-', '_').replace('*', '_').replace("/", "_per_");
  }

  /**
   * The runtime's bucket edge for a bucket upper bound client_golang wrote: the next float64 above
   * it, which undoes {@code math.Nextafter(edge, lower)}.
   */
  public static double runtimeEdge(double upperBound) {
    return Math.nextUp(upperBound);
  }
}
