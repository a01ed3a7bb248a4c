/**
 * Target discovery for the scrape receivers: {@link dev.rosetta.receiver.discovery.StaticDiscoverer}
 * ({@code static_configs}), {@link dev.rosetta.receiver.discovery.FileDiscoverer}
 * ({@code file_sd_configs}) and {@link dev.rosetta.receiver.discovery.KubernetesDiscoverer}
 * ({@code kubernetes_sd_configs}, through fabric8 informers). Each hands {@link
 * dev.rosetta.receiver.discovery.TargetGroup}s, keyed by a source string, to its scrape pool; a group
 * with no targets removes what the source gave before. Labels are named as Prometheus names them
 * ({@code __address__}, {@code __meta_kubernetes_pod_name}, ...).
 *
 * <p>Everything here is non-null unless stated otherwise.
 */
package dev.rosetta.receiver.discovery;
