package dev.rosetta.receiver.config;

/**
 * The settings of one processor under {@code processors:} ({@code memory_limiter}, {@code batch},
 * Rosetta's own stages), as the OpenTelemetry Collector declares them. Each processor type has its
 * own record implementing this interface, with its defaults and validation in one place.
 */
public interface ProcessorConfig {
  /** The id the processor was declared under. */
  ComponentId id();
}
