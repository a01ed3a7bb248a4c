/**
 * The service's side of semantic views: building the {@link dev.rosetta.model.view.ViewSet} from the
 * {@code views} configuration section. Non-null by default.
 *
 * <p>Threads: views are built on {@code main} at start and on {@code rosetta-config-reload} for a
 * reload; the built view sets are immutable and then used from the ingest threads.
 */
package dev.rosetta.receiver.views;
