package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.prom.PromFamilies;
import dev.rosetta.model.prom.PromFamily;
import dev.rosetta.receiver.otlp.OtlpEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client_golang program (Debian's client_golang 1.14, built in GOPATH mode) writes, in one
 * instant, its {@code /metrics} text and the native form of {@code clients/go}; both go to the
 * packaged Rosetta, and the families Rosetta derives from the text equal, family by family and label
 * by label, those it derives from the native form.
 *
 * <p>The text reaches Rosetta over OTLP as an OpenTelemetry Collector's {@code prometheus} receiver
 * would send it. The conversion here: the exposition is cut into families by its {@code # TYPE}
 * lines ({@link PromText}); each family becomes one OTLP metric ({@link PromFamilies}): a counter a
 * monotonic cumulative sum named by its family name with {@code _total}, a gauge a gauge, a
 * histogram one histogram point from its {@code _bucket}/{@code _sum}/{@code _count} series named by
 * the family name (bounds = the finite {@code le} values as written, counts de-accumulated), a
 * summary one summary point; once as exposed and once with {@code trim_metric_suffixes: true}
 * ({@code _total} removed; client_golang declares no units, so none are trimmed); resource {@code
 * service.name} = job, {@code service.instance.id} = instance, scope {@code
 * otelcol/prometheusreceiver}; start time one minute before now. Nothing else is changed: the
 * recognition of the names is Rosetta's.
 *
 * <p>Compared: the series of {@code /metrics} per instance, keyed by name and labels (without {@code
 * job}, {@code instance} and the {@code otel_scope_*} labels, which say which receiver it came
 * through). Values: the settings exactly, everything else within the skew of two reads a few
 * microseconds apart (2% or a small absolute slack). Histograms: the same families and counts; the
 * bucket bounds differ (client_golang coarsens the runtime's buckets before Rosetta sees them), so
 * each bucket of the text form must lie between the native form's buckets around its bound; the
 * sums differ by construction (client_golang's lower-bound estimate) and are not compared.
 */
@ExtendWith(PeerLogs.class)
class ClientGolangTest {
  static final String JOB = "client-golang";
  /** Families client_golang has and runtime/metrics has not. */
  static final Set<String> CLIENT_GOLANG_ONLY = Set.of("go_threads", "go_gc_duration_seconds",
      "go_gc_duration_seconds_sum", "go_gc_duration_seconds_count", "go_info", "go_memstats_last_gc_time_seconds",
      "go_memstats_mallocs_total", "go_memstats_frees_total");
  /** Settings: equal in the two forms, whatever the skew. */
  static final Set<String> SETTINGS = Set.of("go_gc_gogc_percent", "go_gc_gomemlimit_bytes", "go_sched_gomaxprocs",
      "go_gc_stack_starting_size_bytes");

  @TempDir Path tmp;

  @Test
  void familiesFromTheClientGolangTextEqualThoseFromTheNativeForm() throws Exception {
    ClientGolangPeer.binary();
    for (String rules : List.of("all", "default")) {
      ClientGolangPeer.snapshot(rules, tmp.resolve(rules), JOB, rules + "-native");
    }
    try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp)) {
      for (String rules : List.of("all", "default")) {
        Path dir = tmp.resolve(rules);
        assertThat(rosetta.postJson("/v1/go/runtime-metrics", Files.readString(dir.resolve("native.json"))).statusCode())
            .as("native form of %s", rules).isEqualTo(200);
        List<PromFamily> families = PromText.parse(Files.readString(dir.resolve("metrics.txt")));
        assertThat(families).as("families of the %s exposition", rules).hasSizeGreaterThan(20);
        for (boolean trim : List.of(false, true)) {
          String instance = rules + (trim ? "-trimmed" : "-exposed");
          assertThat(rosetta.postOtlp(otlp(families, instance, trim)).statusCode()).as(instance).isEqualTo(200);
        }
      }
      Metric future = new Metric("go_future_widgets_total", "", "", MetricType.COUNTER, Temporality.CUMULATIVE,
          List.of(new NumberPoint(Labels.empty(), now() - 1, now(), 3)));
      assertThat(rosetta.postOtlp(OtlpEncoder.encode(batch("unknown", List.of(future))).toByteArray()).statusCode())
          .isEqualTo(200);

      Exposition exposed = Await.until("every form in /metrics", RosettaProcess.START_DEADLINE, rosetta::metrics,
          e -> List.of("all-native", "all-exposed", "all-trimmed", "default-native", "default-exposed",
              "default-trimmed", "unknown").stream().allMatch(i -> !series(e, i).isEmpty()));

      // every rule on: the text gives exactly the native families, plus client_golang's own
      Map<String, Double> native_ = series(exposed, "all-native");
      Map<String, Double> text = series(exposed, "all-exposed");
      assertThat(series(exposed, "all-trimmed")).as("trimmed names map exactly as exposed ones").isEqualTo(text);
      Map<String, Double> textWithoutOwn = withoutClientGolangOnly(text);
      assertThat(nonBucket(textWithoutOwn).keySet()).as("series from the text, family by family, label by label")
          .isEqualTo(nonBucket(native_).keySet());
      assertThat(families(text)).as("client_golang's own families").containsAll(Set.of("go_threads",
          "go_gc_duration_seconds", "go_info", "go_memstats_mallocs_total", "go_memstats_frees_total"));
      assertValuesClose(nonBucket(native_), nonBucket(textWithoutOwn));
      assertBucketsConsistent(native_, textWithoutOwn);
      assertThat(textWithoutOwn.keySet()).as("roll-ups stay out")
          .noneMatch(k -> k.contains("classes") || k.contains("total\"") || k.contains("go_memstats_sys"));

      // the default collector (MemStats-style names): a subset of the native families, memory by class complete
      Map<String, Double> nativeDefault = series(exposed, "default-native");
      Map<String, Double> textDefault = withoutClientGolangOnly(series(exposed, "default-exposed"));
      assertThat(series(exposed, "default-trimmed")).isEqualTo(series(exposed, "default-exposed"));
      assertThat(nativeDefault.keySet()).as("native series").containsAll(textDefault.keySet());
      assertThat(textDefault.keySet()).as("from MemStats names")
          .containsAll(nativeDefault.keySet().stream().filter(k -> k.startsWith("go_memory_mapped_bytes{")).toList())
          .contains("go_gc_heap_allocs_bytes_total{}", "go_gc_heap_goal_bytes{}", "go_gc_heap_objects{}",
              "go_sched_goroutines{}");
      assertValuesClose(nativeDefault, textDefault);
      double sys = PromText.parse(Files.readString(tmp.resolve("default/metrics.txt"))).stream()
          .filter(f -> f.name().equals("go_memstats_sys_bytes")).findFirst().orElseThrow().samples().get(0).value();
      double classes = textDefault.entrySet().stream().filter(e -> e.getKey().startsWith("go_memory_mapped_bytes{"))
          .mapToDouble(Map.Entry::getValue).sum();
      assertThat(classes).as("the memory classes from MemStats sum to Sys").isEqualTo(sys);

      // an unknown go_* name passes through, counted; nothing invalid; duplicates counted once
      assertThat(series(exposed, "unknown")).containsOnlyKeys("go_future_widgets_total{}");
      Map<String, Double> outcomes = new TreeMap<>();
      exposed.find("rosetta_views_points_total", Map.of()).forEach(s -> outcomes.put(s.labels().get("outcome"), s.value()));
      assertThat(outcomes.getOrDefault("unmatched_passthrough", 0.0)).isGreaterThanOrEqualTo(1);
      assertThat(outcomes.getOrDefault("invalid", 0.0)).as("outcomes %s", outcomes).isZero();
      assertThat(outcomes.getOrDefault("duplicate", 0.0)).as("MemStats names beside runtime/metrics names")
          .isPositive();
      assertThat(exposed.sum("rosetta_receiver_refused_points_total")).isZero();

      // explain answers with the path's view
      List<JsonObject> explained = RosettaProcess.explain(getClass(),
          List.of("go_cpu_classes_gc_mark_assist_cpu_seconds_total", "/cpu/classes/gc/mark/assist:cpu-seconds"));
      assertThat(explained.get(0).get("view")).isEqualTo(explained.get(1).get("view"));
      assertThat(explained.get(0).get("labels")).isEqualTo(explained.get(1).get("labels"));
      assertThat(explained.get(0).get("recognized_as").getAsString()).isEqualTo("/cpu/classes/gc/mark/assist:cpu-seconds");
      rosetta.stopCleanly();
    }
  }

  private static long now() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  private static MetricBatch batch(String instance, List<Metric> metrics) {
    return new MetricBatch(List.of(new ResourceMetrics(Labels.of("service.name", JOB, "service.instance.id", instance),
        List.of(new ScopeMetrics(new InstrumentationScope("otelcol/prometheusreceiver", "", Labels.empty()), metrics)))));
  }

  private static byte[] otlp(List<PromFamily> families, String instance, boolean trim) {
    long now = now();
    List<Metric> metrics = new ArrayList<>();
    for (PromFamily f : families) {
      metrics.add(PromFamilies.toMetric(f, now - 60_000_000_000L, now, trim));
    }
    return OtlpEncoder.encode(batch(instance, metrics)).toByteArray();
  }

  /** The series of one instance of the job: name{labels} without job, instance and otel_scope_* -> value. */
  static Map<String, Double> series(Exposition e, String instance) {
    Map<String, Double> out = new TreeMap<>();
    for (Exposition.Sample s : e.samples()) {
      if (!JOB.equals(s.labels().get("job")) || !instance.equals(s.labels().get("instance"))
          || s.name().equals("target_info")) {
        continue;
      }
      StringBuilder key = new StringBuilder(s.name()).append('{');
      s.labels().forEach((k, v) -> {
        if (!k.equals("job") && !k.equals("instance") && !k.startsWith("otel_scope_")) {
          key.append(key.charAt(key.length() - 1) == '{' ? "" : ",").append(k).append("=\"").append(v).append('"');
        }
      });
      out.put(key.append('}').toString(), s.value());
    }
    return out;
  }

  private static String family(String key) {
    return key.substring(0, key.indexOf('{'));
  }

  private static Set<String> families(Map<String, Double> series) {
    Set<String> out = new TreeSet<>();
    series.keySet().forEach(k -> out.add(family(k)));
    return out;
  }

  private static Map<String, Double> withoutClientGolangOnly(Map<String, Double> series) {
    Map<String, Double> out = new TreeMap<>(series);
    out.keySet().removeIf(k -> CLIENT_GOLANG_ONLY.contains(family(k)));
    return out;
  }

  private static Map<String, Double> nonBucket(Map<String, Double> series) {
    Map<String, Double> out = new TreeMap<>(series);
    out.keySet().removeIf(k -> family(k).endsWith("_bucket") || family(k).endsWith("_sum") && isHistogram(series, k));
    return out;
  }

  private static boolean isHistogram(Map<String, Double> series, String sumKey) {
    String base = family(sumKey).substring(0, family(sumKey).length() - "_sum".length());
    return series.keySet().stream().anyMatch(k -> family(k).equals(base + "_bucket"));
  }

  private static void assertValuesClose(Map<String, Double> expected, Map<String, Double> actual) {
    List<String> off = new ArrayList<>();
    actual.forEach((k, v) -> {
      Double n = expected.get(k);
      if (n != null && !close(family(k), n, v)) {
        off.add(k + ": native " + n + ", from the text " + v);
      }
    });
    assertThat(off).as("values beyond the skew of the two reads").isEmpty();
  }

  static boolean close(String family, double a, double b) {
    if (SETTINGS.contains(family)) {
      return a == b;
    }
    double slack = family.contains("bytes") ? 8 << 20 : family.contains("seconds") ? 0.5 : 5000;
    return Math.abs(a - b) <= Math.max(slack, 0.02 * Math.max(Math.abs(a), Math.abs(b)));
  }

  /** Each bucket of the text form lies between the native buckets around its bound (within the skew). */
  private static void assertBucketsConsistent(Map<String, Double> nativeSeries, Map<String, Double> textSeries) {
    List<String> off = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, Double> e : textSeries.entrySet()) {
      if (!family(e.getKey()).endsWith("_bucket")) {
        continue;
      }
      String key = e.getKey();
      String withoutLe = key.replaceAll(",?le=\"[^\"]*\"", "").replace("{,", "{");
      double le = bound(key);
      double below = 0;
      double above = Double.NaN;
      double belowLe = Double.NEGATIVE_INFINITY;
      double aboveLe = Double.POSITIVE_INFINITY;
      for (Map.Entry<String, Double> n : nativeSeries.entrySet()) {
        String nk = n.getKey();
        if (!family(nk).equals(family(key)) || !nk.replaceAll(",?le=\"[^\"]*\"", "").replace("{,", "{").equals(withoutLe)) {
          continue;
        }
        double b = bound(nk);
        if (b <= le && b >= belowLe) {
          belowLe = b;
          below = n.getValue();
        }
        if (b >= le && b <= aboveLe) {
          aboveLe = b;
          above = n.getValue();
        }
      }
      double c = e.getValue();
      // the native read comes a few hundred allocations after client_golang's (Gather's own)
      double slack = Math.max(1000, 0.05 * c);
      if (Double.isNaN(above) || c < below - slack || c > above + slack) {
        off.add(key + " = " + c + ": native " + below + " at le=" + belowLe + ", " + above + " at le=" + aboveLe);
      }
      checked++;
    }
    assertThat(checked).as("histogram buckets compared").isPositive();
    assertThat(off).as("buckets of the text form outside the native form's").isEmpty();
  }

  private static double bound(String key) {
    int at = key.indexOf("le=\"") + 4;
    String v = key.substring(at, key.indexOf('"', at));
    return v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
  }
}
