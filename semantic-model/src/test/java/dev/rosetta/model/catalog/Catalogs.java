package dev.rosetta.model.catalog;

import dev.rosetta.model.MetricType;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.model.view.AttributeLabel;
import dev.rosetta.model.view.BuiltinViews;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Builds view sets from the built-in catalogs and renders decisions for golden files. */
final class Catalogs {
  static final String GOLDEN_HEADER = "input\tview\tdecision\tname\ttype\tunit\tlabels\tprometheus_name";

  private Catalogs() {}

  /** The built-in sets given, in their fixed load order, and nothing else. */
  static ViewSet of(String... sets) {
    try {
      return ViewSet.builder().builtins(List.of(sets)).build();
    } catch (ViewLoadException e) {
      throw new IllegalStateException("built-in view sets do not load: " + e.errors(), e);
    }
  }

  /** The YAML text of a built-in set. */
  static String text(String set) {
    try (InputStream in = Catalogs.class.getClassLoader().getResourceAsStream(BuiltinViews.resource(set))) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BuiltinViews.resource(set));
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One golden line: input, view id, kind, then for a matched name its family, type, unit, labels, Prometheus name. */
  static String line(String input, ViewDecision d) {
    String view = d.viewId().orElse("-");
    return switch (d.kind()) {
      case MATCHED -> String.join("\t", input, view, "matched", d.name().orElseThrow(),
          d.type().map(MetricType::word).orElse("(input)"), d.unit().orElse("(input)"), labels(d),
          prometheusName(d));
      case DROPPED -> String.join("\t", input, view, "dropped", "-", "-", "-", "-", "-");
      case INVALID -> String.join("\t", input, view, "invalid: " + d.problem().orElse(""), "-", "-", "-", "-", "-");
      case UNMATCHED -> String.join("\t", input, "-", "unmatched", "-", "-", "-", "-", "-");
      case MALFORMED -> String.join("\t", input, "-", "malformed: " + d.error().map(Object::toString).orElse(""),
          "-", "-", "-", "-", "-");
    };
  }

  /** Constant and capture labels as {@code k=v}, attribute labels as {@code k={attribute:A}}, sorted by name. */
  static String labels(ViewDecision d) {
    Map<String, String> all = new TreeMap<>(d.labels().asMap());
    for (Map.Entry<String, AttributeLabel> e : d.attributeLabels().entrySet()) {
      all.put(e.getKey(), "{attribute:" + e.getValue().attribute() + "}");
    }
    if (all.isEmpty()) {
      return "-";
    }
    StringJoiner j = new StringJoiner(",");
    all.forEach((k, v) -> j.add(k + "=" + v));
    return j.toString();
  }

  /** The Prometheus family name, as explain computes it (a gauge when the view keeps the input's type). */
  static String prometheusName(ViewDecision d) {
    return PrometheusNaming.metricName(
        d.name().orElseThrow(), d.unit().orElse(""), d.type().orElse(MetricType.GAUGE));
  }
}
