package dev.rosetta.receiver.nativeformat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.name.GoCatalog;
import dev.rosetta.model.name.GoPath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Go {@code runtime/metrics} samples as JSON ({@code POST /v1/go/runtime-metrics}):
 *
 * <pre>
 * {"resource": {"service.name": "checkout"}, "time_unix_nano": 1700000000000000000,
 *  "samples": [{"name": "/gc/heap/allocs:bytes", "kind": "uint64", "value": 123, "cumulative": true},
 *              {"name": "/sched/latencies:seconds", "kind": "float64histogram",
 *               "counts": [0, 4, 1], "buckets": ["-Inf", 0.0, 1e-6, "+Inf"]}]}
 * </pre>
 *
 * <p>Kinds are {@code uint64}, {@code float64}, {@code float64histogram} (Go's {@code KindUint64}
 * spellings too) and {@code bad} (a metric this Go version does not support: skipped). A value or a
 * bucket edge may be {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"} as strings. {@code cumulative}
 * is optional: the Go catalog knows it for described metrics; an unknown metric without it is a
 * gauge. A histogram bucket {@code i} holds values in {@code [buckets[i], buckets[i+1])}; it becomes
 * the explicit bucket with upper bound {@code buckets[i+1]} (a finite lowest edge stays as a bound
 * below an empty bucket). Go histograms carry no sum: a sender may give one ({@code "sum"}, a finite
 * number, e.g. {@code /gc/heap/allocs:bytes} for {@code /gc/heap/allocs-by-size:bytes}); without it
 * the views stage fills it in (see {@code GoHistograms}: exact for the size histograms when their
 * totals are in the same body, an estimate otherwise); counts are exact.
 *
 * <p>All or nothing: any error rejects the whole body, with a message naming the JSON path.
 * Resource attributes come from {@code resource} and from query parameters (which win).
 */
public final class GoRuntimeDecoder {
  private static final Set<String> TOP_KEYS = Set.of("resource", "time_unix_nano", "samples");
  private static final Set<String> SAMPLE_KEYS =
      Set.of("name", "kind", "value", "cumulative", "counts", "buckets", "sum", "description");

  /** A decoded body: the batch and how many samples were skipped as unsupported ({@code bad}). */
  public record Result(MetricBatch batch, int skipped) {}

  private GoRuntimeDecoder() {}

  public static Result decode(String body, Map<String, String> queryResource, long nowNanos)
      throws MalformedBodyException {
    JsonElement tree = JsonTrees.parse(body);
    if (!tree.isJsonObject()) {
      throw new MalformedBodyException("the body must be a JSON object with \"samples\"");
    }
    JsonObject root = tree.getAsJsonObject();
    for (String k : root.keySet()) {
      if (!TOP_KEYS.contains(k)) {
        throw new MalformedBodyException("unknown key \"" + abbreviate(k) + "\" (expected resource, time_unix_nano, samples)");
      }
    }
    Labels.Builder resource = Labels.builder();
    JsonElement res = root.get("resource");
    if (res != null && !res.isJsonNull()) {
      if (!res.isJsonObject()) {
        throw new MalformedBodyException("resource: expected an object of attribute names to values");
      }
      for (var e : res.getAsJsonObject().entrySet()) {
        if (!e.getValue().isJsonPrimitive()) {
          throw new MalformedBodyException("resource." + abbreviate(e.getKey()) + ": expected a string, number or boolean");
        }
        resource.put(e.getKey(), JsonTrees.scalarText(e.getValue()));
      }
    }
    queryResource.forEach(resource::put);
    long time = nowNanos;
    JsonElement t = root.get("time_unix_nano");
    if (t != null && !t.isJsonNull()) {
      time = nanos(t, "time_unix_nano");
    }
    JsonElement samples = root.get("samples");
    if (samples == null || !samples.isJsonArray()) {
      throw new MalformedBodyException("samples: expected an array of samples");
    }
    List<Metric> metrics = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int skipped = 0;
    JsonArray arr = samples.getAsJsonArray();
    for (int i = 0; i < arr.size(); i++) {
      String at = "samples[" + i + "]";
      if (!arr.get(i).isJsonObject()) {
        throw new MalformedBodyException(at + ": expected an object");
      }
      JsonObject s = arr.get(i).getAsJsonObject();
      for (String k : s.keySet()) {
        if (!SAMPLE_KEYS.contains(k)) {
          throw new MalformedBodyException(at + ": unknown key \"" + abbreviate(k) + "\"");
        }
      }
      String name = string(s, "name", at);
      var parsed = GoPath.parse(name);
      if (!parsed.isOk()) {
        throw new MalformedBodyException(at + ".name: " + parsed.error().message());
      }
      if (!seen.add(name)) {
        throw new MalformedBodyException(at + ".name: \"" + abbreviate(name) + "\" appears twice");
      }
      String kind = string(s, "kind", at).toLowerCase(Locale.ROOT);
      Boolean cumulative = null;
      JsonElement c = s.get("cumulative");
      if (c != null && !c.isJsonNull()) {
        if (!c.isJsonPrimitive() || !c.getAsJsonPrimitive().isBoolean()) {
          throw new MalformedBodyException(at + ".cumulative: expected true or false");
        }
        cumulative = c.getAsBoolean();
      }
      boolean cum = cumulative != null
          ? cumulative
          : GoCatalog.lookup(name).map(GoCatalog.Entry::cumulative).orElse(false);
      String unit = parsed.value().ucumUnit();
      String description = s.has("description") && s.get("description").isJsonPrimitive()
          ? s.get("description").getAsString() : "";
      switch (kind) {
        case "uint64", "kinduint64", "float64", "kindfloat64" -> {
          if (s.has("sum")) {
            throw new MalformedBodyException(at + ".sum: only a float64histogram sample has a sum");
          }
          JsonElement v = s.get("value");
          if (v == null || v.isJsonNull()) {
            throw new MalformedBodyException(at + ".value: missing");
          }
          double value = kind.contains("uint64") ? unsignedLong(v, at + ".value") : number(v, at + ".value");
          Point p = new NumberPoint(Labels.empty(), 0, time, value);
          metrics.add(new Metric(name, description, unit, cum ? MetricType.COUNTER : MetricType.GAUGE,
              Temporality.CUMULATIVE, List.of(p)));
        }
        case "float64histogram", "kindfloat64histogram" -> metrics.add(new Metric(name, description, unit,
            MetricType.HISTOGRAM, Temporality.CUMULATIVE, List.of(histogram(s, at, time))));
        case "bad", "kindbad" -> skipped++;
        default -> throw new MalformedBodyException(at + ".kind: unknown kind \"" + kind
            + "\" (expected uint64, float64, float64histogram or bad)");
      }
    }
    MetricBatch batch = metrics.isEmpty()
        ? MetricBatch.empty()
        : new MetricBatch(List.of(new ResourceMetrics(resource.build(),
            List.of(new ScopeMetrics(InstrumentationScope.empty(), metrics)))));
    return new Result(batch, skipped);
  }

  private static HistogramPoint histogram(JsonObject s, String at, long time) throws MalformedBodyException {
    JsonElement countsEl = s.get("counts");
    JsonElement bucketsEl = s.get("buckets");
    if (countsEl == null || !countsEl.isJsonArray()) {
      throw new MalformedBodyException(at + ".counts: expected an array of bucket counts");
    }
    if (bucketsEl == null || !bucketsEl.isJsonArray()) {
      throw new MalformedBodyException(at + ".buckets: expected an array of bucket boundaries");
    }
    JsonArray counts = countsEl.getAsJsonArray();
    JsonArray buckets = bucketsEl.getAsJsonArray();
    int n = counts.size();
    if (buckets.size() != n + 1) {
      throw new MalformedBodyException(at + ".buckets: has " + buckets.size() + " boundaries for " + n
          + " counts (want one more boundary than counts)");
    }
    double[] edges = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      edges[i] = number(buckets.get(i), at + ".buckets[" + i + "]");
      if (Double.isNaN(edges[i])) {
        throw new MalformedBodyException(at + ".buckets[" + i + "]: NaN is not a boundary");
      }
      if (i > 0 && !(edges[i] > edges[i - 1])) {
        throw new MalformedBodyException(at + ".buckets[" + i + "]: boundaries must increase strictly");
      }
      if (i > 0 && i < n && Double.isInfinite(edges[i])) {
        throw new MalformedBodyException(at + ".buckets[" + i + "]: only the first and last boundary may be infinite");
      }
    }
    // Go bucket i is [edges[i], edges[i+1]); as explicit buckets its upper bound is edges[i+1]. A
    // finite lowest edge stays as a bound with an empty bucket below it, and a finite highest edge
    // leaves an empty +Inf bucket, so the buckets are exactly Go's.
    boolean firstFinite = n > 0 && !Double.isInfinite(edges[0]);
    boolean lastFinite = n > 0 && !Double.isInfinite(edges[n]);
    int nb = (firstFinite ? 1 : 0) + (n - 1) + (lastFinite ? 1 : 0);
    double[] bounds = new double[Math.max(0, nb)];
    long[] bucketCounts = new long[Math.max(0, nb) + 1];
    int k = 0;
    if (firstFinite) {
      bounds[k++] = edges[0];
    }
    for (int i = 1; i < n; i++) {
      bounds[k++] = edges[i];
    }
    if (lastFinite) {
      bounds[k++] = edges[n];
    }
    int offset = firstFinite ? 1 : 0;
    long total = 0;
    for (int i = 0; i < n; i++) {
      long c = count(counts.get(i), at, i);
      total += c;
      if (total < 0) {
        throw new MalformedBodyException(at + ".counts: the counts add up to more than 2^63-1");
      }
      bucketCounts[i + offset] = c;
    }
    // Go histograms have no sum: the sender's, or the views stage fills it in, the same way for
    // every transport.
    double sum = Double.NaN;
    JsonElement sumEl = s.get("sum");
    if (sumEl != null && !sumEl.isJsonNull()) {
      sum = number(sumEl, at + ".sum");
      if (!Double.isFinite(sum)) {
        throw new MalformedBodyException(at + ".sum: expected a finite number, got " + sumEl);
      }
    }
    return new HistogramPoint(Labels.empty(), 0, time, bounds, bucketCounts, total, sum, Double.NaN,
        Double.NaN);
  }

  private static String string(JsonObject o, String key, String at) throws MalformedBodyException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isEmpty()) {
      throw new MalformedBodyException(at + "." + key + ": expected a non-empty string");
    }
    return e.getAsString();
  }

  /** A number, or one of the strings NaN, +Inf, -Inf, Inf. */
  static double number(JsonElement e, String at) throws MalformedBodyException {
    if (e.isJsonPrimitive()) {
      JsonPrimitive p = e.getAsJsonPrimitive();
      if (p.isNumber()) {
        return p.getAsDouble();
      }
      if (p.isString()) {
        switch (p.getAsString()) {
          case "NaN":
            return Double.NaN;
          case "+Inf", "Inf", "Infinity", "+Infinity":
            return Double.POSITIVE_INFINITY;
          case "-Inf", "-Infinity":
            return Double.NEGATIVE_INFINITY;
          default:
            break;
        }
      }
    }
    throw new MalformedBodyException(at + ": expected a number (or \"NaN\", \"+Inf\", \"-Inf\"), got "
        + abbreviate(e.toString()));
  }

  /** A bucket count: an integer from 0 to 2^63-1, exactly. */
  private static long count(JsonElement e, String at, int i) throws MalformedBodyException {
    if (isNumeral(e)) {
      try {
        long v = new BigDecimal(e.getAsString()).longValueExact();
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException | ArithmeticException ignored) {
        // reported below
      }
    }
    throw new MalformedBodyException(at + ".counts[" + i + "]: expected a count from 0 to 2^63-1, got "
        + abbreviate(e.toString()));
  }

  /**
   * Whether a value is a JSON number or a string short enough to be one: a numeral longer than 64
   * characters is no count or time, and parsing one exactly would cost more than its length.
   */
  private static boolean isNumeral(JsonElement e) {
    if (!e.isJsonPrimitive()) {
      return false;
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isNumber() ? p.getAsString().length() <= 64 : p.isString() && p.getAsString().length() <= 64;
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 60) + "..." : s;
  }

  /** A Unix time in nanoseconds, exactly, as a JSON number or a decimal string. */
  static long nanos(JsonElement e, String at) throws MalformedBodyException {
    if (isNumeral(e)) {
      try {
        long v = new BigDecimal(e.getAsString()).longValueExact();
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException | ArithmeticException ignored) {
        // reported below
      }
    }
    throw new MalformedBodyException(at + ": expected Unix time in nanoseconds, got " + abbreviate(e.toString()));
  }

  /** A non-negative integer up to 2^64-1 (as a double), as a JSON number or a decimal string. */
  static double unsignedLong(JsonElement e, String at) throws MalformedBodyException {
    if (isNumeral(e)) {
      try {
        BigDecimal d = new BigDecimal(e.getAsString());
        if (d.signum() >= 0 && d.stripTrailingZeros().scale() <= 0
            && d.compareTo(new BigDecimal("18446744073709551615")) <= 0) {
          return d.doubleValue();
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    throw new MalformedBodyException(at + ": expected an unsigned 64-bit integer, got " + abbreviate(e.toString()));
  }
}
