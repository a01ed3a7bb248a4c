/**
 * Protocol-free metric model shared by every Rosetta stage.
 *
 * <p>All types are immutable and non-null by default: collections are unmodifiable copies, absent
 * values are expressed by empty objects ({@link dev.rosetta.model.Labels#empty()}) or documented
 * sentinels (NaN for an absent histogram sum), never by {@code null}. Wire formats (OTLP protobuf,
 * JSON, Prometheus text) never appear here; they live in converters at the edges of the service.
 */
package dev.rosetta.model;
