package dev.rosetta.receiver.scrape;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import dev.rosetta.receiver.discovery.Discoverer;
import dev.rosetta.receiver.discovery.FileDiscoverer;
import dev.rosetta.receiver.discovery.KubernetesDiscoverer;
import dev.rosetta.receiver.discovery.StaticDiscoverer;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.pipeline.IngestService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs the scrape receivers of a service: one {@link ScrapePool} per job, the discoverers that feed
 * them, and the threads they share.
 *
 * <p>Threads (all from {@link ServiceHealth#threadFactory}): {@code rosetta-scrape-timer} (one
 * scheduler thread: scrape ticks, target syncs; never blocks), {@code rosetta-scrape-io-N} (the HTTP
 * client's event loops: connect, TLS, read bodies; I/O only), {@code rosetta-scrape-N} (workers, as
 * many as cores by default: build requests, parse bodies, run the pipeline and store; the only ones
 * that do CPU work, so they bound scraping's share of the machine), {@code rosetta-discovery} (file
 * polling) and {@code rosetta-k8s-N} (Kubernetes informer callbacks). A worker's queue holds at most
 * one task per target (a target's scrapes never overlap), so it is bounded by the number of targets.
 *
 * <p>Start and stop are idempotent; stop removes every target's series from the store.
 */
public final class ScrapeManager implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ScrapeManager.class.getName());

  /** Tuning that is not part of the configuration file. */
  public record Settings(int workers, int ioThreads, Duration filePollInterval, long seed) {
    public static Settings defaults() {
      int cores = java.lang.Runtime.getRuntime().availableProcessors();
      return new Settings(Math.max(2, cores), Math.min(2, Math.max(1, cores / 2)), Duration.ofSeconds(1), 0);
    }
  }

  /** What the pools and loops share. */
  record Runtime(ScrapeHttpClient client, ExecutorService workers, ScheduledExecutorService scheduler,
      IngestService ingest, ScrapeMetrics metrics, ServiceHealth health, long seed) {}

  private final List<ScrapeReceiverConfig> receivers;
  private final IngestService ingest;
  private final ScrapeMetrics metrics;
  private final ServiceHealth health;
  private final Settings settings;
  private final KubernetesDiscoverer.ClientFactory kubernetes;
  private final List<ScrapePool> pools = new ArrayList<>();
  private ScrapeHttpClient client;
  private ThreadPoolExecutor workers;
  private ScheduledThreadPoolExecutor scheduler;
  private ScheduledThreadPoolExecutor discovery;
  private ExecutorService kubernetesExecutor;
  private boolean started;
  private boolean stopped;

  public ScrapeManager(List<ScrapeReceiverConfig> receivers, IngestService ingest, ScrapeMetrics metrics,
      ServiceHealth health, Settings settings, KubernetesDiscoverer.ClientFactory kubernetes) {
    this.receivers = List.copyOf(receivers);
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.health = Objects.requireNonNull(health, "health");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.kubernetes = Objects.requireNonNull(kubernetes, "kubernetes");
  }

  /** Whether there is anything to scrape. */
  public boolean isEmpty() {
    return receivers.isEmpty();
  }

  public synchronized void start() {
    if (started || stopped || receivers.isEmpty()) {
      return;
    }
    started = true;
    client = new ScrapeHttpClient(health.threadFactory("rosetta-scrape-io"), settings.ioThreads());
    workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), health.threadFactory("rosetta-scrape"));
    scheduler = new ScheduledThreadPoolExecutor(1, health.threadFactory("rosetta-scrape-timer"));
    scheduler.setRemoveOnCancelPolicy(true);
    discovery = new ScheduledThreadPoolExecutor(1, health.threadFactory("rosetta-discovery"));
    kubernetesExecutor = java.util.concurrent.Executors.newCachedThreadPool(health.threadFactory("rosetta-k8s"));
    Runtime rt = new Runtime(client, workers, scheduler, ingest, metrics, health, settings.seed());
    for (ScrapeReceiverConfig r : receivers) {
      byte[] read = r.kind() == ScrapeReceiverConfig.Kind.JOLOKIA ? jolokiaRead(r.mbeans()) : null;
      for (ScrapeReceiverConfig.Job j : r.jobs()) {
        ScrapeJob job = new ScrapeJob(r.id().toString(), r.kind(), j, read);
        pools.add(new ScrapePool(job, discoverers(r.id().toString(), j), rt));
      }
    }
    for (ScrapePool p : pools) {
      p.start();
    }
    LOG.info("scraping " + pools.size() + " job(s) of " + receivers.size() + " receiver(s)");
  }

  private List<Discoverer> discoverers(String receiver, ScrapeReceiverConfig.Job j) {
    List<Discoverer> out = new ArrayList<>();
    if (!j.staticConfigs().isEmpty()) {
      List<Map.Entry<List<String>, Map<String, String>>> entries = new ArrayList<>();
      for (ScrapeReceiverConfig.StaticTargets s : j.staticConfigs()) {
        entries.add(new AbstractMap.SimpleImmutableEntry<>(s.targets(), s.labels()));
      }
      out.add(new StaticDiscoverer(entries));
    }
    for (ScrapeReceiverConfig.FileSd f : j.fileSdConfigs()) {
      out.add(new FileDiscoverer(f.files(), f.refreshInterval(), settings.filePollInterval(), discovery,
          () -> metrics.discoveryErrors.labels(receiver, "file").inc()));
    }
    for (ScrapeReceiverConfig.KubernetesSd k : j.kubernetesSdConfigs()) {
      out.add(new KubernetesDiscoverer(k, kubernetes, kubernetesExecutor,
          () -> metrics.discoveryErrors.labels(receiver, "kubernetes").inc()));
    }
    return out;
  }

  /** The bulk read a Jolokia target is sent: one read request per MBean entry. */
  static byte[] jolokiaRead(List<ScrapeReceiverConfig.JolokiaRead> reads) {
    JsonArray a = new JsonArray();
    for (ScrapeReceiverConfig.JolokiaRead r : reads) {
      JsonObject o = new JsonObject();
      o.addProperty("type", "read");
      o.addProperty("mbean", r.mbean());
      if (r.attributes().size() == 1) {
        o.addProperty("attribute", r.attributes().get(0));
      } else if (!r.attributes().isEmpty()) {
        JsonArray attrs = new JsonArray();
        r.attributes().forEach(attrs::add);
        o.add("attribute", attrs);
      }
      r.path().ifPresent(p -> o.addProperty("path", p));
      a.add(o);
    }
    return a.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Stops every job; their series leave the store. Idempotent, safe before start. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    for (ScrapePool p : pools) {
      p.stop();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      discovery.shutdownNow();
      kubernetesExecutor.shutdownNow();
      workers.shutdown();
      try {
        workers.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workers.shutdownNow();
      client.close();
    }
  }

  /** The scrape receivers' own metrics. */
  public ScrapeMetrics metrics() {
    return metrics;
  }

  /** The active targets of a job, for tests. */
  public List<ScrapeTarget> targets(String job) {
    synchronized (this) {
      for (ScrapePool p : pools) {
        if (p.jobName().equals(job)) {
          return p.targets();
        }
      }
    }
    return List.of();
  }

  /**
   * A target's last scrape: when it started, how long it took, whether it succeeded ({@code up})
   * and, when not, why ({@code reason: message}).
   */
  public record LastScrape(long startMillis, double durationSeconds, boolean up, String error) {}

  /** A target as the status page shows it; {@code last} is null before its first scrape. */
  public record TargetStatus(String receiver, String job, ScrapeTarget target, LastScrape last) {}

  /** Targets known now. */
  public synchronized int targetCount() {
    int n = 0;
    for (ScrapePool p : pools) {
      n += p.targets().size();
    }
    return n;
  }

  /**
   * At most {@code limit} targets, those down first (a failing target is what the status page is
   * read for), then by job and URL.
   */
  public List<TargetStatus> status(int limit) {
    List<TargetStatus> out = new ArrayList<>();
    List<ScrapePool> all;
    synchronized (this) {
      all = new ArrayList<>(pools);
    }
    for (ScrapePool p : all) {
      for (ScrapeLoop l : p.loops()) {
        out.add(new TargetStatus(l.receiver(), l.jobName(), l.target(), l.last()));
      }
    }
    out.sort(java.util.Comparator.comparing((TargetStatus t) -> t.last() == null || t.last().up())
        .thenComparing(TargetStatus::job).thenComparing(t -> t.target().url().toString()));
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /** Scrapes every target of every job now (tests and the benchmark). */
  public synchronized void scrapeAllNow() {
    for (ScrapePool p : pools) {
      p.scrapeAllNow();
    }
  }
}
