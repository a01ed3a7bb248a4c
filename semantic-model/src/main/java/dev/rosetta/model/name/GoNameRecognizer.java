package dev.rosetta.model.name;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the names other Go instrumentations give to what runtime/metrics measures, so that they
 * map exactly as the paths do:
 *
 * <ul>
 *   <li>client_golang's names for runtime/metrics paths ({@link ClientGolangNames}), for every path
 *       of the Go catalog (Go 1.16 to 1.26) and every setting of the open-ended GODEBUG family
 *       ({@code go_godebug_non_default_behavior_<setting>_events_total}); each in the forms it
 *       arrives in: as exposed ({@code _total} included; a histogram under its family name), with
 *       {@code _total} trimmed and with the unit trimmed too (an OpenTelemetry Collector's {@code
 *       prometheus} receiver with {@code trim_metric_suffixes: true}), and client_golang 1.12.0's
 *       histogram names with {@code _total};
 *   <li>the names of the equivalence table {@code go-name-equivalences.tsv}: client_golang's
 *       MemStats-style and base names and OpenTelemetry Go contrib's deprecated runtime names that
 *       measure exactly what a path measures (some as a difference of two names).
 * </ul>
 *
 * <p>The table is exact: a name it does not list (a {@code go_*} name of a future Go release) is not
 * recognised. A few trimmed names stand for two paths ({@code go_gc_heap_allocs} is {@code
 * /gc/heap/allocs:bytes} or {@code :objects}; {@code go_memstats_alloc_bytes} is {@code Alloc}, or
 * {@code TotalAlloc} with {@code _total} trimmed): the metric's unit or type decides ({@link
 * #recognize(String, String, boolean)}), and without them the name is not recognised. Loaded once;
 * thread-safe.
 */
public final class GoNameRecognizer {
  private static final String GODEBUG = "go_godebug_non_default_behavior_";
  private static final Pattern GODEBUG_NAME =
      Pattern.compile("go_godebug_non_default_behavior_([a-z0-9]+)(_events(_total)?)?");

  /**
   * Forms not recognised because Rosetta's own exposition uses the name for another family: a
   * Collector that scrapes Rosetta must get Rosetta's families back, not client_golang's. {@code
   * go_gc_cycles_total} is Rosetta's {@code go.gc.cycles {go.gc.trigger}} and would otherwise be
   * {@code /gc/cycles/total:gc-cycles} with {@code _total} and the unit trimmed (a form client_golang's
   * text, which declares no units, never takes).
   */
  private static final java.util.Set<String> ROSETTA_NAMES = java.util.Set.of("go_gc_cycles_total");

  /** A recognition and what the metric must look like for it. */
  private record Candidate(Recognition recognition, boolean counter) {}

  private static final Map<String, List<Candidate>> TABLE = build();

  private GoNameRecognizer() {}

  /** The recognition of a name whatever its unit and type; empty when unknown or ambiguous. */
  public static Optional<Recognition> recognize(String name) {
    List<Candidate> c = candidates(name);
    return c.size() == 1 ? Optional.of(c.get(0).recognition()) : Optional.empty();
  }

  /**
   * The recognition of a metric's name, using its unit (UCUM as OTLP carries it, the Go unit, or
   * the unit words of a Prometheus name; {@code ""} when unknown) and whether it is a counter to
   * tell apart the few names that stand for two paths.
   */
  public static Optional<Recognition> recognize(String name, String unit, boolean counter) {
    List<Candidate> all = candidates(name);
    if (all.size() <= 1) {
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0).recognition());
    }
    Recognition found = null;
    for (Candidate c : all) {
      if (c.counter() != counter || !unit.isEmpty() && !unitFits(unit, c.recognition().path())) {
        continue;
      }
      if (found != null) {
        return Optional.empty();
      }
      found = c.recognition();
    }
    return Optional.ofNullable(found);
  }

  /** Whether the name stands for more than one path, so that its unit and type decide. */
  public static boolean ambiguous(String name) {
    return candidates(name).size() > 1;
  }

  /** Every name of the table with its recognitions (not the open-ended GODEBUG pattern); for tests. */
  public static Map<String, List<Recognition>> table() {
    Map<String, List<Recognition>> m = new HashMap<>();
    TABLE.forEach((k, v) -> m.put(k, v.stream().map(Candidate::recognition).toList()));
    return Map.copyOf(m);
  }

  private static List<Candidate> candidates(String name) {
    if (name.isEmpty() || name.charAt(0) == '/') {
      return List.of(); // a runtime/metrics path is what names are recognised as, never one of them
    }
    List<Candidate> c = TABLE.get(name);
    if (c != null) {
      return c;
    }
    if (name.startsWith(GODEBUG)) {
      Matcher m = GODEBUG_NAME.matcher(name);
      if (m.matches()) {
        String path = "/godebug/non-default-behavior/" + m.group(1) + ":events";
        String form = m.group(3) != null ? "exposed" : m.group(2) != null ? "_total trimmed" : "unit trimmed";
        return List.of(new Candidate(rule(name, path, form, false), true));
      }
    }
    return List.of();
  }

  private static boolean unitFits(String unit, GoPath path) {
    return unit.equals(path.unit())
        || unit.equals(ClientGolangNames.unitWords(path.unit()))
        || unit.equals(path.ucumUnit());
  }

  private static Recognition rule(String name, String path, String form, boolean histogram) {
    return new Recognition(name, GoPath.parse(path).value(), Recognition.Source.CLIENT_GOLANG_RULE, form,
        Optional.empty(), histogram);
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<String, List<Candidate>> build() {
    Map<String, List<Candidate>> m = new HashMap<>();
    for (GoCatalog.Entry e : GoCatalog.all().values()) {
      boolean histogram = e.kind() == GoCatalog.Kind.FLOAT64_HISTOGRAM;
      boolean counter = e.cumulative() && !histogram;
      Optional<String> exposed = ClientGolangNames.name(e.name(), histogram, e.cumulative());
      if (exposed.isEmpty()) {
        continue;
      }
      String name = exposed.get();
      add(m, rule(name, e.name(), "exposed", histogram), counter);
      String untotalled = name;
      if (counter) {
        untotalled = name.substring(0, name.length() - "_total".length());
        add(m, rule(untotalled, e.name(), "_total trimmed", histogram), counter);
      }
      String unit = "_" + ClientGolangNames.unitWords(e.name().substring(e.name().indexOf(':') + 1));
      if (untotalled.endsWith(unit) && untotalled.length() > unit.length() + 3
          && !ROSETTA_NAMES.contains(untotalled.substring(0, untotalled.length() - unit.length()))) {
        add(m, rule(untotalled.substring(0, untotalled.length() - unit.length()), e.name(), "unit trimmed", histogram),
            counter);
      }
      if (histogram && e.cumulative()) {
        add(m, rule(name + "_total", e.name(), "1.12.0 histogram _total", histogram), counter);
      }
    }
    for (String[] row : equivalences()) {
      String name = row[0];
      Recognition.Source source = Recognition.Source.fromWord(row[1])
          .orElseThrow(() -> new IllegalStateException("unknown source " + row[1] + " in go-name-equivalences.tsv"));
      GoPath path = GoPath.parse(row[2]).toOptional()
          .orElseThrow(() -> new IllegalStateException("bad path " + row[2] + " in go-name-equivalences.tsv"));
      Optional<String> minus = row[3].equals("-") ? Optional.empty() : Optional.of(row[3]);
      GoCatalog.Entry e = GoCatalog.lookup(path.text())
          .orElseThrow(() -> new IllegalStateException(path + " of go-name-equivalences.tsv is not in the Go catalog"));
      boolean counter = e.cumulative() && e.kind() != GoCatalog.Kind.FLOAT64_HISTOGRAM;
      add(m, new Recognition(name, path, source, "listed", minus, false), counter);
      if (source == Recognition.Source.CLIENT_GOLANG) {
        // a Collector's prometheus receiver with trim_metric_suffixes: true
        String untotalled = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        if (!untotalled.equals(name)) {
          add(m, new Recognition(untotalled, path, source, "_total trimmed", minus.map(GoNameRecognizer::trimmed), false),
              counter);
        }
        for (String unit : new String[] {"_bytes", "_seconds"}) {
          if (untotalled.endsWith(unit)) {
            add(m, new Recognition(untotalled.substring(0, untotalled.length() - unit.length()), path, source,
                "unit trimmed", minus.map(GoNameRecognizer::trimmedUnit), false), counter);
          }
        }
      }
    }
    Map<String, List<Candidate>> frozen = new HashMap<>();
    m.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return Map.copyOf(frozen);
  }

  private static String trimmed(String name) {
    return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
  }

  private static String trimmedUnit(String name) {
    String t = trimmed(name);
    for (String unit : new String[] {"_bytes", "_seconds"}) {
      if (t.endsWith(unit)) {
        return t.substring(0, t.length() - unit.length());
      }
    }
    return t;
  }

  private static void add(Map<String, List<Candidate>> m, Recognition r, boolean counter) {
    List<Candidate> list = m.computeIfAbsent(r.input(), k -> new ArrayList<>(1));
    for (Candidate c : list) {
      if (c.recognition().path().equals(r.path()) && c.counter() == counter) {
        return; // the same path reached by two forms: keep the first
      }
    }
    list.add(new Candidate(r, counter));
  }

  private static List<String[]> equivalences() {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = GoNameRecognizer.class.getResourceAsStream("go-name-equivalences.tsv")) {
      if (in == null) {
        throw new IllegalStateException("go-name-equivalences.tsv is missing from the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      boolean header = true;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        String[] f = line.split("\t");
        if (f.length < 4) {
          throw new IllegalStateException("go-name-equivalences.tsv: too few columns in " + line);
        }
        rows.add(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
