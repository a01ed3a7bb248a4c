/**
 * The native JSON endpoints ({@code /v1/go/runtime-metrics}, {@code /v1/jvm/jolokia}): their
 * decoders and their {@link dev.rosetta.receiver.nativeformat.NativeHttpHandler}.
 *
 * <p>Threads: a request's head is checked on the HTTP event loop ({@code otlp-http-N}); its body is
 * decoded and ingested on an ingest thread ({@code rosetta-ingest-N} or {@code
 * rosetta-ingest-large-N}). The decoders are stateless. Non-null by default.
 */
package dev.rosetta.receiver.nativeformat;
