package dev.rosetta.receiver.nativeformat;

import com.google.gson.JsonElement;
import dev.rosetta.receiver.otlp.StrictJson;

/** Strict JSON reading for the native formats: {@link StrictJson}, with this package's exception. */
final class JsonTrees {
  private JsonTrees() {}

  /** The text of a UTF-8 body. */
  static String utf8(byte[] body) throws MalformedBodyException {
    try {
      return StrictJson.utf8(body);
    } catch (StrictJson.MalformedException e) {
      throw new MalformedBodyException(e.getMessage());
    }
  }

  /** The tree of {@code body}; strict JSON, one value, nothing after it, no key twice in an object. */
  static JsonElement parse(String body) throws MalformedBodyException {
    try {
      return StrictJson.parse(body);
    } catch (StrictJson.MalformedException e) {
      throw new MalformedBodyException(e.getMessage());
    }
  }

  /** A JSON value as a label value: strings as they are, other scalars in their JSON form. */
  static String scalarText(JsonElement e) {
    return e.getAsJsonPrimitive().isString() ? e.getAsString() : e.toString();
  }
}
