package dev.rosetta.receiver.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code extensions} section and {@code service.extensions}: every declared extension by id,
 * and the ids put in force, in the order listed. As in the Collector, a declared extension that
 * {@code service.extensions} does not list is not started, and a component may only refer to an
 * extension that is in force (checked when binding).
 */
public record ExtensionsConfig(Map<ComponentId, ExtensionConfig> declared, List<ComponentId> enabled) {
  public ExtensionsConfig {
    declared = Map.copyOf(Objects.requireNonNull(declared, "declared"));
    enabled = List.copyOf(Objects.requireNonNull(enabled, "enabled"));
    for (ComponentId id : enabled) {
      if (!declared.containsKey(id)) {
        throw new IllegalArgumentException("extension " + id + " is enabled but not declared");
      }
    }
  }

  public static ExtensionsConfig none() {
    return new ExtensionsConfig(Map.of(), List.of());
  }

  /** The extension {@code id} when it is in force and of type {@code kind}. */
  public <T extends ExtensionConfig> Optional<T> enabled(ComponentId id, Class<T> kind) {
    if (!enabled.contains(id)) {
      return Optional.empty();
    }
    ExtensionConfig c = declared.get(id);
    return kind.isInstance(c) ? Optional.of(kind.cast(c)) : Optional.empty();
  }

  /** Every extension in force of type {@code kind}, in {@code service.extensions} order. */
  public <T extends ExtensionConfig> List<T> enabled(Class<T> kind) {
    return enabled.stream().map(declared::get).filter(kind::isInstance).map(kind::cast).toList();
  }
}
