package dev.rosetta.model.name;

import java.util.Objects;

/**
 * Why a name could not be parsed: the input, the 0-based character position where the problem was
 * found ({@code input.length()} for "ended too early") and the reason, a sentence fragment such as
 * {@code "quoted value of key \"name\" is not closed"}. Immutable.
 */
public record NameError(String input, int position, String reason) {
  public NameError {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(reason, "reason");
    if (position < 0 || position > input.length()) {
      throw new IllegalArgumentException("position " + position + " outside 0.." + input.length());
    }
  }

  /** The message shown to users: {@code <reason> (at position <n>)}. */
  public String message() {
    return reason + " (at position " + position + ")";
  }

  @Override
  public String toString() {
    return message();
  }
}
