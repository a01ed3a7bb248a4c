package dev.rosetta.receiver.otlp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.StringReader;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The OTLP/JSON encoding (OTLP specification, "JSON Protobuf Encoding"): proto3 JSON with
 * lowerCamelCase keys (the original field names are read too, as the Collector does), 64-bit
 * integers as strings or numbers, enums as integers, unknown fields ignored, and trace/span ids as
 * hex strings rather than base64.
 */
public final class OtlpJson {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();
  private static final int MAX_DEPTH = 64;
  /** Reads a tree honouring the reader's strictness (JsonParser would switch to lenient). */
  private static final com.google.gson.TypeAdapter<JsonElement> ELEMENT =
      new com.google.gson.Gson().getAdapter(JsonElement.class);

  private OtlpJson() {}

  /** Thrown for a body that is not an OTLP/JSON metrics request; the message says where. */
  public static final class MalformedJsonException extends Exception {
    public MalformedJsonException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static ExportMetricsServiceRequest parseRequest(String body) throws MalformedJsonException {
    JsonElement tree;
    try {
      JsonReader reader = new JsonReader(new StringReader(body));
      reader.setStrictness(com.google.gson.Strictness.STRICT);
      tree = ELEMENT.read(reader);
      if (tree == null) {
        throw new MalformedJsonException("invalid JSON: empty body", null);
      }
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new MalformedJsonException("invalid JSON: trailing data after the request object", null);
      }
    } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
      throw new MalformedJsonException("invalid JSON: " + rootMessage(e), e);
    }
    if (!tree.isJsonObject()) {
      throw new MalformedJsonException("invalid OTLP/JSON: the body must be a JSON object", null);
    }
    hexIdsToBase64(tree, "", 0);
    try {
      ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
      PARSER.merge(tree.toString(), b);
      return b.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new MalformedJsonException("invalid OTLP/JSON: " + rootMessage(e), e);
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

  /** OTLP/JSON writes traceId/spanId as hex; proto3 JSON expects base64 for bytes. */
  private static void hexIdsToBase64(JsonElement e, String key, int depth) throws MalformedJsonException {
    if (depth > MAX_DEPTH) {
      throw new MalformedJsonException("invalid OTLP/JSON: nesting deeper than " + MAX_DEPTH, null);
    }
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
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
        } else {
          hexIdsToBase64(v, k, depth + 1);
        }
      }
    } else if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      for (JsonElement x : a) {
        hexIdsToBase64(x, key, depth + 1);
      }
    }
  }

  private static boolean isIdKey(String k) {
    return k.equals("traceId") || k.equals("spanId") || k.equals("trace_id") || k.equals("span_id");
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
