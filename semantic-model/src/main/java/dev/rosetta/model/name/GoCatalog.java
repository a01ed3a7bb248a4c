package dev.rosetta.model.name;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Go's {@code runtime/metrics} says of each metric it has described (Go 1.16 to 1.26): its
 * kind and whether it is cumulative. Loaded once from a bundled table; the
 * {@code /godebug/non-default-behavior/<setting>:events} family is known by its prefix, since its
 * settings change with each release. Thread-safe.
 */
public final class GoCatalog {
  /** The value kind of a Go runtime metric. */
  public enum Kind { UINT64, FLOAT64, FLOAT64_HISTOGRAM }

  /** One described metric. */
  public record Entry(String name, Kind kind, boolean cumulative, String addedIn) {}

  private static final String GODEBUG_PREFIX = "/godebug/non-default-behavior/";
  private static final Map<String, Entry> ENTRIES = load();

  private GoCatalog() {}

  /** The entry for a Go runtime path, if Go describes it. */
  public static Optional<Entry> lookup(String path) {
    Entry e = ENTRIES.get(path);
    if (e == null && path.startsWith(GODEBUG_PREFIX) && path.endsWith(":events")) {
      return Optional.of(new Entry(path, Kind.UINT64, true, "1.21"));
    }
    return Optional.ofNullable(e);
  }

  /**
   * Paths Go documents as identical to another path, by the path they are identical to: {@code
   * /gc/pauses:seconds} ("Deprecated. Prefer the identical /sched/pauses/total/gc:seconds", Go 1.22).
   * A process that reports both reports one quantity twice.
   */
  private static final Map<String, String> IDENTICAL = Map.of("/gc/pauses:seconds", "/sched/pauses/total/gc:seconds");

  /**
   * The path a Go runtime path is the same quantity as: the one Go documents it as identical to, or
   * the path itself.
   */
  public static String identity(String path) {
    return IDENTICAL.getOrDefault(path, path);
  }

  /** Every described metric (the GODEBUG family with the settings the table lists). */
  public static Map<String, Entry> all() {
    return ENTRIES;
  }

  private static Map<String, Entry> load() {
    Map<String, Entry> m = new HashMap<>();
    try (InputStream in = GoCatalog.class.getResourceAsStream("go-runtime-metrics.tsv")) {
      if (in == null) {
        throw new IllegalStateException("go-runtime-metrics.tsv is missing from the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line = r.readLine(); // header
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        Kind kind = switch (f[1]) {
          case "KindUint64" -> Kind.UINT64;
          case "KindFloat64" -> Kind.FLOAT64;
          case "KindFloat64Histogram" -> Kind.FLOAT64_HISTOGRAM;
          default -> throw new IllegalStateException("unknown kind " + f[1] + " in go-runtime-metrics.tsv");
        };
        m.put(f[0], new Entry(f[0], kind, Boolean.parseBoolean(f[2]), f.length > 3 ? f[3] : ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(m);
  }
}
