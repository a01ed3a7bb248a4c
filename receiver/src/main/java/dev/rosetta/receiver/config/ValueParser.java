package dev.rosetta.receiver.config;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Turns one raw value of the YAML tree into a typed value.
 *
 * <p>The raw value is never {@code null} (absent and null values are handled by {@link ConfigNode})
 * and is one of {@link String}, {@link Boolean}, {@link Integer}, {@link Long}, {@link
 * java.math.BigInteger}, {@link Double}, {@link java.util.List} or {@link java.util.Map}. A parser
 * must check the type itself and reject anything else with an {@link InvalidValueException}, never
 * a {@link ClassCastException}. Parsers are stateless and thread-safe; {@link ValueParsers} has the
 * common ones.
 *
 * @param <T> the parsed type
 */
@FunctionalInterface
public interface ValueParser<T> {
  /**
   * Parses {@code raw}.
   *
   * @throws InvalidValueException when the value is unacceptable; its message is shown to the user
   */
  T parse(Object raw);

  /**
   * This parser followed by a check: values failing {@code test} are rejected with {@code invalid
   * value <raw>: <requirement>}, e.g. {@code requirement = "must be greater than 0"}.
   */
  default ValueParser<T> require(Predicate<? super T> test, String requirement) {
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(requirement, "requirement");
    return raw -> {
      T value = parse(raw);
      if (!test.test(value)) {
        throw InvalidValueException.of("invalid value " + Values.quote(raw) + ": " + requirement);
      }
      return value;
    };
  }

  /**
   * This parser followed by a conversion that cannot fail (or throws {@link
   * InvalidValueException}).
   */
  default <R> ValueParser<R> map(Function<? super T, ? extends R> f) {
    Objects.requireNonNull(f, "f");
    return raw -> f.apply(parse(raw));
  }
}
