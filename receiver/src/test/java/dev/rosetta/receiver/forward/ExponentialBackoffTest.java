package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

  private static dev.rosetta.receiver.config.RetryConfig retry(double jitter) {
    return new dev.rosetta.receiver.config.RetryConfig(
        true, Duration.ofMillis(100), jitter, 2.0, Duration.ofMillis(700), Duration.ZERO);
  }

  @Test
  void withoutJitterGrowsByTheMultiplierUpToTheCap() {
    ExponentialBackoff backoff = new ExponentialBackoff(retry(0), () -> 0.99);
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      millis.add(backoff.next().toMillis());
    }
    assertThat(millis).containsExactly(100L, 200L, 400L, 700L, 700L, 700L);
  }

  @Test
  void jitterStaysWithinTheFactorAroundTheCappedInterval() {
    Random random = new Random(42);
    ExponentialBackoff backoff = new ExponentialBackoff(retry(0.5), random::nextDouble);
    double[] base = {100, 200, 400, 700, 700, 700, 700, 700};
    for (double b : base) {
      assertThat(backoff.next().toNanos() / 1e6).isBetween(b * 0.5, b * 1.5);
    }
  }

  @Test
  void extremesOfTheRandomSourceGiveTheBounds() {
    assertThat(new ExponentialBackoff(retry(0.5), () -> 0.0).next()).isEqualTo(Duration.ofMillis(50));
    assertThat(new ExponentialBackoff(retry(0.5), () -> 0.5).next())
        .isEqualTo(Duration.ofMillis(100));
  }
}
