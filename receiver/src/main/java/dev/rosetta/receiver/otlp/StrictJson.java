package dev.rosetta.receiver.otlp;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON reader of request bodies (OTLP/JSON and the native forms): UTF-8 only, strict RFC 8259
 * syntax, one value and nothing after it, nesting at most {@link #MAX_DEPTH} deep, and no object with
 * the same key twice. A duplicate key is refused rather than resolved (last or first wins), as
 * protobuf's own JSON parsers (Java's {@code JsonFormat}, Go's {@code protojson}) refuse a field set
 * twice: a body that says two things is not guessed at. Strings must be well-formed UTF-16 (an
 * escaped lone surrogate such as {@code "\ud800"} is refused: it has no UTF-8 form). Every problem
 * is a {@link MalformedException} whose message says what and where; nothing else is thrown.
 *
 * <p>Linear in the size of the body. Stateless and thread-safe.
 */
public final class StrictJson {
  /** Deeper documents are refused; OTLP/JSON needs about 12 levels, plus attribute values. */
  public static final int MAX_DEPTH = 64;

  /** Gson's reading of one number, kept exact (as a lazily parsed decimal, bounded by Gson). */
  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

  private StrictJson() {}

  /** A body that is not the JSON this reader takes; the message says what and where. */
  public static final class MalformedException extends Exception {
    public MalformedException(String message) {
      super(message);
    }
  }

  /**
   * The text of a body that must be UTF-8.
   *
   * @throws MalformedException naming the byte offset of the first malformed sequence
   */
  public static String utf8(byte[] body) throws MalformedException {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult r = d.decode(in, out, true);
    if (r.isError()) {
      throw new MalformedException("the body is not valid UTF-8: malformed byte sequence at offset " + in.position());
    }
    r = d.flush(out);
    if (r.isError()) {
      throw new MalformedException("the body is not valid UTF-8: truncated sequence at the end");
    }
    out.flip();
    return out.toString();
  }

  /**
   * The tree of {@code text}.
   *
   * @throws MalformedException for invalid JSON, an empty body, data after the value, nesting deeper
   *     than {@link #MAX_DEPTH}, a duplicate key or a lone surrogate, naming the JSON path
   */
  public static JsonElement parse(String text) throws MalformedException {
    if (isWhitespace(text)) {
      throw new MalformedException("invalid JSON: the body is empty");
    }
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    JsonElement tree;
    try {
      tree = value(reader, 0);
    } catch (IOException | RuntimeException e) {
      throw new MalformedException("invalid JSON: " + gsonMessage(e));
    }
    try {
      if (reader.peek() == JsonToken.END_DOCUMENT) {
        return tree;
      }
    } catch (IOException | RuntimeException e) {
      // anything but the end: a second value or stray characters
    }
    throw new MalformedException("invalid JSON: data after the end of the document");
  }

  private static boolean isWhitespace(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * Gson's account of a syntax error, without its advice to read leniently: "malformed JSON at line
   * 1 column 5 path $.a"; an early end of input as such.
   */
  private static String gsonMessage(Exception e) {
    if (e instanceof java.io.EOFException) {
      return "the body ends early";
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int see = m.indexOf("\nSee ");
    if (see >= 0) {
      m = m.substring(0, see);
    }
    m = m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    return m.length() > 300 ? m.substring(0, 296) + "..." : m;
  }

  private static JsonElement value(JsonReader reader, int depth) throws IOException, MalformedException {
    JsonToken t = reader.peek();
    switch (t) {
      case BEGIN_OBJECT -> {
        if (depth >= MAX_DEPTH) {
          throw new MalformedException("invalid JSON: nesting deeper than " + MAX_DEPTH + " levels at " + where(reader));
        }
        JsonObject o = new JsonObject();
        reader.beginObject();
        while (reader.hasNext()) {
          String key = checked(reader.nextName(), reader);
          if (o.has(key)) {
            throw new MalformedException("invalid JSON: duplicate key \"" + abbreviate(key) + "\" at " + where(reader));
          }
          o.add(key, value(reader, depth + 1));
        }
        reader.endObject();
        return o;
      }
      case BEGIN_ARRAY -> {
        if (depth >= MAX_DEPTH) {
          throw new MalformedException("invalid JSON: nesting deeper than " + MAX_DEPTH + " levels at " + where(reader));
        }
        JsonArray a = new JsonArray();
        reader.beginArray();
        while (reader.hasNext()) {
          a.add(value(reader, depth + 1));
        }
        reader.endArray();
        return a;
      }
      case STRING -> {
        return new JsonPrimitive(checked(reader.nextString(), reader));
      }
      case NUMBER -> {
        return ELEMENT.read(reader);
      }
      case BOOLEAN -> {
        return new JsonPrimitive(reader.nextBoolean());
      }
      case NULL -> {
        reader.nextNull();
        return JsonNull.INSTANCE;
      }
      default -> throw new MalformedException("invalid JSON: unexpected " + t + " at " + where(reader));
    }
  }

  /** The string, when it is well-formed UTF-16 (every surrogate in a pair). */
  private static String checked(String s, JsonReader reader) throws MalformedException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new MalformedException("invalid JSON: a string holds a lone surrogate \\u"
              + Integer.toHexString(c) + " (no Unicode character) at " + where(reader));
        }
      }
    }
    return s;
  }

  private static String where(JsonReader reader) {
    String path = reader.getPath();
    return path.length() > 200 ? path.substring(0, 196) + "..." : path;
  }

  static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 60) + "..." : s;
  }
}
