/**
 * Command line tools of the service jar that run without starting the service ({@code rosetta
 * validate}, {@code rosetta relabel}, {@code rosetta explain}). Each command is a class with a static {@code run} method that
 * takes its arguments, streams (and environment, where it reads configuration) and returns the exit
 * code, so tests run it in-process with in-memory streams. Non-null by default.
 *
 * <p>Threads: only the caller's ({@code main}); nothing here starts a thread or is reached by the
 * service's threads.
 */
package dev.rosetta.receiver.cli;
