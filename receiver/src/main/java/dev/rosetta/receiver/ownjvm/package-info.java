/**
 * Rosetta's own JVM and process metrics: its platform MBeans read as a Jolokia agent would answer
 * ({@link dev.rosetta.receiver.ownjvm.PlatformMBeans}), mapped by the built-in {@code jvm} views
 * and put in the store as one replacing source ({@link dev.rosetta.receiver.ownjvm.OwnJvmMetrics}).
 *
 * <p>Threads: a refresh runs on the exposition thread that renders {@code /metrics}, before the
 * body, at most once a second (one lock); it reads MBeans and writes the store, and never blocks on
 * anything else. Non-null by default.
 */
package dev.rosetta.receiver.ownjvm;
