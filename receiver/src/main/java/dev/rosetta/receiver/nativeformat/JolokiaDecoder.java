package dev.rosetta.receiver.nativeformat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.name.JvmPath;
import dev.rosetta.model.view.SiblingAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jolokia read responses ({@code POST /v1/jvm/jolokia}), exactly as a Jolokia agent returns them:
 * one response object or a bulk array. Handled shapes: a single attribute ({@code value} is the
 * attribute, possibly a composite such as {@code Usage} → {@code used}, {@code committed}, …), a
 * read with a {@code path} ({@code value} is the leaf), several or all attributes ({@code value}
 * keyed by attribute), and wildcard reads ({@code value} keyed by ObjectName, then by attribute).
 *
 * <p>Every numeric leaf becomes one gauge point named by its JVM path: ObjectName, attribute and
 * item path joined with {@code /}, each segment escaped the way Jolokia escapes paths ({@code !/},
 * {@code !!}); the semantic views decide its type and family. The other scalar attributes of the
 * same MBean (a memory pool's {@code Type}, a collector's {@code Name}, …) ride along as point
 * labels {@code __attr_<attribute>} ({@link SiblingAttributes#LABEL_PREFIX}), for views to read; the views stage removes them. {@code null}
 * values and booleans carry no number and are skipped; arrays (thread ids, argument lists) list
 * identifiers rather than measurements and are skipped too; error entries ({@code status} ≠ 200) and
 * non-read entries are skipped and counted. A body that is not a Jolokia response (wrong JSON
 * types, a read without {@code mbean}) is rejected whole with the JSON path of the problem.
 */
public final class JolokiaDecoder {

  /** A decoded body: the batch, and the response entries skipped as errors. */
  public record Result(MetricBatch batch, int errorEntries, int skippedValues) {}

  private JolokiaDecoder() {}

  /**
   * How many characters of metric names a body may expand to, per character of body. Each numeric
   * leaf is named by its whole path (ObjectName, attribute, items), so a body expands: a real one
   * two to ten times (an ObjectName of 60 characters over attributes of 10), a crafted one (a long
   * ObjectName over thousands of one-digit attributes) without bound. Past this factor the body is
   * refused, so decoding stays linear in the body.
   */
  public static final int MAX_EXPANSION = 16;

  public static Result decode(String body, Map<String, String> resource, long nowNanos)
      throws MalformedBodyException {
    JsonElement tree = JsonTrees.parse(body);
    List<JsonObject> entries = new ArrayList<>();
    if (tree.isJsonArray()) {
      JsonArray a = tree.getAsJsonArray();
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).isJsonObject()) {
          throw new MalformedBodyException("[" + i + "]: expected a Jolokia response object");
        }
        entries.add(a.get(i).getAsJsonObject());
      }
    } else if (tree.isJsonObject()) {
      entries.add(tree.getAsJsonObject());
    } else {
      throw new MalformedBodyException("expected a Jolokia response object or an array of them");
    }
    Walk walk = new Walk(MAX_EXPANSION * (long) body.length() + (1 << 20));
    int errors = 0;
    for (int i = 0; i < entries.size(); i++) {
      String at = tree.isJsonArray() ? "[" + i + "]" : "";
      JsonObject r = entries.get(i);
      JsonElement status = r.get("status");
      if (status == null || !status.isJsonPrimitive() || !status.getAsJsonPrimitive().isNumber()) {
        throw new MalformedBodyException(prefix(at) + "status: expected the HTTP status number of the response");
      }
      if (status.getAsDouble() != 200) {
        errors++;
        continue;
      }
      JsonObject request = object(r, "request", at);
      String type = request.has("type") && request.get("type").isJsonPrimitive()
          ? request.get("type").getAsString() : "read";
      if (!type.equalsIgnoreCase("read")) {
        errors++;
        continue;
      }
      String mbean = text(request, "mbean", at + (at.isEmpty() ? "" : ".") + "request");
      long time = nowNanos;
      JsonElement ts = r.get("timestamp");
      if (ts != null && ts.isJsonPrimitive() && ts.getAsJsonPrimitive().isNumber()) {
        time = seconds(ts, prefix(at) + "timestamp");
      }
      JsonElement value = r.get("value");
      if (value == null || value.isJsonNull()) {
        walk.skipped++;
        continue;
      }
      String single = singleAttribute(request.get("attribute"));
      String path = request.has("path") && request.get("path").isJsonPrimitive()
          ? request.get("path").getAsString() : null;
      if (isPattern(mbean)) {
        if (!value.isJsonObject()) {
          throw new MalformedBodyException(prefix(at) + "value: a wildcard read's value must be keyed by ObjectName");
        }
        for (var e : value.getAsJsonObject().entrySet()) {
          if (!e.getValue().isJsonObject()) {
            throw new MalformedBodyException(prefix(at) + "value." + abbreviate(e.getKey())
                + ": expected attributes by name");
          }
          walk.mbeanAttributes(e.getKey(), e.getValue().getAsJsonObject(), path, time);
        }
      } else if (single != null) {
        String prefixPath = path == null ? JvmPath.join(mbean, single) : JvmPath.join(mbean, single) + "/" + path;
        walk.leaves(walk.charge(prefixPath), value, Labels.empty(), time);
      } else {
        if (!value.isJsonObject()) {
          throw new MalformedBodyException(prefix(at) + "value: expected attributes by name");
        }
        walk.mbeanAttributes(mbean, value.getAsJsonObject(), path, time);
      }
    }
    MetricBatch batch = walk.out.isEmpty()
        ? MetricBatch.empty()
        : new MetricBatch(List.of(new ResourceMetrics(Labels.of(resource),
            List.of(new ScopeMetrics(InstrumentationScope.empty(), List.copyOf(walk.out.values()))))));
    return new Result(batch, errors, walk.skipped);
  }

  private static String prefix(String at) {
    return at.isEmpty() ? "" : at + ".";
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 60) + "..." : s;
  }

  /** Jolokia's timestamp (Unix seconds) in nanoseconds. */
  private static long seconds(JsonElement ts, String at) throws MalformedBodyException {
    double s = ts.getAsDouble();
    if (!(s >= 0 && s < Long.MAX_VALUE / 1_000_000_000L)) {
      throw new MalformedBodyException(at + ": expected Unix seconds, got " + abbreviate(ts.toString()));
    }
    return (long) s * 1_000_000_000L;
  }

  /** The metrics of one body as its values are walked, with what the names may still cost. */
  private static final class Walk {
    final Map<String, Metric> out = new LinkedHashMap<>();
    int skipped;
    long budget;
    final long limit;

    Walk(long budget) {
      this.budget = budget;
      this.limit = budget;
    }

    /** Counts a name against the budget. */
    String charge(String name) throws MalformedBodyException {
      budget -= name.length();
      if (budget < 0) {
        throw new MalformedBodyException("the body expands to more than " + limit + " characters of metric names ("
            + MAX_EXPANSION + " times its size): split the read into smaller ones");
      }
      return name;
    }

    /** One MBean's attributes: numeric leaves become points, scalar siblings become labels. */
    void mbeanAttributes(String mbean, JsonObject attrs, String path, long time) throws MalformedBodyException {
      Labels.Builder siblings = Labels.builder();
      for (var e : attrs.entrySet()) {
        JsonElement v = e.getValue();
        if (v.isJsonPrimitive() && !v.getAsJsonPrimitive().isNumber()) {
          siblings.add(SiblingAttributes.LABEL_PREFIX + e.getKey(), JsonTrees.scalarText(v));
        }
      }
      Labels labels = siblings.build();
      for (var e : attrs.entrySet()) {
        String base = JvmPath.join(mbean, e.getKey());
        leaves(charge(path == null ? base : base + "/" + path), e.getValue(), labels, time);
      }
    }

    /** Walks a value: numbers become points; objects descend one path segment. */
    void leaves(String path, JsonElement v, Labels labels, long time) throws MalformedBodyException {
      if (v == null || v.isJsonNull()) {
        skipped++;
      } else if (v.isJsonPrimitive()) {
        JsonPrimitive p = v.getAsJsonPrimitive();
        if (p.isNumber()) {
          out.put(path, new Metric(path, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
              List.of(new NumberPoint(labels, 0, time, p.getAsDouble()))));
        }
        // strings and booleans carry no number; strings are offered to views as sibling labels
      } else if (v.isJsonObject()) {
        for (var e : v.getAsJsonObject().entrySet()) {
          leaves(charge(path + "/" + JvmPath.escapeSegment(e.getKey())), e.getValue(), labels, time);
        }
      } else {
        // An array attribute (AllThreadIds, a String[] of arguments...) lists identifiers, not
        // measurements; one series per element would only churn. Skipped and counted.
        skipped++;
      }
    }
  }

  /**
   * The attribute of a read for one attribute given as a string; null when the read names several
   * (an array, even of one: Jolokia then answers keyed by attribute) or none (all attributes).
   */
  private static String singleAttribute(JsonElement attr) {
    return attr != null && attr.isJsonPrimitive() ? attr.getAsString() : null;
  }

  /** Whether an ObjectName is a pattern (its read answers keyed by ObjectName). */
  static boolean isPattern(String mbean) {
    boolean quoted = false;
    for (int i = 0; i < mbean.length(); i++) {
      char c = mbean.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '*' || c == '?')) {
        return true;
      }
    }
    return false;
  }

  private static JsonObject object(JsonObject o, String key, String at) throws MalformedBodyException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonObject()) {
      throw new MalformedBodyException(prefix(at) + key + ": expected an object");
    }
    return e.getAsJsonObject();
  }

  private static String text(JsonObject o, String key, String at) throws MalformedBodyException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || e.getAsString().isEmpty()) {
      throw new MalformedBodyException(prefix(at) + key + ": expected a non-empty string");
    }
    return e.getAsString();
  }
}
