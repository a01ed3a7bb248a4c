package dev.rosetta.receiver.nativeformat;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/** Strict JSON reading for the native formats. */
final class JsonTrees {
  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

  private JsonTrees() {}

  /** The tree of {@code body}; strict JSON, one value, nothing after it. */
  static JsonElement parse(String body) throws MalformedBodyException {
    try {
      JsonReader reader = new JsonReader(new StringReader(body));
      reader.setStrictness(Strictness.STRICT);
      JsonElement tree = ELEMENT.read(reader);
      if (tree == null) {
        throw new MalformedBodyException("the body is empty");
      }
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedBodyException("invalid JSON: data after the end of the document");
      }
      return tree;
    } catch (IOException | RuntimeException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new MalformedBodyException("invalid JSON: " + m);
    }
  }

  /** A JSON value as a label value: strings as they are, other scalars in their JSON form. */
  static String scalarText(JsonElement e) {
    return e.getAsJsonPrimitive().isString() ? e.getAsString() : e.toString();
  }
}
