/**
 * Rosetta's configuration as data: one YAML file, shaped like an OpenTelemetry Collector config,
 * bound to immutable records and validated.
 *
 * <p>The pipeline: {@code YAML text → plain Map/List tree → ${env:…} expansion → records}.
 * SnakeYAML loads with a safe constructor, YAML 1.2 style scalars ({@code yes}/{@code on} stay
 * strings) and limits on aliases, nesting and size. Binding goes through {@link
 * dev.rosetta.receiver.config.ConfigNode}, which collects every problem (unknown key, wrong type,
 * bad value) into a {@link dev.rosetta.receiver.config.ConfigException} rather than stopping at the
 * first; each {@link dev.rosetta.receiver.config.ConfigError} names the source, the key path and
 * the bad value.
 *
 * <p>Non-null by default: optional sections are {@link java.util.Optional}, collections are
 * unmodifiable copies, and no record component is ever {@code null}. Records are immutable and
 * therefore thread-safe; the loader holds no state.
 *
 * <p>Threads: loading runs on {@code main} at start, on {@code rosetta-config-reload} for a reload,
 * and on the caller's thread for {@code rosetta validate}; the records are then read from every
 * thread.
 */
package dev.rosetta.receiver.config;
