/**
 * The transport-neutral core: {@link dev.rosetta.receiver.pipeline.IngestService} (stages → forward
 * offer → store, on batches the receivers decoded), the stages and the status table every receiver
 * answers with. No wire format is known here: receivers decode, the {@link
 * dev.rosetta.receiver.pipeline.ForwardTarget} encodes, and an unchanged request passes through as an
 * opaque handle.
 *
 * <p>Threads: {@code IngestService} and the stages run on the ingest threads ({@code
 * rosetta-ingest-N} for small requests, {@code rosetta-ingest-large-N} for large ones), several at
 * once, never on a network event loop; the forward offer may block there briefly. The pipeline is
 * swapped atomically from {@code rosetta-config-reload}; a request in flight finishes with the
 * stages it started with. Non-null by default.
 */
package dev.rosetta.receiver.pipeline;
