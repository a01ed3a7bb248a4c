package dev.rosetta.receiver.otlp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The OTLP/JSON encoding (OTLP specification, "JSON Protobuf Encoding"): proto3 JSON with
 * lowerCamelCase keys (the original field names are read too, as the Collector does), 64-bit
 * integers as strings or numbers, enums as integers, unknown fields ignored, and trace/span ids as
 * hex strings rather than base64. The body is read by {@link StrictJson}: UTF-8, strict syntax,
 * bounded nesting, a key given twice in one object refused (as protobuf's JSON parsers refuse a
 * field set twice, {@code resourceMetrics} next to {@code resource_metrics} included).
 */
public final class OtlpJson {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();

  private OtlpJson() {}

  /** Thrown for a body that is not an OTLP/JSON metrics request; the message says where. */
  public static final class MalformedJsonException extends Exception {
    public MalformedJsonException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The request in a body of UTF-8 OTLP/JSON.
   *
   * @throws MalformedJsonException for a body that is not UTF-8, not JSON as {@link StrictJson}
   *     reads it, or not an OTLP/JSON metrics request; the message says what and where
   */
  public static ExportMetricsServiceRequest parseRequest(byte[] body) throws MalformedJsonException {
    try {
      return parseRequest(StrictJson.utf8(body));
    } catch (StrictJson.MalformedException e) {
      throw new MalformedJsonException(e.getMessage(), e);
    }
  }

  /** The request in a text of OTLP/JSON; see {@link #parseRequest(byte[])}. */
  public static ExportMetricsServiceRequest parseRequest(String body) throws MalformedJsonException {
    JsonElement tree;
    try {
      tree = StrictJson.parse(body);
    } catch (StrictJson.MalformedException e) {
      throw new MalformedJsonException(e.getMessage(), e);
    }
    if (!tree.isJsonObject()) {
      throw new MalformedJsonException("invalid OTLP/JSON: the body must be a JSON object", null);
    }
    prepare(tree, false, 0);
    try {
      ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
      PARSER.merge(tree.toString(), b);
      return b.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      String m = rootMessage(e);
      throw new MalformedJsonException("invalid OTLP/JSON: " + (m.length() > 500 ? m.substring(0, 496) + "..." : m), e);
    }
  }

  /** Prints a message (a response or a google.rpc.Status) as compact OTLP/JSON. */
  public static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /**
   * Prepares the tree for protobuf's parser, in one walk: OTLP/JSON writes traceId/spanId as hex
   * where proto3 JSON expects base64; and a number written as a string is at most
   * {@link #MAX_NUMERAL_CHARS} characters long, since protobuf's parser reads numerals as exact
   * decimals, in time that grows with the square of their length.
   */
  private static void prepare(JsonElement e, boolean numeric, int depth) throws MalformedJsonException {
    if (depth > StrictJson.MAX_DEPTH) {
      throw new MalformedJsonException("invalid OTLP/JSON: nesting deeper than " + StrictJson.MAX_DEPTH, null);
    }
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      sameFieldTwice(o);
      for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
        String k = entry.getKey();
        JsonElement v = entry.getValue();
        if (isIdKey(k) && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
          String hex = v.getAsString();
          try {
            entry.setValue(new JsonPrimitive(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex))));
          } catch (IllegalArgumentException ex) {
            throw new MalformedJsonException("invalid OTLP/JSON: " + k + " \"" + abbreviate(hex)
                + "\" is not a hex string", ex);
          }
        } else if (NUMERIC_KEYS.contains(k) && v.isJsonPrimitive()) {
          numeral(k, v);
        } else {
          prepare(v, NUMERIC_KEYS.contains(k), depth + 1);
        }
      }
    } else if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      for (JsonElement x : a) {
        if (numeric && x.isJsonPrimitive()) {
          numeral("an element", x);
        } else {
          prepare(x, false, depth + 1);
        }
      }
    }
  }

  /**
   * A field given in both spellings ({@code resourceMetrics} and {@code resource_metrics}) is given
   * twice, and refused as a key given twice is; protobuf's parser would merge the two silently.
   */
  private static void sameFieldTwice(JsonObject o) throws MalformedJsonException {
    java.util.Set<String> camel = null;
    for (String k : o.keySet()) {
      if (k.indexOf('_') < 0) {
        continue;
      }
      String c = lowerCamel(k);
      if (!c.equals(k) && o.has(c)) {
        throw new MalformedJsonException("invalid OTLP/JSON: field " + abbreviate(c) + " given twice (as " + abbreviate(c)
            + " and " + abbreviate(k) + ")", null);
      }
      if (camel == null) {
        camel = new java.util.HashSet<>();
      }
      if (!camel.add(c)) {
        throw new MalformedJsonException("invalid OTLP/JSON: field " + abbreviate(c) + " given twice", null);
      }
    }
  }

  private static String lowerCamel(String snake) {
    StringBuilder sb = new StringBuilder(snake.length());
    boolean up = false;
    for (int i = 0; i < snake.length(); i++) {
      char ch = snake.charAt(i);
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }

  /** Longer numerals in numeric fields are refused: a double needs 24 characters, an enum name 40. */
  static final int MAX_NUMERAL_CHARS = 64;

  /** The fields of numbers (and enums), in both spellings: their strings are numerals or enum names. */
  private static final java.util.Set<String> NUMERIC_KEYS = java.util.Set.of(
      "timeUnixNano", "time_unix_nano", "startTimeUnixNano", "start_time_unix_nano", "asInt", "as_int",
      "asDouble", "as_double", "count", "sum", "min", "max", "bucketCounts", "bucket_counts", "explicitBounds",
      "explicit_bounds", "scale", "zeroCount", "zero_count", "zeroThreshold", "zero_threshold", "offset", "flags",
      "aggregationTemporality", "aggregation_temporality", "quantile", "value", "intValue", "int_value",
      "doubleValue", "double_value", "droppedAttributesCount", "dropped_attributes_count", "isMonotonic",
      "is_monotonic", "boolValue", "bool_value");

  private static void numeral(String key, JsonElement v) throws MalformedJsonException {
    if (v.getAsJsonPrimitive().isString() && v.getAsString().length() > MAX_NUMERAL_CHARS) {
      throw new MalformedJsonException("invalid OTLP/JSON: " + key + " \"" + abbreviate(v.getAsString())
          + "\" is not a number (longer than " + MAX_NUMERAL_CHARS + " characters)", null);
    }
  }

  private static boolean isIdKey(String k) {
    return k.equals("traceId") || k.equals("spanId") || k.equals("trace_id") || k.equals("span_id");
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
