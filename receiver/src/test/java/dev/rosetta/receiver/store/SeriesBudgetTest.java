package dev.rosetta.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.LimitsConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesBudgetTest {
  @Test
  void theDefaultBudgetGrowsWithTheHeap() {
    assertThat(SeriesBudget.derived(512L << 20)).isEqualTo((int) ((512L << 20) / 4 / SeriesBudget.BYTES_PER_SERIES));
    assertThat(SeriesBudget.derived(4L << 30)).isEqualTo((int) ((4L << 30) / 4 / SeriesBudget.BYTES_PER_SERIES));
    assertThat(SeriesBudget.derived(16L << 20)).as("never below the floor").isEqualTo(SeriesBudget.MIN);
    assertThat(SeriesBudget.derived(Long.MAX_VALUE)).as("no heap limit: as for 1 GiB")
        .isEqualTo(SeriesBudget.derived(1L << 30));
  }

  @Test
  void maxSeriesOverridesIt() throws Exception {
    assertThat(ConfigLoader.parse("", "c.yaml", Map.of()).limits().maxSeries()).isEqualTo(LimitsConfig.DERIVED);
    assertThat(SeriesBudget.resolve(LimitsConfig.DERIVED)).isEqualTo(SeriesBudget.derived(Runtime.getRuntime().maxMemory()));
    int given = ConfigLoader.parse("limits: {max_series: 2500}", "c.yaml", Map.of()).limits().maxSeries();
    assertThat(SeriesBudget.resolve(given)).isEqualTo(2500);
  }
}
