/**
 * The Prometheus side: {@link dev.rosetta.receiver.exposition.ScrapeHandler} (content negotiation,
 * gzip, the one place that knows the exposition library: simpleclient's text format and OpenMetrics
 * writers) and its Netty adapters for {@code /metrics}, {@code /healthz} and {@code /readyz}; {@link
 * dev.rosetta.receiver.exposition.StoreCollector} renders the series store, through its read-only
 * {@link dev.rosetta.receiver.store.StoreView}, as simpleclient families, one family at a time.
 *
 * <p>Threads: {@code /metrics} renders and streams on {@code rosetta-exposition-N} (two threads, a few
 * scrapes waiting; more are answered 503), reading the registry's collectors; the store's view copies each
 * series under the series' own lock; {@code /healthz} and {@code /readyz} answer on the exposition
 * event loop ({@code exposition-N}). Writes from the exposition threads reach the channel through Netty,
 * at most four 64 KiB chunks ahead of the client. Non-null by default.
 */
package dev.rosetta.receiver.exposition;
