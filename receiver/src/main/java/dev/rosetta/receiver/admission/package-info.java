/**
 * Admission control: whether a request may come in, decided before its body is read, and where its
 * work runs. {@link dev.rosetta.receiver.admission.MemoryLimiter} (the {@code memory_limiter}
 * processor: heap checks and the in-flight byte budget), {@link
 * dev.rosetta.receiver.admission.Admission} (the decision and its answer), {@link
 * dev.rosetta.receiver.admission.IngestExecutor} (the bounded ingest lanes).
 *
 * <p>Threads: reached from the HTTP event loops ({@code otlp-http-N}, at request heads and as body
 * chunks arrive), from the ingest threads ({@code rosetta-ingest-N}, {@code rosetta-ingest-large-N},
 * while bodies are decompressed and decoded; gRPC's stream starts run there too), from
 * {@code rosetta-memory-check} (the periodic heap check) and from the JVM's notification thread
 * (after each garbage collection). All state is atomics and volatiles.
 */
package dev.rosetta.receiver.admission;
