/**
 * The service's health and the threads it starts for itself: every background thread and periodic
 * task reports a fatal fault to {@link dev.rosetta.receiver.lifecycle.ServiceHealth}, which
 * {@code /healthz} answers from; {@link dev.rosetta.receiver.lifecycle.FilePoller} and {@link
 * dev.rosetta.receiver.lifecycle.WatchedFiles} follow credential and certificate files.
 *
 * <p>Threads: {@code ServiceHealth} is reached from every thread of the service; the fault is one
 * atomic reference, set once. {@code rosetta-file-watch-1} (one per service, every second, guarded)
 * re-reads watched files whose content changed and swaps their parsed form behind a volatile
 * reference, read by any thread.
 */
package dev.rosetta.receiver.lifecycle;
