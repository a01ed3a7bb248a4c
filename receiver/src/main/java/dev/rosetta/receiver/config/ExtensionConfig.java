package dev.rosetta.receiver.config;

/**
 * The settings of one extension under {@code extensions:} (authenticators, storage, health check),
 * as the OpenTelemetry Collector declares them. Each extension type has its own record implementing
 * this interface, with its defaults and validation in one place; {@link ConfigBinder} builds it.
 * An extension is in force only when {@code service.extensions} lists it.
 */
public interface ExtensionConfig {
  /** The id the extension was declared under. */
  ComponentId id();
}
