package dev.rosetta.model.name;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of parsing a name: either a value or a {@link NameError}, never both. Parsers return
 * this instead of throwing, so a malformed name is an ordinary value the caller can count and
 * report. Immutable.
 *
 * @param <T> the parsed type
 */
public final class ParseResult<T> {
  private final T value;
  private final NameError error;

  private ParseResult(T value, NameError error) {
    this.value = value;
    this.error = error;
  }

  /** A successful result. */
  public static <T> ParseResult<T> ok(T value) {
    return new ParseResult<>(Objects.requireNonNull(value, "value"), null);
  }

  /** A failed result. */
  public static <T> ParseResult<T> failure(NameError error) {
    return new ParseResult<>(null, Objects.requireNonNull(error, "error"));
  }

  /** A failed result for {@code input} at {@code position}. */
  public static <T> ParseResult<T> failure(String input, int position, String reason) {
    return failure(new NameError(input, position, reason));
  }

  public boolean isOk() {
    return error == null;
  }

  /**
   * The parsed value.
   *
   * @throws IllegalStateException when parsing failed; the message is the error's
   */
  public T value() {
    if (error != null) {
      throw new IllegalStateException(error.message());
    }
    return value;
  }

  /**
   * The error.
   *
   * @throws IllegalStateException when parsing succeeded
   */
  public NameError error() {
    if (error == null) {
      throw new IllegalStateException("parsing succeeded: " + value);
    }
    return error;
  }

  /** The value, or empty when parsing failed. */
  public Optional<T> toOptional() {
    return Optional.ofNullable(value);
  }

  /** This result with its value transformed; a failure stays the same failure. */
  public <U> ParseResult<U> map(Function<? super T, ? extends U> f) {
    return error == null ? ParseResult.ok(f.apply(value)) : ParseResult.failure(error);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParseResult<?> r && Objects.equals(value, r.value) && Objects.equals(error, r.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, error);
  }

  @Override
  public String toString() {
    return error == null ? "ok(" + value + ")" : "error(" + error.message() + ")";
  }
}
