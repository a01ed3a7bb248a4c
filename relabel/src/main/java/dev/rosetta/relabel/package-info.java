/**
 * Relabel rules with Prometheus semantics: the YAML of {@code metric_relabel_configs} bound to
 * {@link dev.rosetta.relabel.RelabelConfig} records, validated and compiled by {@link
 * dev.rosetta.relabel.RelabelRules#compile} and applied to {@link dev.rosetta.model.Labels}.
 *
 * <p>Regular expressions have RE2 syntax and linear-time matching (re2j); no rule can make the
 * service backtrack. Non-null by default: parameters and results are never {@code null} unless a
 * method says so ({@link dev.rosetta.relabel.RelabelRules#apply} returns {@code null} for a dropped
 * series). No wire format and no YAML library appear here: callers hand over a generic tree.
 */
package dev.rosetta.relabel;
