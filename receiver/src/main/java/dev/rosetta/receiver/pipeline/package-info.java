/**
 * The transport-neutral core: {@link dev.rosetta.receiver.pipeline.IngestService} (decode → stages →
 * forward offer → store), the stages and the status table every receiver answers with.
 *
 * <p>Threads: {@code IngestService} and the stages run on the ingest threads ({@code
 * rosetta-ingest-N} for small requests, {@code rosetta-ingest-large-N} for large ones), several at
 * once, never on a network event loop; the forward offer may block there briefly. The pipeline is
 * swapped atomically from {@code rosetta-config-reload}; a request in flight finishes with the
 * stages it started with. Non-null by default.
 */
package dev.rosetta.receiver.pipeline;
