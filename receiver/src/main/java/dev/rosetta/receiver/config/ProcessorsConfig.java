package dev.rosetta.receiver.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code processors} section: every declared processor by id, in file order.
 */
public record ProcessorsConfig(Map<ComponentId, ProcessorConfig> declared) {
  public ProcessorsConfig {
    declared = java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(Objects.requireNonNull(declared, "declared")));
  }

  public static ProcessorsConfig none() {
    return new ProcessorsConfig(Map.of());
  }

  /** The {@code memory_limiter} in force: the declared one, else {@link MemoryLimiterConfig#defaults()}. */
  public MemoryLimiterConfig memoryLimiter() {
    List<MemoryLimiterConfig> l = all(MemoryLimiterConfig.class);
    return l.isEmpty() ? MemoryLimiterConfig.defaults() : l.get(0);
  }

  /** Every declared processor of type {@code kind}, in file order. */
  public <T extends ProcessorConfig> List<T> all(Class<T> kind) {
    return declared.values().stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
