package dev.rosetta.receiver.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds the exposition keys of {@code exporters.prometheus}: {@code namespace}, {@code const_labels},
 * {@code send_timestamps}, {@code enable_open_metrics}. Names are made Prometheus-safe as the
 * Collector's exporter makes them: characters outside {@code [a-zA-Z0-9_]} become {@code _}
 * ({@code test-space} is {@code test_space}, {@code "another label"} is {@code another_label}).
 * Stateless.
 */
final class PrometheusExposition {
  private static final Pattern UNSAFE = Pattern.compile("[^a-zA-Z0-9_]");

  private PrometheusExposition() {}

  static PrometheusExporterConfig.Exposition bind(ConfigNode n) {
    String namespace = n.get("namespace", "", ValueParsers.string().map(String::strip));
    if (!namespace.isEmpty()) {
      String safe = UNSAFE.matcher(namespace).replaceAll("_");
      if (Character.isDigit(safe.charAt(0))) {
        n.error("namespace", "invalid namespace \"" + namespace + "\": a metric name cannot start with a digit");
        safe = "";
      }
      namespace = safe;
    }
    Map<String, String> raw = n.map("const_labels", ValueParsers.string());
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String name = UNSAFE.matcher(e.getKey().strip()).replaceAll("_");
      if (name.isEmpty() || Character.isDigit(name.charAt(0)) || name.startsWith("__")) {
        n.error("const_labels", "." + e.getKey(), e.getValue(), "invalid label name \"" + e.getKey()
            + "\": a label name starts with a letter or one underscore (names starting with __ are reserved)");
      } else if (labels.putIfAbsent(name, e.getValue()) != null) {
        n.error("const_labels", "." + e.getKey(), e.getValue(), "label \"" + e.getKey() + "\" is \"" + name
            + "\" once made Prometheus-safe, as another label is");
      }
    }
    return new PrometheusExporterConfig.Exposition(namespace, labels, n.bool("send_timestamps", false),
        n.bool("enable_open_metrics", false));
  }
}
