package dev.rosetta.model.view;

import java.util.ArrayList;
import java.util.List;

/**
 * A text with {@code {capture}} references, such as {@code go.sched.{rest}}; {@code {{} and
 * {@code }}} are literal braces. Multi-segment captures are joined with {@code /}. Immutable.
 */
final class Template {
  private final String source;
  private final String[] literals; // literals[i] comes before slots[i]; one more literal than slots
  private final int[] slots;

  private Template(String source, String[] literals, int[] slots) {
    this.source = source;
    this.literals = literals;
    this.slots = slots;
  }

  /** A template without captures. */
  static Template constant(String text) {
    return new Template(text, new String[] {text}, new int[0]);
  }

  /**
   * Compiles {@code text}; capture names must be in {@code captures}.
   *
   * @throws IllegalArgumentException with a message for users when the text is malformed
   */
  static Template compile(String text, CaptureNames captures) {
    List<String> literals = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        sb.append('{');
        i++;
      } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
        sb.append('}');
        i++;
      } else if (c == '{') {
        int close = text.indexOf('}', i);
        if (close < 0) {
          throw new IllegalArgumentException(
              "unclosed '{' at position " + i + " in \"" + text + "\" (write {{ for a literal '{')");
        }
        String name = text.substring(i + 1, close);
        int slot = captures.slotOf(name);
        if (slot < 0) {
          throw new IllegalArgumentException(
              "unknown capture {" + name + "} in \"" + text + "\""
                  + (captures.size() == 0
                      ? ": the match pattern has no captures"
                      : "; captures of the match pattern: " + String.join(", ", captures.names())));
        }
        literals.add(sb.toString());
        sb.setLength(0);
        slots.add(slot);
        i = close;
      } else if (c == '}') {
        throw new IllegalArgumentException(
            "unmatched '}' at position " + i + " in \"" + text + "\" (write }} for a literal '}')");
      } else {
        sb.append(c);
      }
    }
    literals.add(sb.toString());
    return new Template(
        text, literals.toArray(String[]::new), slots.stream().mapToInt(Integer::intValue).toArray());
  }

  boolean isConstant() {
    return slots.length == 0;
  }

  String render(Captures captures) {
    if (slots.length == 0) {
      return literals[0];
    }
    StringBuilder sb = new StringBuilder(source.length() + 16);
    for (int i = 0; i < slots.length; i++) {
      sb.append(literals[i]).append(captures.get(slots[i], "/"));
    }
    return sb.append(literals[slots.length]).toString();
  }

  String source() {
    return source;
  }

  @Override
  public String toString() {
    return source;
  }
}
