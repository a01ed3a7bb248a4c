/**
 * OTLP forwarding: a bounded sending queue, a batcher and a pool of senders that deliver {@code
 * ExportMetricsServiceRequest}s to a downstream collector over gRPC, with retries as the OTLP
 * specification prescribes.
 *
 * <p>The behaviour follows the OpenTelemetry Collector's {@code exporterhelper} (sending queue,
 * {@code retry_on_failure}) and batch processor. Every data point accepted by {@link
 * dev.rosetta.receiver.forward.OtlpForwarder#offer} ends up counted exactly once as sent or dropped
 * (by {@link dev.rosetta.receiver.forward.DropReason reason}); until then it is queued or in flight.
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
