/**
 * The Rosetta service: {@link dev.rosetta.receiver.Main} (command line), {@link
 * dev.rosetta.receiver.RosettaModule} (wiring, side-effect free), {@link
 * dev.rosetta.receiver.RosettaService} (start, stop, configuration swap), {@link
 * dev.rosetta.receiver.ConfigReloader} and {@link dev.rosetta.receiver.PipelineFactory} (the
 * reloadable parts built from a configuration, for the wiring and for a reload).
 *
 * <p>Threads: {@code main} builds, starts and stops the service and then waits for a signal;
 * {@code SIGTERM}/{@code SIGINT}/{@code SIGHUP} handlers run on the JVM's signal thread and only
 * count down a latch or hand a reload to {@code rosetta-config-reload}; {@code rosetta-expiry} runs
 * the store's expiry and {@code rosetta-config-reload} checks and applies configuration files, both
 * periodic and guarded by {@link dev.rosetta.receiver.lifecycle.ServiceHealth}. {@code
 * RosettaService}'s start and stop are synchronized; a configuration swap ({@code applyConfig}) runs
 * on {@code rosetta-config-reload} and replaces immutable parts atomically. Non-null by default.
 */
package dev.rosetta.receiver;
