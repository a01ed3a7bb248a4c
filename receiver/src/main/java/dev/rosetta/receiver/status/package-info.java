/**
 * The status page ({@code /status} on the metrics port): {@link
 * dev.rosetta.receiver.status.StatusReport} reads the service's parts into a {@link
 * dev.rosetta.receiver.status.StatusPage} (bounded: every list is a top N), which {@link
 * dev.rosetta.receiver.status.StatusHtml} renders as one self-contained HTML document.
 *
 * <p>Threads: a page is built and rendered on an exposition thread ({@code rosetta-exposition-N}),
 * never on an event loop; it reads counters, walks the store's families once without locks, takes
 * the top-names lock of the view statistics and each scrape pool's lock briefly, and blocks on
 * nothing else. It owns no state but the configuration in force, replaced on reload. Non-null by
 * default.
 */
package dev.rosetta.receiver.status;
