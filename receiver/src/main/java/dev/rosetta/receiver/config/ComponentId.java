package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A component's identifier as the OpenTelemetry Collector writes it: {@code type} or {@code
 * type/name} ({@code otlp}, {@code otlp/downstream}, {@code bearertokenauth/clients}). The type
 * picks the implementation; the name tells two components of one type apart.
 */
public record ComponentId(String type, String name) implements Comparable<ComponentId> {
  private static final Pattern TYPE = Pattern.compile("[a-zA-Z][0-9a-zA-Z_]{0,62}");

  public ComponentId {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("invalid component type \"" + type + "\"");
    }
  }

  /** The id of a component with no name: {@code type}. */
  public static ComponentId of(String type) {
    return new ComponentId(type, "");
  }

  /**
   * Parses {@code type} or {@code type/name}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ComponentId parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    String type = slash < 0 ? text : text.substring(0, slash);
    String name = slash < 0 ? "" : text.substring(slash + 1);
    if (type.isEmpty()) {
      throw new IllegalArgumentException("invalid component id \"" + text + "\": the type before '/' is empty");
    }
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("invalid component id \"" + text + "\": the type \"" + type
          + "\" must start with a letter and hold only letters, digits and '_' (at most 63)");
    }
    if (slash >= 0 && name.isEmpty()) {
      throw new IllegalArgumentException("invalid component id \"" + text + "\": the name after '/' is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException("invalid component id \"" + text
            + "\": the name must not contain spaces or control characters");
      }
    }
    return new ComponentId(type, name);
  }

  /** As a value parser, for ids written as values ({@code authenticator: bearertokenauth}). */
  static ValueParser<ComponentId> parser() {
    ValueParser<String> text = ValueParsers.nonEmptyString();
    return raw -> {
      try {
        return parse(text.parse(raw));
      } catch (IllegalArgumentException e) {
        throw InvalidValueException.of(e.getMessage());
      }
    };
  }

  @Override
  public int compareTo(ComponentId o) {
    int c = type.compareTo(o.type);
    return c != 0 ? c : name.compareTo(o.name);
  }

  /** {@code type} or {@code type/name}, as written in configuration. */
  @Override
  public String toString() {
    return name.isEmpty() ? type : type + "/" + name;
  }
}
