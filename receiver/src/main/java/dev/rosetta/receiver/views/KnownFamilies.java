package dev.rosetta.receiver.views;

import dev.rosetta.model.MetricType;
import dev.rosetta.model.name.GoCatalog;
import dev.rosetta.model.name.Grammar;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.model.view.View;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.config.ConfigError;
import dev.rosetta.receiver.config.RosettaConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Prometheus families whose type the views settle, by the name {@code /metrics} shows (counters
 * with {@code _total}): every Go runtime path Go describes, through the views, and every view whose
 * output name takes no capture and whose type is written, an overlay set's ({@code runtime}) too.
 * Families named only at run time (names no view matches, names built from captures) are not known.
 * Immutable.
 */
public final class KnownFamilies {
  /** A family the views produce: its type and the view that says so. */
  public record Known(MetricType type, String view) {}

  private final Map<String, Known> families;

  private KnownFamilies(Map<String, Known> families) {
    this.families = families;
  }

  /** The families {@code views} produce, named with or without unit and type suffixes. */
  public static KnownFamilies of(ViewSet views, boolean addSuffixes) {
    Map<String, Known> m = new TreeMap<>();
    collect(views, addSuffixes, m);
    views.overlay().ifPresent(o -> collect(o, addSuffixes, m));
    return new KnownFamilies(Map.copyOf(m));
  }

  /** The families of one set (the main views, or an overlay set's). */
  private static void collect(ViewSet views, boolean addSuffixes, Map<String, Known> m) {
    for (String path : GoCatalog.all().keySet()) {
      ViewDecision d = views.decide(path);
      if (d.kind() == ViewDecision.Kind.MATCHED && d.type().isPresent()) {
        add(m, d.name().orElseThrow(), d.unit().orElse(""), d.type().get(), d.viewId().orElseThrow(), addSuffixes);
      }
    }
    for (View v : views.views()) {
      if (v.fixedName().isPresent() && v.outputType().isPresent()
          && (v.outputUnit().isPresent() || v.grammar() != Grammar.GO)) {
        add(m, v.fixedName().get(), v.outputUnit().orElse(""), v.outputType().get(), v.id(), addSuffixes);
      }
    }
  }

  private static void add(Map<String, Known> m, String name, String unit, MetricType type, String view,
      boolean addSuffixes) {
    try {
      String prom = PrometheusNaming.metricName(name, unit, type, addSuffixes);
      m.putIfAbsent(AggregationRules.exposedName(prom, type), new Known(type, view));
    } catch (IllegalArgumentException e) {
      // no Prometheus name: never a family
    }
  }

  public Map<String, Known> all() {
    return families;
  }

  /**
   * Rules whose operation does not fit the type of a family they name, as configuration errors at
   * {@code aggregate[i].op}; empty when every rule fits what is known.
   */
  public static List<ConfigError> check(RosettaConfig config, ViewSet views) {
    if (config.aggregate().isEmpty()) {
      return List.of();
    }
    KnownFamilies known = of(views, config.exporters().prometheus().addMetricSuffixes());
    List<ConfigError> errors = new ArrayList<>();
    for (AggregateRule rule : config.aggregate()) {
      AggregationRules one = AggregationRules.of(List.of(rule));
      List<String> misfits = new ArrayList<>();
      known.families.forEach((name, k) -> {
        if (one.match(name, k.type()).isPresent() && !rule.op().fits(k.type())) {
          misfits.add(name + " (a " + k.type().word() + ", view " + k.view() + ")");
        }
      });
      if (!misfits.isEmpty()) {
        errors.add(new ConfigError(config.source(), rule.id() + ".op", rule.op().word(),
            rule.op().word() + " fits " + rule.op().fitsWhat() + ", not "
                + (misfits.size() == 1 ? "family " : "families ") + String.join(", ", misfits)));
      }
    }
    return errors;
  }
}
