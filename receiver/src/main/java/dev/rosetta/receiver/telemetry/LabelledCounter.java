package dev.rosetta.receiver.telemetry;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A counter with labels for Rosetta's own metrics, rendered as a plain counter family (no
 * {@code _created} series, which simpleclient's Counter adds and only an environment variable turns
 * off). Thread-safe; increments are lock-free.
 */
public final class LabelledCounter extends Collector {
  private final String name;
  private final String help;
  private final List<String> labelNames;
  private final Map<List<String>, DoubleAdder> children = new ConcurrentHashMap<>();

  /** @param name the family name without {@code _total} */
  public LabelledCounter(String name, String help, String... labelNames) {
    this.name = Objects.requireNonNull(name, "name");
    this.help = Objects.requireNonNull(help, "help");
    this.labelNames = List.of(labelNames);
  }

  public void inc(double amount, String... labelValues) {
    if (labelValues.length != labelNames.size()) {
      throw new IllegalArgumentException(name + " takes labels " + labelNames);
    }
    children.computeIfAbsent(List.of(labelValues), k -> new DoubleAdder()).add(amount);
  }

  public double get(String... labelValues) {
    DoubleAdder a = children.get(List.of(labelValues));
    return a == null ? 0 : a.sum();
  }

  /** The value of every label combination counted so far, by label values. */
  public Map<List<String>, Double> values() {
    Map<List<String>, Double> out = new java.util.LinkedHashMap<>();
    children.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The sum over every label combination. */
  public double total() {
    double t = 0;
    for (DoubleAdder a : children.values()) {
      t += a.sum();
    }
    return t;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    CounterMetricFamily f = new CounterMetricFamily(name, help, labelNames);
    for (var e : children.entrySet()) {
      f.addMetric(e.getKey(), e.getValue().sum());
    }
    List<MetricFamilySamples> out = new ArrayList<>(1);
    out.add(f);
    return out;
  }
}
