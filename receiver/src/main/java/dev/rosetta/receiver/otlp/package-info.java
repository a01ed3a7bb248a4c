/**
 * OTLP to the model and back: {@link dev.rosetta.receiver.otlp.OtlpDecoder}, {@link
 * dev.rosetta.receiver.otlp.OtlpEncoder}, the OTLP/JSON encoding.
 *
 * <p>Threads: reached from the ingest threads ({@code rosetta-ingest-N}, {@code
 * rosetta-ingest-large-N}), which decode requests, and from the forwarder's threads, which encode
 * them; stateless and thread-safe. Non-null by default.
 */
package dev.rosetta.receiver.otlp;
