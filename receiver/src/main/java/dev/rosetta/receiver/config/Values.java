package dev.rosetta.receiver.config;

import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Rendering of raw YAML values for error messages: bounded in length, one line. */
final class Values {
  /** Longer renderings are cut; aliases can make a small document hold a very large tree. */
  static final int MAX_RENDERED = 120;

  private Values() {}

  /** The value as written, strings without quotes: what {@link ConfigError#value()} holds. */
  static String render(Object raw) {
    if (raw instanceof String s) {
      return truncate(oneLine(s));
    }
    return quote(raw);
  }

  /** The value for a message: strings in double quotes, collections in flow style. */
  static String quote(Object raw) {
    StringBuilder sb = new StringBuilder();
    append(sb, raw);
    return truncate(sb.toString());
  }

  /** "a string", "a list", …: the kind of value, for "expected X, found Y" messages. */
  static String kind(Object raw) {
    if (raw == null) {
      return "null";
    } else if (raw instanceof String) {
      return "a string";
    } else if (raw instanceof Boolean) {
      return "a boolean";
    } else if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
      return "an integer";
    } else if (raw instanceof Number) {
      return "a number";
    } else if (raw instanceof List) {
      return "a list";
    } else if (raw instanceof Map) {
      return "a map";
    } else if (raw instanceof Collection) {
      return "a set";
    } else if (raw instanceof byte[]) {
      return "binary data";
    } else if (raw instanceof java.util.Date) {
      return "a timestamp";
    }
    return "a value of type " + raw.getClass().getSimpleName();
  }

  /** "expected {@code expected}, found a list [a, b]". */
  static InvalidValueException wrongType(String expected, Object raw) {
    return InvalidValueException.of(
        "expected " + expected + ", found " + kind(raw) + " " + quote(raw));
  }

  private static void append(StringBuilder sb, Object raw) {
    if (sb.length() > MAX_RENDERED) {
      return; // stop walking: the rest is cut anyway
    }
    if (raw == null) {
      sb.append("null");
    } else if (raw instanceof String s) {
      sb.append('"');
      for (int i = 0; i < s.length() && sb.length() <= MAX_RENDERED; i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> sb.append(c);
        }
      }
      sb.append('"');
    } else if (raw instanceof Map<?, ?> map) {
      sb.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : map.entrySet()) {
        sb.append(sep).append(e.getKey()).append(": ");
        append(sb, e.getValue());
        sep = ", ";
        if (sb.length() > MAX_RENDERED) {
          break;
        }
      }
      sb.append('}');
    } else if (raw instanceof Collection<?> list) {
      sb.append('[');
      String sep = "";
      for (Object o : list) {
        sb.append(sep);
        append(sb, o);
        sep = ", ";
        if (sb.length() > MAX_RENDERED) {
          break;
        }
      }
      sb.append(']');
    } else if (raw instanceof byte[] bytes) {
      sb.append("<").append(bytes.length).append(" bytes>");
    } else {
      sb.append(raw);
    }
  }

  private static String oneLine(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String truncate(String s) {
    return s.length() <= MAX_RENDERED ? s : s.substring(0, MAX_RENDERED) + "...";
  }
}
