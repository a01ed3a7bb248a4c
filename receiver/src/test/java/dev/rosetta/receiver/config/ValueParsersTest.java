package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {
  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
    "0, 0",
    "0s, 0",
    "1ns, 1",
    "1us, 1000",
    "1\u00b5s, 1000",
    "1\u03bcs, 1000",
    "300ms, 300000000",
    "5s, 5000000000",
    "2.5s, 2500000000",
    ".5s, 500000000",
    "1m, 60000000000",
    "1m30s, 90000000000",
    "1h, 3600000000000",
    "1h2m3s4ms5us6ns, 3723004005006",
    "1.5h, 5400000000000",
    "+5s, 5000000000",
    "0.1ns, 0",
  })
  void parsesGoDurations(String text, long nanos) {
    assertThat(ValueParsers.parseDuration(text)).isEqualTo(Duration.ofNanos(nanos));
    assertThat(ValueParsers.duration().parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"5 minutes", "5sec", "s", "5S", "1.2.3s", "1m 30s", "5s ", "", "+", "5d", "1e3s"})
  void rejectsMalformedDurations(String text) {
    assertThatThrownBy(() -> ValueParsers.parseDuration(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage(
            "invalid duration "
                + Values.quote(text)
                + ": expected a duration such as 500ms, 5s, 1m");
  }

  @Test
  void bareNumbersAreNotDurationsExceptZero() {
    assertThat(ValueParsers.duration().parse(0)).isEqualTo(Duration.ZERO);
    assertThat(ValueParsers.duration().parse(0L)).isEqualTo(Duration.ZERO);
    assertThat(ValueParsers.duration().parse("0")).isEqualTo(Duration.ZERO);
    for (Object bare : List.of(5, 5L, 2.5, "30", "2.5", BigInteger.TEN.pow(30))) {
      assertThatThrownBy(() -> ValueParsers.duration().parse(bare))
          .hasMessageContaining(
              "a number without a unit is not a duration (only 0 is); add a unit, e.g. 5s");
    }
  }

  @Test
  void durationLimits() {
    assertThatThrownBy(() -> ValueParsers.parseDuration("-1s"))
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> ValueParsers.parseDuration("3000000h"))
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> ValueParsers.positiveDuration().parse("0s"))
        .hasMessage("invalid value \"0s\": must be greater than 0");
  }

  @ParameterizedTest
  @CsvSource({"PT0S, 0s", "PT1M30S, 1m30s", "PT0.2S, 200ms", "PT1H, 1h", "PT0.000001001S, 1us1ns"})
  void formatsDurationsReadably(String iso, String text) {
    Duration d = Duration.parse(iso);
    assertThat(ValueParsers.formatDuration(d)).isEqualTo(text);
    assertThat(ValueParsers.parseDuration(text)).isEqualTo(d);
  }

  @Test
  void integersAcceptNumbersAndNumericStrings() {
    ValueParser<Integer> p = ValueParsers.integer(1, 64);
    assertThat(p.parse(8)).isEqualTo(8);
    assertThat(p.parse(8L)).isEqualTo(8);
    assertThat(p.parse("8")).isEqualTo(8);
    assertThatThrownBy(() -> p.parse(BigInteger.TEN.pow(20)))
        .hasMessageContaining("must be between 1 and 64");
    assertThatThrownBy(() -> p.parse(8.0)).hasMessage("expected an integer, found a number 8.0");
    assertThatThrownBy(() -> p.parse(true)).hasMessage("expected an integer, found a boolean true");
    assertThatThrownBy(() -> p.parse(List.of(1)))
        .hasMessage("expected an integer, found a list [1]");
  }

  @Test
  void decimalsRejectNonFiniteValues() {
    ValueParser<Double> p = ValueParsers.decimal(0, 1);
    assertThat(p.parse(1)).isEqualTo(1.0);
    assertThat(p.parse("0.25")).isEqualTo(0.25);
    assertThatThrownBy(() -> p.parse(Double.NaN)).hasMessageContaining("must be finite");
    assertThatThrownBy(() -> p.parse("NaN")).hasMessageContaining("expected a number");
  }

  @Test
  void stringsAcceptScalarsOnly() {
    assertThat(ValueParsers.string().parse(42)).isEqualTo("42");
    assertThat(ValueParsers.string().parse(false)).isEqualTo("false");
    assertThatThrownBy(() -> ValueParsers.string().parse(List.of("a")))
        .hasMessage("expected a string, found a list [\"a\"]");
    assertThatThrownBy(() -> ValueParsers.nonEmptyString().parse(""))
        .hasMessageContaining("must not be empty");
  }

  @Test
  void enumsIgnoreCase() {
    assertThat(ValueParsers.enumOf(LogLevel.class).parse("Warn")).isEqualTo(LogLevel.WARN);
    assertThatThrownBy(() -> ValueParsers.enumOf(Compression.class).parse(1))
        .hasMessage("expected one of none, gzip, found an integer 1");
  }

  @Test
  void longValuesAreCutInMessages() {
    String huge = "x".repeat(10_000);
    assertThatThrownBy(() -> ValueParsers.bool().parse(huge))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).endsWith("..."));
  }
}
