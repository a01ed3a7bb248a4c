package dev.rosetta.receiver.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The common {@link ValueParser}s: strings, booleans, bounded numbers, durations, enums, endpoints
 * and files. All are stateless and thread-safe.
 *
 * <p>Numbers and booleans are also accepted as strings ({@code "4317"}, {@code "true"}): a value
 * substituted from an environment variable is always a string, and quoting a number should not make
 * a configuration invalid.
 */
public final class ValueParsers {
  /** The hint every duration error ends with. */
  public static final String DURATION_HINT = "expected a duration such as 500ms, 5s, 1m";

  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");
  private static final Pattern BARE_NUMBER = Pattern.compile("[-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)");
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final Map<String, Long> UNIT_NANOS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // micro sign, as Go accepts
          "\u03bcs", 1_000L, // Greek small mu, as Go accepts
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private ValueParsers() {}

  /** Any scalar as text; numbers and booleans are converted ({@code 42} → {@code "42"}). */
  public static ValueParser<String> string() {
    return raw -> {
      if (raw instanceof String s) {
        return s;
      }
      if (raw instanceof Number || raw instanceof Boolean) {
        return raw.toString();
      }
      throw Values.wrongType("a string", raw);
    };
  }

  /** A string that is not empty. */
  public static ValueParser<String> nonEmptyString() {
    ValueParser<String> string = string();
    return raw -> {
      String s = string.parse(raw);
      if (s.isEmpty()) {
        throw InvalidValueException.of("invalid value \"\": must not be empty");
      }
      return s;
    };
  }

  /**
   * {@code true} or {@code false} (any case); YAML 1.1 words such as {@code yes} or {@code on} are
   * rejected.
   */
  public static ValueParser<Boolean> bool() {
    return raw -> {
      if (raw instanceof Boolean b) {
        return b;
      }
      if (raw instanceof String s) {
        if (s.equalsIgnoreCase("true")) {
          return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false")) {
          return Boolean.FALSE;
        }
      }
      throw Values.wrongType("true or false", raw);
    };
  }

  /** A whole number in {@code [min, max]}. */
  public static ValueParser<Integer> integer(int min, int max) {
    ValueParser<Long> asLong = longInteger(min, max);
    return raw -> asLong.parse(raw).intValue();
  }

  /** A whole number in {@code [min, max]}. */
  public static ValueParser<Long> longInteger(long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("min > max");
    }
    return raw -> {
      BigInteger value;
      if (raw instanceof Integer || raw instanceof Long) {
        value = BigInteger.valueOf(((Number) raw).longValue());
      } else if (raw instanceof BigInteger b) {
        value = b;
      } else if (raw instanceof String s && INTEGER.matcher(s).matches()) {
        value = new BigInteger(s);
      } else {
        throw Values.wrongType("an integer", raw);
      }
      if (value.compareTo(BigInteger.valueOf(min)) < 0
          || value.compareTo(BigInteger.valueOf(max)) > 0) {
        boolean tooSmall = value.compareTo(BigInteger.valueOf(min)) < 0;
        throw InvalidValueException.of(
            "invalid integer "
                + Values.quote(raw)
                + ": "
                + range(tooSmall, min, max, isUnbounded(max)));
      }
      return value.longValue();
    };
  }

  /** A finite number in {@code [min, max]}; integers are accepted. */
  public static ValueParser<Double> decimal(double min, double max) {
    return raw -> {
      double value;
      if (raw instanceof Number n) {
        value = n.doubleValue();
      } else if (raw instanceof String s && DECIMAL.matcher(s).matches()) {
        value = Double.parseDouble(s);
      } else {
        throw Values.wrongType("a number", raw);
      }
      if (!Double.isFinite(value)) {
        throw InvalidValueException.of("invalid number " + Values.quote(raw) + ": must be finite");
      }
      if (value < min || value > max) {
        throw InvalidValueException.of(
            "invalid number "
                + Values.quote(raw)
                + ": "
                + range(value < min, fmt(min), fmt(max), max == Double.POSITIVE_INFINITY));
      }
      return value;
    };
  }

  /**
   * A duration in Go / Collector syntax, zero or more: a sequence of decimal numbers each with a
   * unit, {@code 300ms}, {@code 1m30s}, {@code 2.5s}, {@code 1h}; units {@code ns}, {@code us} (or
   * {@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}. {@code 0} is the only number allowed
   * without a unit. Fractions below a nanosecond are truncated.
   */
  public static ValueParser<Duration> duration() {
    return raw -> {
      if (raw instanceof String s) {
        return parseDuration(s);
      }
      if ((raw instanceof Integer || raw instanceof Long) && ((Number) raw).longValue() == 0) {
        return Duration.ZERO;
      }
      if (raw instanceof Number) {
        throw bareNumber(raw);
      }
      throw Values.wrongType("a duration such as 500ms, 5s, 1m", raw);
    };
  }

  /** A {@link #duration()} greater than zero. */
  public static ValueParser<Duration> positiveDuration() {
    return duration().require(d -> !d.isZero(), "must be greater than 0");
  }

  /**
   * Parses a duration string, see {@link #duration()}.
   *
   * @throws InvalidValueException when {@code text} is not a duration
   */
  public static Duration parseDuration(String text) {
    Objects.requireNonNull(text, "text");
    String quoted = Values.quote(text);
    if (text.equals("0") || text.equals("+0")) {
      return Duration.ZERO;
    }
    if (text.startsWith("-")) {
      throw InvalidValueException.of("invalid duration " + quoted + ": must not be negative");
    }
    if (BARE_NUMBER.matcher(text).matches()) {
      throw bareNumber(text);
    }
    int i = text.startsWith("+") ? 1 : 0;
    if (i == text.length()) {
      throw InvalidValueException.of("invalid duration " + quoted + ": " + DURATION_HINT);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && isNumberChar(text.charAt(i))) {
        i++;
      }
      String number = text.substring(start, i);
      int unitStart = i;
      while (i < text.length() && !isNumberChar(text.charAt(i))) {
        i++;
      }
      String unit = text.substring(unitStart, i);
      Long unitNanos = UNIT_NANOS.get(unit);
      if (number.isEmpty()
          || number.equals(".")
          || number.indexOf('.') != number.lastIndexOf('.')
          || unitNanos == null) {
        throw InvalidValueException.of("invalid duration " + quoted + ": " + DURATION_HINT);
      }
      nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos)));
      if (nanos.compareTo(MAX_NANOS) > 0) {
        throw InvalidValueException.of(
            "invalid duration " + quoted + ": too large (at most about 292 years)");
      }
    }
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
  }

  /**
   * {@code d} in the syntax {@link #parseDuration} reads back, largest units first: {@code 1m30s},
   * {@code 200ms}, {@code 0s}.
   */
  public static String formatDuration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (d.isNegative()) {
      sb.append('-');
      d = d.negated();
    }
    long[] amounts = {
      d.toHours(),
      d.toMinutesPart(),
      d.toSecondsPart(),
      d.toMillisPart(),
      d.getNano() / 1_000 % 1_000,
      d.getNano() % 1_000
    };
    String[] units = {"h", "m", "s", "ms", "us", "ns"};
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] != 0) {
        sb.append(amounts[i]).append(units[i]);
      }
    }
    return sb.toString();
  }

  /**
   * One of the constants of {@code type}, written in lower case in YAML ({@code gzip}, {@code
   * info}); matching ignores case.
   */
  public static <E extends Enum<E>> ValueParser<E> enumOf(Class<E> type) {
    E[] constants = type.getEnumConstants();
    String allowed =
        Arrays.stream(constants).map(ValueParsers::yamlName).collect(Collectors.joining(", "));
    return raw -> {
      if (raw instanceof String s) {
        for (E e : constants) {
          if (e.name().equalsIgnoreCase(s)) {
            return e;
          }
        }
        throw InvalidValueException.of(
            "invalid value " + Values.quote(raw) + ": expected one of " + allowed);
      }
      throw Values.wrongType("one of " + allowed, raw);
    };
  }

  /** How an enum constant is written in YAML. */
  public static String yamlName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** A listen or connect address, see {@link Endpoint#parse(String)}. */
  public static ValueParser<Endpoint> endpoint() {
    return raw -> {
      if (raw instanceof String s) {
        try {
          return Endpoint.parse(s);
        } catch (IllegalArgumentException e) {
          throw InvalidValueException.of(
              "invalid endpoint " + Values.quote(raw) + ": " + e.getMessage());
        }
      }
      if (raw instanceof Number) {
        throw InvalidValueException.of(
            "invalid endpoint "
                + Values.quote(raw)
                + ": "
                + Endpoint.EXPECTED
                + " (a port alone is written :"
                + raw
                + ")");
      }
      throw Values.wrongType("an endpoint host:port", raw);
    };
  }

  /** A file name that passes {@code check} (for instance, exists and is readable). */
  public static ValueParser<Path> file(FileCheck check) {
    Objects.requireNonNull(check, "check");
    ValueParser<String> nonEmpty = nonEmptyString();
    return raw -> {
      String name = nonEmpty.parse(raw);
      Path path;
      try {
        path = Path.of(name);
      } catch (InvalidPathException e) {
        throw InvalidValueException.of(
            "invalid file name " + Values.quote(raw) + ": " + e.getReason());
      }
      Optional<String> problem = check.problem(path);
      if (problem.isPresent()) {
        throw InvalidValueException.of("unusable file " + Values.quote(raw) + ": " + problem.get());
      }
      return path;
    };
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '.';
  }

  private static InvalidValueException bareNumber(Object raw) {
    return InvalidValueException.of(
        "invalid duration "
            + Values.quote(raw)
            + ": a number without a unit is not a duration (only 0 is); add a unit, e.g. 5s or"
            + " 500ms");
  }

  private static boolean isUnbounded(long max) {
    return max == Long.MAX_VALUE || max == Integer.MAX_VALUE;
  }

  private static String range(boolean tooSmall, Object min, Object max, boolean unboundedAbove) {
    if (tooSmall && unboundedAbove) {
      return "must be at least " + min;
    }
    return "must be between " + min + " and " + max;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
