package dev.rosetta.model;

import java.util.Objects;

/** The OTLP instrumentation scope that produced metrics; name and version may be empty. */
public record InstrumentationScope(String name, String version, Labels attributes) {
  private static final InstrumentationScope EMPTY = new InstrumentationScope("", "", Labels.empty());

  public InstrumentationScope {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(attributes, "attributes");
  }

  public static InstrumentationScope empty() {
    return EMPTY;
  }

  public boolean isEmpty() {
    return name.isEmpty() && version.isEmpty() && attributes.isEmpty();
  }
}
