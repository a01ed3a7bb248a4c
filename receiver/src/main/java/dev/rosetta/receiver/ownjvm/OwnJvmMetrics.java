package dev.rosetta.receiver.ownjvm;

import dev.rosetta.model.Labels;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import dev.rosetta.receiver.nativeformat.JolokiaDecoder;
import dev.rosetta.receiver.nativeformat.MalformedBodyException;
import dev.rosetta.receiver.pipeline.InternalLabelsStage;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.pipeline.Pipeline;
import dev.rosetta.receiver.pipeline.ViewsStage;
import dev.rosetta.receiver.store.ReplacingSource;
import dev.rosetta.receiver.store.SeriesStore;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rosetta's own JVM and process metrics: its platform MBeans ({@link
 * ScrapeReceiverConfig#DEFAULT_MBEANS}: memory and pools, collectors, threads, classes, buffer
 * pools, operating system, compilation) read the way a Jolokia agent answers ({@link
 * PlatformMBeans}), decoded by {@link JolokiaDecoder} and mapped by the built-in {@code jvm} views,
 * exactly as a JVM that sends Jolokia bodies is: {@code jvm_memory_used_bytes{jvm_memory_type,
 * jvm_memory_pool_name}}, {@code jvm_gc_duration_seconds}, {@code jvm_thread_count}, ... with the
 * resource {@code service.name=rosetta}, {@code service.instance.id=<pid>@<host>} (so {@code
 * job="rosetta"} on {@code /metrics}).
 *
 * <p>They go into the store directly, as one replacing source: not through the ingest service, so
 * they are not counted as received or accepted points, not in the views' counts, and not forwarded;
 * they do count towards the series budget. Names no {@code jvm} view maps are dropped.
 *
 * <p>{@link #refresh()} runs before each {@code /metrics} render, at most once per {@link
 * #MIN_INTERVAL_MILLIS}, so the first scrape of a fresh service already has them. Thread-safe.
 */
public final class OwnJvmMetrics {
  private static final Logger LOG = Logger.getLogger(OwnJvmMetrics.class.getName());
  /** Reads closer together than this reuse the last one. */
  public static final long MIN_INTERVAL_MILLIS = 1000;

  private final SeriesStore store;
  private final PlatformMBeans mbeans;
  private final MetricStage pipeline;
  private final Map<String, String> resource;
  private final ReplacingSource source;
  private final LongSupplier clockMillis;
  private long lastMillis = Long.MIN_VALUE;
  private boolean loggedFailure;

  OwnJvmMetrics(SeriesStore store, PlatformMBeans mbeans, ViewSet jvmViews, String instance, LongSupplier clockMillis) {
    this.store = Objects.requireNonNull(store, "store");
    this.mbeans = Objects.requireNonNull(mbeans, "mbeans");
    this.pipeline = new Pipeline(List.of(
        new ViewsStage(jvmViews, ViewsStage.Unmatched.DROP, (outcome, n) -> { }),
        new InternalLabelsStage()));
    this.resource = Map.of("service.name", "rosetta", "service.instance.id", instance);
    this.source = new ReplacingSource(Labels.of("__rosetta_own__", "jvm"), "Rosetta's own JVM metrics");
    this.clockMillis = clockMillis;
  }

  /** For this JVM, writing to {@code store}. */
  public static OwnJvmMetrics forThisJvm(SeriesStore store) {
    ViewSet views;
    try {
      views = ViewSet.builder().builtins(List.of("jvm")).build();
    } catch (ViewLoadException e) {
      throw new IllegalStateException("the built-in jvm views do not load", e);
    }
    return new OwnJvmMetrics(store, PlatformMBeans.platform(), views,
        ManagementFactory.getRuntimeMXBean().getName(), System::currentTimeMillis);
  }

  /** Reads the MBeans and replaces the series in the store, unless the last read is recent. */
  public synchronized void refresh() {
    long now = clockMillis.getAsLong();
    if (lastMillis != Long.MIN_VALUE && now - lastMillis < MIN_INTERVAL_MILLIS && now >= lastMillis) {
      return;
    }
    lastMillis = now;
    try {
      MetricBatch batch = read(now);
      SeriesStore.ApplyResult r = store.apply(batch, source);
      if (r.refused() > 0 && !loggedFailure) {
        loggedFailure = true;
        LOG.warning("Rosetta's own JVM metrics: " + r.message() + " (logged once)");
      }
    } catch (MalformedBodyException | RuntimeException e) {
      if (!loggedFailure) {
        loggedFailure = true;
        LOG.log(Level.WARNING, "reading Rosetta's own JVM metrics failed (logged once)", e);
      }
    }
  }

  /** The mapped batch of one read, ready for the store. */
  MetricBatch read(long nowMillis) throws MalformedBodyException {
    String body = mbeans.read(ScrapeReceiverConfig.DEFAULT_MBEANS, nowMillis).toString();
    MetricBatch raw = JolokiaDecoder.decode(body, resource, TimeUnit.MILLISECONDS.toNanos(nowMillis)).batch();
    return pipeline.process(raw);
  }
}
