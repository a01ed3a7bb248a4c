/**
 * The service's health and the threads it starts for itself: every background thread and periodic
 * task reports a fatal fault to {@link dev.rosetta.receiver.lifecycle.ServiceHealth}, which
 * {@code /healthz} answers from.
 *
 * <p>Threads: reached from every thread of the service; the fault is one atomic reference, set
 * once.
 */
package dev.rosetta.receiver.lifecycle;
