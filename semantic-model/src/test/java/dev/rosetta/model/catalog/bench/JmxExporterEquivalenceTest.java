package dev.rosetta.model.catalog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Metric;
import dev.rosetta.model.Point;
import dev.rosetta.model.naming.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The jmx_exporter rules of the benchmark produce the same series (Prometheus name and labels) as
 * Rosetta's {@code jvm} view set on the same MBeans, so the benchmark compares equal work.
 */
class JmxExporterEquivalenceTest {

  @Test
  void jmxExporterRulesAndJvmViewsProduceTheSameSeries() throws Exception {
    JmxCollectBenchmark bench = new JmxCollectBenchmark();
    bench.setUp();

    Set<String> rosetta = new TreeSet<>();
    for (Metric m : bench.collectWithViews()) {
      String name = PrometheusNaming.metricName(m.name(), m.unit(), m.type());
      for (Point p : m.points()) {
        StringJoiner labels = new StringJoiner(",", "{", "}");
        p.labels().forEach((k, v) -> labels.add(PrometheusNaming.labelName(k) + "=" + v));
        rosetta.add(name + labels);
      }
    }

    Set<String> exporter = new TreeSet<>();
    for (MetricSnapshot s : bench.jmx.collect()) {
      String name = s.getMetadata().getPrometheusName();
      if (name.startsWith("jmx_")) {
        continue; // jmx_exporter's own metrics about the scrape
      }
      if (s instanceof CounterSnapshot) {
        name += "_total";
      }
      for (DataPointSnapshot d : s.getDataPoints()) {
        StringJoiner labels = new StringJoiner(",", "{", "}");
        for (Label l : d.getLabels()) {
          labels.add(l.getName() + "=" + l.getValue());
        }
        exporter.add(name + labels);
      }
    }
    assertThat(rosetta).hasSizeGreaterThan(60).isEqualTo(exporter);
  }
}
