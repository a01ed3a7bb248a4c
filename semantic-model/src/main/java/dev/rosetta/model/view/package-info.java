/**
 * Semantic views: YAML view files compiled into a {@link dev.rosetta.model.view.ViewSet} that
 * decides, for each raw metric name, which view matches and what semantic family it produces, and
 * applies that decision to metrics.
 *
 * <p>A view matches names of one {@link dev.rosetta.model.name.Grammar grammar} with a pattern
 * ({@code /cpu/classes/{class...}:cpu-seconds}, {@code java.lang:type=MemoryPool,name={pool}/Usage/{kind}},
 * {@code jvm.gc.{gc}.count}) or an RE2 regular expression, and names the output: semantic name,
 * type, unit, labels from captures, constants and sibling MBean attributes, value scale, help text
 * and histogram re-bucketing, or {@code drop}. First match wins: user files in the order given,
 * then the built-in sets ({@link dev.rosetta.model.view.BuiltinViews}).
 *
 * <p>Decisions depend on the name only, never on a value, and are memoized per distinct name in a
 * bounded cache. Every public type is immutable and thread-safe unless its documentation says
 * otherwise, and non-null by default: arguments must not be {@code null} and results are never
 * {@code null} (absent values are {@link java.util.Optional}).
 */
package dev.rosetta.model.view;
