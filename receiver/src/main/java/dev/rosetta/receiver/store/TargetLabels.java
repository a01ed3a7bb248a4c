package dev.rosetta.receiver.store;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;

/**
 * The labels a resource and a scope contribute to every series, per the OTLP→Prometheus rules:
 * {@code job} = {@code service.namespace/service.name} (or {@code service.name}), {@code instance} =
 * {@code service.instance.id}, {@code otel_scope_name} and {@code otel_scope_version}.
 */
public final class TargetLabels {
  private TargetLabels() {}

  public static Labels jobInstance(Labels resource) {
    Labels.Builder b = Labels.builder();
    String name = resource.get("service.name");
    String ns = resource.get("service.namespace");
    String id = resource.get("service.instance.id");
    if (name != null && !name.isEmpty()) {
      b.add("job", ns == null || ns.isEmpty() ? name : ns + "/" + name);
    }
    if (id != null && !id.isEmpty()) {
      b.add("instance", id);
    }
    return b.build();
  }

  public static Labels withScope(Labels base, InstrumentationScope scope) {
    Labels l = base;
    if (!scope.name().isEmpty()) {
      l = l.with("otel_scope_name", scope.name());
    }
    if (!scope.version().isEmpty()) {
      l = l.with("otel_scope_version", scope.version());
    }
    return l;
  }

  /** Whether a resource attribute is one of those that make {@code job} and {@code instance}. */
  public static boolean isIdentifying(String key) {
    return key.equals("service.name") || key.equals("service.namespace") || key.equals("service.instance.id");
  }
}
