/**
 * OTLP forwarding, in parts as the OpenTelemetry Collector's {@code exporterhelper} separates them:
 *
 * <ul>
 *   <li>{@link dev.rosetta.receiver.forward.ForwardFanOut}: the service's forwarding target; every
 *       request goes to all exporters or to none (reserve in every queue, then commit).
 *   <li>{@link dev.rosetta.receiver.forward.OtlpExporter}: one exporter ({@code otlp}, {@code
 *       otlp/name}), built from its {@link dev.rosetta.receiver.config.OtlpExporterConfig}, the one
 *       owner of its settings.
 *   <li>the queue: {@link dev.rosetta.receiver.forward.MemoryQueue} or {@link
 *       dev.rosetta.receiver.forward.FileQueue} (the {@code file_storage} extension) over a {@link
 *       dev.rosetta.receiver.forward.SegmentedLog} (segments, CRC-32C checksums, group commit);
 *   <li>{@link dev.rosetta.receiver.forward.Batcher}: one thread per exporter merging queued
 *       requests into exports;
 *   <li>{@link dev.rosetta.receiver.forward.RetryingSender}: the sender threads' retry rules, and
 *       which attempts have an unknown outcome;
 *   <li>{@link dev.rosetta.receiver.forward.ExportAccounting} and {@link
 *       dev.rosetta.receiver.forward.ExporterMetrics}: the books. Every data point accepted ends up
 *       counted exactly once as sent or dropped (by {@link dev.rosetta.receiver.forward.DropReason
 *       reason}); until then it is queued or in flight.
 * </ul>
 *
 * <p>Non-null by default: parameters, return values and record components are never {@code null};
 * absence is expressed with {@link java.util.Optional} or empty collections.
 *
 * <p>Threads: {@code offer} is called on the ingest threads ({@code rosetta-ingest-N}, {@code
 * rosetta-ingest-large-N}); the forwarder's own batcher and sender threads take it from there, and
 * gRPC's client threads complete the sends. {@code shutdown} runs on the thread that stops the
 * service.
 */
package dev.rosetta.receiver.forward;
