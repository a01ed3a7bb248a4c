/**
 * Declared aggregation, the top-level {@code aggregate:} list: the rule records the configuration
 * binder builds ({@link dev.rosetta.receiver.aggregate.AggregateRule}), their operations and the
 * compiled matcher the series store consults when a family enters it ({@link
 * dev.rosetta.receiver.aggregate.AggregationRules}). The aggregation itself — contributions per
 * source, the aggregate over the live ones — lives in {@link dev.rosetta.receiver.store.SeriesStore}.
 *
 * <p>Threads: immutable values, read by ingest threads (through the store), the configuration
 * reload thread and the CLI. Non-null by default.
 */
package dev.rosetta.receiver.aggregate;
