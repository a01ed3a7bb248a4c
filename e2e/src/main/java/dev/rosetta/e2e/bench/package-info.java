/**
 * The repository benchmark's out-of-process parts, run by {@code bench/run.sh}: the OTLP/HTTP load
 * client ({@link dev.rosetta.e2e.bench.OtlpLoadClient}), the sink that acknowledges what receivers
 * send on ({@link dev.rosetta.e2e.bench.BenchSink}), the report that puts the runs side by side
 * ({@link dev.rosetta.e2e.bench.BenchReport}) and a JFR summary ({@link dev.rosetta.e2e.bench.JfrTop}).
 * Each is a {@code main} run as a process of its own against a receiver that is another process.
 */
package dev.rosetta.e2e.bench;
