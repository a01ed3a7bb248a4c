package dev.rosetta.receiver.ownjvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.exposition.StoreCollector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OwnJvmMetricsTest {
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  final SeriesStore store = new SeriesStore(new SeriesStore.Settings(Duration.ofMinutes(5), true, false, 0, 0),
      clock::get, n -> n.startsWith("rosetta_"));
  final OwnJvmMetrics own;

  OwnJvmMetricsTest() throws Exception {
    own = new OwnJvmMetrics(store, PlatformMBeans.platform(), ViewSet.builder().builtins(List.of("jvm")).build(),
        "42@host", clock::get);
  }

  String scrape() throws Exception {
    CollectorRegistry registry = new CollectorRegistry(true);
    registry.register(new StoreCollector(store));
    StringWriter w = new StringWriter();
    TextFormat.write004(w, registry.metricFamilySamples());
    return w.toString();
  }

  @Test
  void thePlatformMBeansMapToTheJvmFamilies() throws Exception {
    MetricBatch batch = own.read(clock.get());
    Set<String> names = new TreeSet<>();
    batch.resources().forEach(r -> r.scopes().forEach(s -> s.metrics().stream().map(Metric::name).forEach(names::add)));
    assertThat(names).contains("jvm.memory.used", "jvm.memory.committed", "jvm.thread.live", "jvm.class.count",
        "jvm.cpu.count");
    // the sibling attributes the views read are gone
    batch.resources().forEach(r -> r.scopes().forEach(s -> s.metrics().forEach(m -> m.points().forEach(
        p -> assertThat(p.labels().toString()).doesNotContain("__attr_")))));

    own.refresh();
    String text = scrape();
    int pools = ManagementFactory.getMemoryPoolMXBeans().size();
    long poolSeries = text.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{")
        && l.contains("jvm_memory_pool_name=")).count();
    assertThat(poolSeries).isEqualTo(pools);
    assertThat(text).contains("job=\"rosetta\"").contains("instance=\"42@host\"")
        .containsPattern("jvm_memory_used_bytes\\{.*jvm_memory_type=\"heap\"")
        .containsPattern("(?m)^jvm_gc_duration_seconds|^jvm_gc_collections_total|^jvm_gc_");
  }

  @Test
  void readsAtMostOnceASecond() throws Exception {
    own.refresh();
    int before = store.seriesCount();
    assertThat(before).isGreaterThan(10);
    long expiredBefore = store.expiredSeries();
    own.refresh(); // within the second: nothing read
    clock.addAndGet(OwnJvmMetrics.MIN_INTERVAL_MILLIS);
    own.refresh();
    assertThat(store.seriesCount()).isBetween(before - 5, before + 5);
    assertThat(store.expiredSeries()).isEqualTo(expiredBefore);
  }
}
