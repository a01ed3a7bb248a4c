package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.name.MetricName;
import dev.rosetta.model.view.BatchValues;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code jvm} set over every numeric attribute (and numeric CompositeData item) of the test
 * JVM's own {@code java.lang} and {@code java.nio} platform MBeans, with their real values.
 */
class JvmCatalogTest {
  static final String GOLDEN = "jvm-catalog.tsv";
  /** MBean types whose {@code name} differs between collectors and JVMs; normalised in the golden file. */
  static final Set<String> VARYING_NAMES = Set.of("MemoryPool", "GarbageCollector");

  private static final ViewSet JVM = Catalogs.of("jvm");
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  @BeforeAll
  static void collectOnce() {
    System.gc(); // so that every collector has LastGcInfo and every pool a CollectionUsage
  }

  /** Sibling attributes (e.g. a pool's Type) from the strings of a read. */
  static SiblingAttributes siblings(JvmMBeans.Read read) {
    Map<String, Map<String, String>> byCanonical = new HashMap<>();
    read.strings().forEach((bean, attrs) -> byCanonical.put(bean.getCanonicalName(), attrs));
    return (mbean, attribute) ->
        Optional.ofNullable(byCanonical.getOrDefault(mbean.canonicalName(), Map.of()).get(attribute));
  }

  static Metric gauge(JvmMBeans.Sample s) {
    Point p = new NumberPoint(Labels.empty(), 0, 0, s.value());
    return new Metric(s.path(), "", "", MetricType.GAUGE, Temporality.CUMULATIVE, List.of(p));
  }

  /** The JVM path with the collector- and JVM-specific MBean names replaced by {@code <name>}. */
  static String normalised(JvmMBeans.Sample s) {
    ObjectName bean = s.bean();
    String type = bean.getKeyProperty("type");
    if (type == null || !VARYING_NAMES.contains(type) || bean.getKeyProperty("name") == null) {
      return s.path();
    }
    return s.bean().getDomain() + ":name=<name>,type=" + type + s.path().substring(bean.getCanonicalName().length());
  }

  @Test
  void everyNumericAttributeIsDecidedByTheJvmSet() {
    JvmMBeans.Read read = JvmMBeans.read(SERVER);
    assertThat(read.samples()).hasSizeGreaterThan(50);
    List<String> uncovered = new ArrayList<>();
    for (JvmMBeans.Sample s : read.samples()) {
      ViewDecision d = JVM.decide(s.path());
      boolean covered = (d.kind() == ViewDecision.Kind.MATCHED || d.kind() == ViewDecision.Kind.DROPPED)
          && d.source().orElseThrow().file().equals("builtin:jvm");
      if (!covered) {
        uncovered.add(d.toString());
      }
    }
    assertThat(uncovered).as("numeric MBean attributes not covered by the jvm set").isEmpty();
  }

  /**
   * The golden file holds one line per normalised path: the paths of this JVM and every path an
   * earlier run on another JVM or collector added. Decisions depend on names only, so every line is
   * decided again here; a path of this JVM that the file lacks shows as an added line.
   */
  @Test
  void goldenJvmCatalog() throws IOException {
    Set<String> paths = new TreeSet<>();
    for (JvmMBeans.Sample s : JvmMBeans.read(SERVER).samples()) {
      paths.add(normalised(s));
    }
    Path file = Golden.sourceFile(GOLDEN);
    if (Files.exists(file)) {
      List<String> old = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (String line : old.subList(1, old.size())) {
        paths.add(line.substring(0, line.indexOf('\t')));
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(Catalogs.GOLDEN_HEADER);
    for (String p : paths) {
      lines.add(Catalogs.line(p, JVM.decide(p)));
    }
    Golden.check(GOLDEN, lines);
  }

  @Test
  void realValuesMapToTheConventionFamilies() {
    JvmMBeans.Read read = JvmMBeans.read(SERVER);
    Map<String, List<Point>> families = apply(read);
    for (String family : List.of(
        "jvm.memory.used", "jvm.memory.committed", "jvm.memory.limit", "jvm.memory.init",
        "jvm.memory.used_after_last_gc", "jvm.gc.collections.count", "jvm.gc.collections.elapsed",
        "jvm.thread.live", "jvm.class.loaded", "jvm.class.unloaded", "jvm.class.count", "jvm.cpu.time",
        "jvm.cpu.count", "jvm.cpu.recent_utilization", "jvm.buffer.memory.used", "jvm.buffer.memory.limit",
        "jvm.buffer.count", "process.uptime")) {
      assertThat(families).as("families from this JVM").containsKey(family);
    }
    Set<String> memoryTypes = new TreeSet<>();
    for (Point p : families.get("jvm.memory.used")) {
      memoryTypes.add(p.labels().get("jvm.memory.type"));
      assertThat(p.labels().get("jvm.memory.pool.name")).isNotBlank();
    }
    assertThat(memoryTypes).containsExactly("heap", "non_heap");
    assertThat(families.get("jvm.buffer.count"))
        .anySatisfy(p -> assertThat(p.labels().get("jvm.buffer.pool.name")).isEqualTo("direct"));
    assertThat(families.get("jvm.gc.collections.count"))
        .allSatisfy(p -> assertThat(p.labels().get("jvm.gc.name")).isNotBlank());
  }

  @Test
  void countersAreNonNegativeAndTimesAreInSeconds() {
    JvmMBeans.Read read = JvmMBeans.read(SERVER);
    Map<String, Double> raw = new HashMap<>();
    read.samples().forEach(s -> raw.put(s.path(), s.value()));
    SiblingAttributes siblings = siblings(read);
    for (JvmMBeans.Sample s : read.samples()) {
      ViewResult r = JVM.apply(gauge(s), siblings, values(read));
      if (r.status() != ViewResult.Status.MAPPED) {
        assertThat(r.status()).as(s.path()).isIn(ViewResult.Status.DROPPED, ViewResult.Status.OMITTED);
        continue;
      }
      Metric m = r.metric().orElseThrow();
      double v = ((NumberPoint) m.points().get(0)).value();
      assertThat(m.unit()).as("unit of %s", m.name()).isNotEmpty();
      if (m.type() == MetricType.COUNTER) {
        assertThat(v).as("counter %s from %s", m.name(), s.path()).isNotNegative();
      }
      if (m.unit().equals("s")) {
        String attr = s.attribute();
        double factor = attr.equals("ProcessCpuTime") ? 1e-9 : 1e-3; // ns, else ms
        assertThat(v).as("%s from %s", m.name(), s.path()).isCloseTo(s.value() * factor, within(1e-9 * Math.max(1, s.value())));
      } else if (JVM.decide(s.path()).operands().isEmpty()) {
        assertThat(v).as("%s from %s is not scaled", m.name(), s.path()).isEqualTo(s.value());
      }
    }
    assertThat(JVM.decide("java.lang:type=OperatingSystem/ProcessCpuTime").scale()).isEqualTo(1e-9);
    assertThat(JVM.decide("java.lang:type=GarbageCollector,name=G1 Young Generation/CollectionTime").scale())
        .isEqualTo(1e-3);
    assertThat(JVM.decide("java.lang:type=Runtime/Uptime").scale()).isEqualTo(1e-3);
  }

  @Test
  void poolsSumToTheUsedOfTheMemoryAreasButTheAreasAreTheirOwnFamilies() {
    // pools and totals are read one after the other while the JVM allocates: retry, keep the closest
    double best = Double.MAX_VALUE;
    double tolerance = 0;
    for (int attempt = 0; attempt < 20 && best > tolerance; attempt++) {
      JvmMBeans.Read read = JvmMBeans.read(SERVER);
      Map<String, List<Point>> families = apply(read);
      double heapPools = sum(families.get("jvm.memory.used"), "heap");
      double nonHeapPools = sum(families.get("jvm.memory.used"), "non_heap");
      double heap = sum(families.get("jvm.memory.area.used"), "heap");
      double nonHeap = sum(families.get("jvm.memory.area.used"), "non_heap");
      assertThat(heap).isEqualTo(value(read, "java.lang:type=Memory/HeapMemoryUsage/used"));
      assertThat(heapPools).isPositive();
      assertThat(nonHeapPools).isPositive();
      tolerance = Math.max(4 << 20, 0.02 * heap);
      best = Math.min(best, Math.abs(heapPools - heap) + Math.abs(nonHeapPools - nonHeap));
    }
    assertThat(best).as("|pools - totals| of heap and non-heap used").isLessThanOrEqualTo(tolerance);
    // init and committed of the heap come from the heap as a whole, not from the pools: own family
    for (String item : List.of("used", "committed", "init", "max")) {
      ViewDecision d = JVM.decide("java.lang:type=Memory/HeapMemoryUsage/" + item);
      assertThat(d.name()).as(item).contains("jvm.memory.area." + (item.equals("max") ? "limit" : item));
      assertThat(d.labels().asMap()).containsEntry("jvm.memory.type", "heap");
    }
    // daemon threads are a part of all threads: the non-daemon series is the difference
    assertThat(JVM.decide("java.lang:type=Threading/DaemonThreadCount").name())
        .isEqualTo(JVM.decide("java.lang:type=Threading/ThreadCount").name());
    assertThat(JVM.decide("java.lang:type=Threading/ThreadCount").operands())
        .extracting(o -> o.name() + " " + o.sign()).containsExactly("java.lang:type=Threading/DaemonThreadCount -1");
  }

  @Test
  void undefinedLimitsAreOmittedNeverNegative() {
    JvmMBeans.Read read = JvmMBeans.read(SERVER);
    SiblingAttributes siblings = siblings(read);
    int omitted = 0;
    for (JvmMBeans.Sample s : read.samples()) {
      ViewResult r = JVM.apply(gauge(s), siblings);
      omitted += r.omittedPoints();
      if (r.status() == ViewResult.Status.MAPPED && r.metric().orElseThrow().name().matches(".*(limit|init)")) {
        assertThat(((NumberPoint) r.metric().orElseThrow().points().get(0)).value()).as(s.path()).isNotNegative();
      }
    }
    // this JVM (G1, the test default) has at least the Eden pool's max and the non-heap max undefined
    assertThat(omitted).isPositive();
    assertThat(JVM.decide("java.lang:type=Memory/NonHeapMemoryUsage/max").omits(-1)).isTrue();
  }

  @Test
  void scaledCountersMatchTheirMBeans() {
    JvmMBeans.Read read = JvmMBeans.read(SERVER);
    Map<String, List<Point>> families = apply(read);
    double cpu = value(read, "java.lang:type=OperatingSystem/ProcessCpuTime");
    assertThat(((NumberPoint) families.get("jvm.cpu.time").get(0)).value()).isCloseTo(cpu / 1e9, within(1e-9));
    for (Point p : families.get("jvm.gc.collections.elapsed")) {
      String gc = p.labels().get("jvm.gc.name");
      double ms = value(read, "java.lang:name=" + gc + ",type=GarbageCollector/CollectionTime");
      assertThat(((NumberPoint) p).value()).as(gc).isCloseTo(ms / 1000, within(1e-12));
    }
  }

  @Test
  void memoryTypeWithoutTheTypeAttributeIsUnknownNotDropped() {
    Metric m = new Metric("java.lang:type=MemoryPool,name=Some Pool/Usage/used", "", "", MetricType.GAUGE,
        Temporality.CUMULATIVE, List.of(new NumberPoint(Labels.empty(), 0, 0, 1)));
    ViewResult r = JVM.apply(m, SiblingAttributes.none());
    assertThat(r.status()).isEqualTo(ViewResult.Status.MAPPED);
    assertThat(r.metric().orElseThrow().points().get(0).labels().asMap())
        .containsEntry("jvm.memory.type", "unknown").containsEntry("jvm.memory.pool.name", "Some Pool");
  }

  @Test
  void deprecatedDuplicatesAndPerThreadValuesAreDropped() {
    for (String path : List.of(
        "java.lang:type=OperatingSystem/CpuLoad",
        "java.lang:type=OperatingSystem/FreeMemorySize",
        "java.lang:type=OperatingSystem/TotalMemorySize",
        "java.lang:type=Threading/CurrentThreadCpuTime",
        "java.lang:type=Threading/CurrentThreadUserTime",
        "java.lang:type=Threading/CurrentThreadAllocatedBytes",
        "java.lang:type=Runtime/Pid")) {
      assertThat(JVM.decide(path).drop()).as(path).isTrue();
    }
    assertThat(JVM.decide("java.lang:type=OperatingSystem/SystemCpuLoad").name()).contains("jvm.system.cpu.utilization");
  }

  private static Map<String, List<Point>> apply(JvmMBeans.Read read) {
    SiblingAttributes siblings = siblings(read);
    Map<String, List<Point>> families = new TreeMap<>();
    for (JvmMBeans.Sample s : read.samples()) {
      ViewResult r = JVM.apply(gauge(s), siblings, values(read));
      assertThat(r.status()).as(s.path())
          .isIn(ViewResult.Status.MAPPED, ViewResult.Status.DROPPED, ViewResult.Status.OMITTED);
      r.metric().ifPresent(m -> families.computeIfAbsent(m.name(), k -> new ArrayList<>()).addAll(m.points()));
    }
    return families;
  }

  /** The read's values by canonical path, for views that derive theirs. */
  private static BatchValues values(JvmMBeans.Read read) {
    Map<String, Double> byPath = new HashMap<>();
    read.samples().forEach(s -> byPath.put(ViewSet.canonical(MetricName.parse(s.path()).value()), s.value()));
    return (name, labels) -> byPath.containsKey(name) ? OptionalDouble.of(byPath.get(name)) : OptionalDouble.empty();
  }

  private static double sum(List<Point> points, String memoryType) {
    double s = 0;
    for (Point p : points) {
      if (memoryType.equals(p.labels().get("jvm.memory.type"))) {
        s += ((NumberPoint) p).value();
      }
    }
    return s;
  }

  private static double value(JvmMBeans.Read read, String path) {
    String canonical = canonicalPath(path);
    return read.samples().stream().filter(s -> s.path().equals(canonical)).findFirst()
        .orElseThrow(() -> new AssertionError("no value read for " + path)).value();
  }

  private static String canonicalPath(String path) {
    int slash = path.indexOf('/');
    try {
      return new ObjectName(path.substring(0, slash)).getCanonicalName() + path.substring(slash);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalArgumentException(path, e);
    }
  }
}
