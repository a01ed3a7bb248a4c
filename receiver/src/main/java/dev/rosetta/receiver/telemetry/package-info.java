/**
 * Rosetta's own metrics ({@code rosetta_*}) on the service's registry: counters incremented from
 * every thread that does work, read by the exposition threads. Lock-free adders; thread-safe.
 * Non-null by default.
 */
package dev.rosetta.receiver.telemetry;
