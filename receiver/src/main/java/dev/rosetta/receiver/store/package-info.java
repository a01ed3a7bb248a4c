/**
 * The series store: the latest value of every series, delta to cumulative, expiry, limits, and a
 * read-only view of its families ({@link dev.rosetta.receiver.store.StoreView}) that the exposition
 * renders for {@code /metrics}; nothing here knows the exposition library.
 *
 * <p>Threads: written by the ingest threads ({@code rosetta-ingest-N}, {@code
 * rosetta-ingest-large-N}); read by the exposition threads ({@code rosetta-exposition-N}) one family at a
 * time; expired by {@code rosetta-expiry}; its limits set from {@code rosetta-config-reload}.
 * Families and series live in concurrent maps, and each series is read and written under its own
 * lock. Non-null by default.
 */
package dev.rosetta.receiver.store;
