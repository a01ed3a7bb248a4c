package dev.rosetta.model.catalog.bench;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.name.MetricName;
import dev.rosetta.model.view.BatchValues;
import dev.rosetta.model.view.ViewSet;
import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One collection of the platform MBeans of {@code java.lang} and {@code java.nio}, three ways, in
 * one run:
 *
 * <ul>
 *   <li>{@link #readOnly}: (a) read every attribute through the MBeanServer (names queried, MBean
 *       info and attribute values fetched per MBean, numbers and numeric CompositeData items taken
 *       out), nothing else;
 *   <li>{@link #jmxExporter}: (b) jmx_exporter's {@code JmxCollector.collect()} with rules
 *       equivalent to the {@code jvm} view set ({@code bench/jmx-exporter-jvm.yaml}), as written
 *       by default, and {@link #jmxExporterCachedRules} with {@code cache: true} on every rule;
 *   <li>{@link #rosetta}: (c) the same read as (a), each value named by its JVM path and mapped
 *       through Rosetta's {@code jvm} views into labelled semantic families;
 *   <li>{@link #rosettaMappingOnly}: the mapping part of (c) alone, over the values of one read.
 * </ul>
 *
 * The read is dominated by the OperatingSystem MBean (it reads /proc and cgroup files) and varies
 * with the machine's load; the mapping-only figure gives the overhead of (c) over (a) without it.
 *
 * Run (about 2 min; the MBean server code needs a long warm-up), from the repository root:
 * <pre>
 * mvn -B -q -pl semantic-model -am install -DskipTests
 * mvn -B -q -pl semantic-model -Pbench test-compile exec:exec -Dbench.args=JmxCollectBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class JmxCollectBenchmark {
  static final String[] DOMAINS = {"java.lang:*", "java.nio:*"};
  static final String RULES = "/bench/jmx-exporter-jvm.yaml";

  MBeanServer server;
  ObjectName[] queries;
  JmxCollector jmx;
  JmxCollector jmxCached;
  ViewSet views;
  /** JVM path strings per MBean and attribute (and item), built once: names are data, not work. */
  final Map<ObjectName, BeanPaths> paths = new HashMap<>();

  /** The JVM paths of one MBean's attributes and CompositeData items. */
  static final class BeanPaths {
    final String prefix;
    final Map<String, String> attributes = new HashMap<>();
    final Map<String, Map<String, String>> items = new HashMap<>();

    BeanPaths(ObjectName bean) {
      prefix = bean.getCanonicalName() + '/';
    }
  }

  @Setup
  public void setUp() throws Exception {
    server = ManagementFactory.getPlatformMBeanServer();
    queries = new ObjectName[DOMAINS.length];
    for (int i = 0; i < DOMAINS.length; i++) {
      queries[i] = new ObjectName(DOMAINS[i]);
    }
    String rules = rules();
    jmx = new JmxCollector(rules).register(new PrometheusRegistry());
    jmxCached = new JmxCollector(rules.replaceAll("(?m)^(    type: \\w+)$", "$1\n    cache: true"))
        .register(new PrometheusRegistry());
    views = jvmViews();
    read(new Sink() {
      @Override
      public void number(ObjectName bean, String attribute, String item, Number value) {
        snapshot.add(new Sample(bean, attribute, item, value));
      }

      @Override
      public void text(ObjectName bean, String attribute, String value) {
        snapshotStrings.computeIfAbsent(bean.getCanonicalName(), k -> new HashMap<>()).put(attribute, value);
      }
    });
  }

  /** One value of a read. */
  record Sample(ObjectName bean, String attribute, String item, Number value) {}

  final List<Sample> snapshot = new ArrayList<>();
  final Map<String, Map<String, String>> snapshotStrings = new HashMap<>();

  static String rules() throws IOException {
    try (InputStream in = JmxCollectBenchmark.class.getResourceAsStream(RULES)) {
      if (in == null) {
        throw new IOException("missing " + RULES);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static ViewSet jvmViews() {
    try {
      return ViewSet.builder().builtin("jvm").build();
    } catch (ViewLoadException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Receives what a read finds. */
  interface Sink {
    void number(ObjectName bean, String attribute, String item, Number value);

    void text(ObjectName bean, String attribute, String value);
  }

  /** The read shared by (a) and (c): what any MBean collector has to do before mapping anything. */
  void read(Sink sink) throws JMException {
    for (ObjectName query : queries) {
      for (ObjectName bean : server.queryNames(query, null)) {
        MBeanAttributeInfo[] infos = server.getMBeanInfo(bean).getAttributes();
        String[] names = new String[infos.length];
        int n = 0;
        for (MBeanAttributeInfo info : infos) {
          if (info.isReadable()) {
            names[n++] = info.getName();
          }
        }
        String[] readable = n == names.length ? names : java.util.Arrays.copyOf(names, n);
        for (Attribute a : server.getAttributes(bean, readable).asList()) {
          Object v = a.getValue();
          if (v instanceof Number num) {
            sink.number(bean, a.getName(), null, num);
          } else if (v instanceof CompositeData cd) {
            for (String item : cd.getCompositeType().keySet()) {
              if (cd.get(item) instanceof Number num) {
                sink.number(bean, a.getName(), item, num);
              }
            }
          } else if (v instanceof String s) {
            sink.text(bean, a.getName(), s);
          }
        }
      }
    }
  }

  @Benchmark
  public void readOnly(Blackhole bh) throws JMException {
    read(new Sink() {
      @Override
      public void number(ObjectName bean, String attribute, String item, Number value) {
        bh.consume(value.doubleValue());
      }

      @Override
      public void text(ObjectName bean, String attribute, String value) {
        bh.consume(value);
      }
    });
  }

  @Benchmark
  public MetricSnapshots jmxExporter() {
    return jmx.collect();
  }

  @Benchmark
  public MetricSnapshots jmxExporterCachedRules() {
    return jmxCached.collect();
  }

  @Benchmark
  public List<Metric> rosetta() throws JMException {
    return collectWithViews();
  }

  /**
   * The mapping of (c) alone, replayed over the values of one read taken at setup: what (c) adds to
   * (a), measured without the noise of the read itself.
   */
  @Benchmark
  public List<Metric> rosettaMappingOnly() {
    long now = System.currentTimeMillis() * 1_000_000L;
    List<Metric> raw = new ArrayList<>(snapshot.size());
    for (Sample s : snapshot) {
      NumberPoint p = new NumberPoint(Labels.empty(), 0, now, s.value().doubleValue());
      raw.add(new Metric(path(s.bean(), s.attribute(), s.item()), "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
          List.of(p)));
    }
    return map(raw, snapshotStrings);
  }

  /** (c): the read, then every number as a raw metric named by its JVM path, through the views. */
  List<Metric> collectWithViews() throws JMException {
    long now = System.currentTimeMillis() * 1_000_000L;
    List<Metric> raw = new ArrayList<>(512);
    Map<String, Map<String, String>> strings = new HashMap<>();
    read(new Sink() {
      @Override
      public void number(ObjectName bean, String attribute, String item, Number value) {
        NumberPoint p = new NumberPoint(Labels.empty(), 0, now, value.doubleValue());
        raw.add(new Metric(path(bean, attribute, item), "", "", MetricType.GAUGE, Temporality.CUMULATIVE, List.of(p)));
      }

      @Override
      public void text(ObjectName bean, String attribute, String value) {
        strings.computeIfAbsent(bean.getCanonicalName(), k -> new HashMap<>()).put(attribute, value);
      }
    });
    return map(raw, strings);
  }

  /** Every raw metric through the views; the pool's Type attribute (a string) feeds jvm.memory.type. */
  List<Metric> map(List<Metric> raw, Map<String, Map<String, String>> strings) {
    SiblingAttributes siblings = (mbean, attribute) ->
        Optional.ofNullable(strings.getOrDefault(mbean.canonicalName(), Map.of()).get(attribute));
    // values a view derives from (ThreadCount - DaemonThreadCount), by canonical raw name, built on first use
    Map<String, Double> byName = new HashMap<>();
    BatchValues values = (name, labels) -> {
      if (byName.isEmpty()) {
        for (Metric m : raw) {
          byName.put(ViewSet.canonical(MetricName.parse(m.name()).value()), ((NumberPoint) m.points().get(0)).value());
        }
      }
      Double v = byName.get(name);
      return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    };
    List<Metric> out = new ArrayList<>(raw.size());
    for (Metric m : raw) {
      ViewResult r = views.apply(m, siblings, values);
      if (r.status() == ViewResult.Status.MAPPED) {
        out.add(r.metric().orElseThrow());
      }
    }
    return out;
  }

  String path(ObjectName bean, String attribute, String item) {
    BeanPaths b = paths.get(bean);
    if (b == null) {
      b = new BeanPaths(bean);
      paths.put(bean, b);
    }
    String prefix = b.prefix;
    if (item == null) {
      return b.attributes.computeIfAbsent(attribute, a -> prefix + escape(a));
    }
    return b.items.computeIfAbsent(attribute, a -> new HashMap<>())
        .computeIfAbsent(item, i -> prefix + escape(attribute) + '/' + escape(i));
  }

  static String escape(String segment) {
    return segment.replace("!", "!!").replace("/", "!/");
  }
}
