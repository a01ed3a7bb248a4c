/**
 * The service's health and the threads it starts for itself: every background thread and periodic
 * task reports a fatal fault to {@link dev.rosetta.receiver.lifecycle.ServiceHealth}, which
 * {@code /healthz} answers from. Reached from every thread of the service.
 */
package dev.rosetta.receiver.lifecycle;
