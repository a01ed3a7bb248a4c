/**
 * Naming rules that translate OpenTelemetry metric names, units and attribute keys into Prometheus
 * metric and label names.
 *
 * <p>Everything here is stateless, thread-safe and non-null by default: arguments must not be
 * {@code null} and results are never {@code null}. The rules follow the OpenTelemetry specification
 * "Prometheus and OpenMetrics Compatibility" (OTLP metric points to Prometheus), with the details
 * established OTLP-to-Prometheus exporters settle, so a family exposed by Rosetta carries the name
 * Prometheus users already know.
 */
package dev.rosetta.model.naming;
