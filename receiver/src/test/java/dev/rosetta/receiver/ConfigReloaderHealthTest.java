package dev.rosetta.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import io.prometheus.client.CollectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration reload that dies of an Error makes the service unhealthy instead of going quiet. */
class ConfigReloaderHealthTest {
  @TempDir Path dir;

  @Test
  void aReloadThatDiesOfAnErrorIsFatal() throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "service: {telemetry: {logs: {level: info}}}\n");
    RosettaConfig initial = ConfigLoader.load(file, Map.of());
    ServiceHealth health = new ServiceHealth();
    try (ConfigReloader reloader = new ConfigReloader(file, Map.of(), initial, cfg -> {
      throw new OutOfMemoryError("simulated while building views");
    }, (cfg, pipeline) -> {}, cfg -> List.of(), new CollectorRegistry(), health)) {
      reloader.start(Duration.ofMillis(50));
      Files.writeString(file, "service: {telemetry: {logs: {level: debug}}}\n");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (health.isHealthy() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(health.fault()).isPresent();
      assertThat(health.fault().get().describe()).contains("task configuration file check")
          .contains("simulated while building views");
    }
  }
}
