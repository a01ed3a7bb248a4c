package dev.rosetta.receiver.forward;

import dev.rosetta.model.MetricBatch;
import dev.rosetta.receiver.config.FileStorageConfig;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.otlp.OtlpEncoder;
import dev.rosetta.receiver.pipeline.ForwardTarget;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The service's forwarding: every request goes to all OTLP exporters ({@code otlp}, {@code otlp/a},
 * {@code otlp/b}), each with its own queue, or to none.
 *
 * <p>{@link #offer} reserves the request in every exporter's queue, in configuration order, and
 * commits it in all of them only when every one took it. When one refuses (its queue is full, its
 * disk is full, it is stopping), the reservations already made are aborted and the request is
 * refused: the receiver answers 503 / {@code UNAVAILABLE}, nothing of it was applied anywhere, and
 * the sender's retry cannot deliver it twice to the exporters that had room. So one slow downstream
 * holds back the others once its queue is full: that is the price of never delivering to some
 * downstreams what the sender was told was not accepted. (The Collector's fan-out instead hands the
 * data to each exporter in turn and reports the first error, so a retry duplicates it at the
 * others.) Give the exporters that must not hold each other back queues large enough to ride out
 * their downstream's outages, or a file queue.
 *
 * <h2>Lifecycle and threads</h2>
 *
 * <p>Built without side effects; {@link #start()} opens the queues (a file queue recovers what an
 * earlier run left) and starts each exporter's threads, {@link #shutdown} stops the exporters in
 * parallel, one short-lived thread each ({@code rosetta-exporter-<id>-stop}). Thread-safe; {@link
 * #offer} runs on ingest threads (and on an event loop when no exporter has a file queue, {@link
 * #mayWait}) and waits at most as long as the exporters' reservations do (a file queue's write and
 * sync). Before {@code start} and after {@code shutdown} every offer is refused.
 */
public final class ForwardFanOut implements ForwardTarget {
  private final List<OtlpExporterConfig> configs;
  /** Empty for forwarding built from running exporters. */
  private final Optional<ExporterMetrics> metrics;
  private final ServiceHealth health;
  private volatile List<OtlpExporter> exporters = List.of();

  /** Forwarding to the exporters {@code configs} describe, once {@link #start() started}. */
  public ForwardFanOut(List<OtlpExporterConfig> configs, ExporterMetrics metrics, ServiceHealth health) {
    this(configs, Optional.of(Objects.requireNonNull(metrics, "metrics")), health);
  }

  private ForwardFanOut(List<OtlpExporterConfig> configs, Optional<ExporterMetrics> metrics, ServiceHealth health) {
    this.configs = List.copyOf(Objects.requireNonNull(configs, "configs"));
    this.metrics = metrics;
    this.health = Objects.requireNonNull(health, "health");
    if (this.configs.isEmpty()) {
      throw new IllegalArgumentException("no exporters");
    }
  }

  /** Forwarding to exporters already running, which it shuts down in {@link #shutdown}. */
  public static ForwardFanOut of(List<OtlpExporter> running, ServiceHealth health) {
    ForwardFanOut f = new ForwardFanOut(running.stream().map(OtlpExporter::config).toList(), Optional.empty(),
        health);
    f.exporters = List.copyOf(running);
    return f;
  }

  /**
   * Opens every exporter's queue and starts its threads, in configuration order; on failure, those
   * already started are shut down again. Idempotent.
   *
   * @throws IOException when a file queue cannot be opened (the message names the directory)
   */
  public synchronized void start() throws IOException {
    if (!exporters.isEmpty() || metrics.isEmpty()) {
      return;
    }
    List<OtlpExporter> started = new ArrayList<>();
    try {
      for (OtlpExporterConfig c : configs) {
        started.add(OtlpExporter.create(c, metrics.get(), health));
      }
    } catch (IOException | RuntimeException | Error e) {
      for (OtlpExporter x : started) {
        x.shutdown(Duration.ZERO);
      }
      throw e;
    }
    exporters = List.copyOf(started);
    reportUnusedQueues();
  }

  private void reportUnusedQueues() {
    Map<Path, Set<String>> used = new HashMap<>();
    for (OtlpExporterConfig c : configs) {
      Optional<FileStorageConfig> s = c.sendingQueue().storage();
      s.ifPresent(st -> used.computeIfAbsent(st.directory(), d -> new HashSet<>())
          .add(FileQueue.directoryName(c.id())));
    }
    used.forEach(FileQueue::reportUnused);
  }

  /** The running exporters, in configuration order (empty before start and after shutdown). */
  public List<OtlpExporter> exporters() {
    return exporters;
  }

  /** True when an exporter's sending queue is a file queue ({@code sending_queue.storage}). */
  @Override
  public boolean mayWait() {
    for (OtlpExporterConfig c : configs) {
      if (c.sendingQueue().storage().isPresent()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean offer(MetricBatch batch, Object original, int points) {
    return offer(OtlpEncoder.encode(batch, original), points);
  }

  /** Offers an encoded request to every exporter, all or none; see {@link #offer(MetricBatch, Object, int)}. */
  public boolean offer(ExportMetricsServiceRequest request, int points) {
    List<OtlpExporter> all = exporters;
    if (all.isEmpty()) {
      return false;
    }
    if (all.size() == 1) {
      return all.get(0).offer(request, points);
    }
    List<OtlpExporter.Reservation> taken = new ArrayList<>(all.size());
    for (OtlpExporter e : all) {
      Optional<OtlpExporter.Reservation> r;
      try {
        r = e.reserve(request, points);
      } catch (RuntimeException | Error failure) {
        taken.forEach(OtlpExporter.Reservation::abort);
        throw failure;
      }
      if (r.isEmpty()) {
        taken.forEach(OtlpExporter.Reservation::abort);
        return false;
      }
      taken.add(r.get());
    }
    taken.forEach(OtlpExporter.Reservation::commit);
    return true;
  }

  /** Shuts every exporter down, in parallel, each within {@code deadline}. */
  public void shutdown(Duration deadline) {
    List<OtlpExporter> all = exporters;
    List<Thread> stoppers = new ArrayList<>();
    for (OtlpExporter e : all) {
      Thread t = health.newThread("rosetta-exporter-" + e.config().id() + "-stop", () -> e.shutdown(deadline));
      t.start();
      stoppers.add(t);
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
