package dev.rosetta.receiver;

import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.auth.Security;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.exposition.ExpositionHttpHandlers;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.forward.ForwardFanOut;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.scrape.ScrapeManager;
import dev.rosetta.receiver.server.GrpcReceiver;
import dev.rosetta.receiver.server.NettyHttpServer;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.store.SeriesBudget;
import dev.rosetta.receiver.server.Route;
import dev.rosetta.receiver.status.StatusHtml;
import dev.rosetta.receiver.status.StatusReport;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The running service: listeners, memory limiter, ingest lanes, store expiry and forwarder, started
 * and stopped as one.
 *
 * <p>{@link #start()} starts the parts in order (the watch on credential files, memory limiter,
 * exposition, forwarder, gRPC, HTTP, scraping) and, if one fails, stops those already started before
 * rethrowing: nothing is left half-started. {@link #stop()} stops scraping, refuses new data, closes
 * the listeners, lets the ingest lanes finish the requests in hand, drains the forward queue within
 * the configured shutdown timeout, closes the exposition and, last, the credential watch and password
 * checks. Stop is idempotent and safe before start.
 *
 * <p>Every thread the service starts comes from its {@link ServiceHealth} ({@link
 * Components#health()}); the periodic expiry runs guarded, so a failure there makes {@code /healthz}
 * fail.
 */
public final class RosettaService implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RosettaService.class.getName());

  private final Components c;
  private final Deque<Runnable> stopActions = new ArrayDeque<>();
  private ScheduledExecutorService sweeper;
  private ConfigReloader reloader;
  private volatile boolean started;
  private boolean stopped;

  /** The parts, built by the wiring ({@code RosettaModule}) or by tests with {@code new}. */
  public record Components(
      NettyHttpServer exposition,
      Optional<GrpcReceiver> grpc,
      Optional<NettyHttpServer> http,
      Optional<ForwardFanOut> forwarder,
      IngestService ingest,
      SeriesStore store,
      Duration shutdownTimeout,
      SelfMetrics metrics,
      CollectorRegistry registry,
      ServiceHealth health,
      Admission admission,
      ExecutorService expositionExecutor,
      Security security,
      Optional<ScrapeManager> scrape,
      List<NettyHttpServer> healthChecks,
      Optional<StatusReport> status) {
    public Components {
      healthChecks = List.copyOf(healthChecks);
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(scrape, "scrape");
      Objects.requireNonNull(health, "health");
      Objects.requireNonNull(admission, "admission");
      Objects.requireNonNull(expositionExecutor, "expositionExecutor");
      Objects.requireNonNull(security, "security");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(exposition, "exposition");
      Objects.requireNonNull(grpc, "grpc");
      Objects.requireNonNull(http, "http");
      Objects.requireNonNull(forwarder, "forwarder");
      Objects.requireNonNull(ingest, "ingest");
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }
  }

  public RosettaService(Components components) {
    this.c = Objects.requireNonNull(components, "components");
  }

  public synchronized void start() throws IOException {
    if (started || stopped) {
      return;
    }
    try {
      c.security().start();
      stopActions.push(c.security()::close);
      c.admission().limiter().start();
      stopActions.push(c.admission().limiter()::close);
      stopActions.push(() -> shutdown(c.expositionExecutor()));
      c.exposition().start();
      stopActions.push(c.exposition()::stop);
      for (NettyHttpServer h : c.healthChecks()) {
        h.start();
        stopActions.push(h::stop);
      }
      if (c.forwarder().isPresent()) {
        ForwardFanOut f = c.forwarder().get();
        f.start(); // opens the queues: a file queue recovers what an earlier run left
        stopActions.push(() -> f.shutdown(c.shutdownTimeout()));
      }
      // after the listeners close, the requests in hand finish before the forward queue drains
      stopActions.push(() -> c.admission().executor().shutdown(INGEST_DRAIN));
      if (c.grpc().isPresent()) {
        c.grpc().get().start();
        stopActions.push(() -> c.grpc().get().stop(Duration.ofSeconds(5)));
      }
      if (c.http().isPresent()) {
        c.http().get().start();
        stopActions.push(c.http().get()::stop);
      }
      if (c.scrape().isPresent()) {
        // scraping starts last and stops first: it feeds the pipeline the listeners also feed
        c.scrape().get().start();
        stopActions.push(c.scrape().get()::close);
      }
    } catch (IOException | RuntimeException e) {
      runStopActions();
      stopped = true;
      throw e;
    }
    Duration exp = c.store().settings().expiration();
    long period = Math.max(1000, Math.min(15_000, exp.toMillis() / 10));
    sweeper = Executors.newSingleThreadScheduledExecutor(c.health().threadFactory("rosetta-expiry"));
    sweeper.scheduleAtFixedRate(c.health().guard("series expiry", this::expire), period, period,
        TimeUnit.MILLISECONDS);
    started = true;
  }

  /** How long the ingest lanes may take, on stop, for the requests in hand. */
  static final Duration INGEST_DRAIN = Duration.ofSeconds(5);

  private static void shutdown(ExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One expiry pass; a failure is fatal (the guard reports it and the service turns unhealthy). */
  private void expire() {
    int n = c.store().expire();
    if (n > 0) {
      LOG.fine("expired " + n + " series");
    }
  }

  /** The service's health: {@code /healthz} answers from it. */
  public ServiceHealth health() {
    return c.health();
  }

  /** True while every configured listener is up. */
  public boolean isReady() {
    return started
        && !stopped
        && c.exposition().isRunning()
        && c.grpc().map(GrpcReceiver::isRunning).orElse(true)
        && c.http().map(NettyHttpServer::isRunning).orElse(true);
  }

  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    c.ingest().stopAccepting();
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    if (reloader != null) {
      reloader.close();
    }
    if (stopActions.isEmpty()) {
      // never started: the executors hold no threads yet, but refuse work from now on
      c.admission().executor().shutdown(Duration.ZERO);
      c.expositionExecutor().shutdownNow();
    }
    runStopActions();
    LOG.info("stopped");
  }

  private void runStopActions() {
    while (!stopActions.isEmpty()) {
      try {
        stopActions.pop().run();
      } catch (RuntimeException e) {
        LOG.log(java.util.logging.Level.WARNING, "error while stopping", e);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Puts a configuration's reloadable parts in force: the pipeline (views and relabel rules, built
   * beforehand), the aggregation rules, the series and label limits and the log level.
   */
  public void applyConfig(RosettaConfig config, MetricStage pipeline) {
    c.ingest().swapPipeline(pipeline);
    c.admission().limiter().configure(config.processors().memoryLimiter());
    c.store().setLimits(SeriesBudget.resolve(config.limits().maxSeries()), config.limits().maxSeriesPerFamily());
    c.store().setAggregation(AggregationRules.of(config.aggregate()));
    c.ingest().setLabelLimits(PipelineFactory.labelLimits(config.limits()));
    c.status().ifPresent(s -> s.config(config));
    Logging.setLevel(Logging.level(config.service().logLevel()));
  }

  /**
   * Watches {@code file} (and the files it names) and reloads on change, checked every
   * {@code interval}; {@link ConfigReloader#reload()} reloads at once (SIGHUP).
   */
  public synchronized ConfigReloader watchConfig(Path file, Map<String, String> env, RosettaConfig initial,
      Duration interval) {
    if (reloader == null) {
      reloader = new ConfigReloader(file, env, initial, cfg -> PipelineFactory.pipeline(cfg, c.metrics()),
          this::applyConfig, PipelineFactory::watchedFiles, c.registry(), c.health());
      reloader.start(interval);
    }
    return reloader;
  }

  public Components components() {
    return c;
  }

  public Optional<InetSocketAddress> grpcAddress() {
    return c.grpc().map(GrpcReceiver::boundAddress);
  }

  public Optional<InetSocketAddress> httpAddress() {
    return c.http().map(NettyHttpServer::boundAddress);
  }

  public InetSocketAddress metricsAddress() {
    return c.exposition().boundAddress();
  }

  /** The {@code health_check} listeners, in {@code service.extensions} order. */
  public List<InetSocketAddress> healthCheckAddresses() {
    return c.healthChecks().stream().map(NettyHttpServer::boundAddress).toList();
  }

  /**
   * Routes of the exposition port: {@code /metrics} renders on the exposition threads and streams
   * ({@code beforeMetrics} runs there first); {@code /status}, when on, is built and rendered on
   * the exposition threads too; {@code /healthz} and {@code /readyz} answer on the event loop.
   */
  static Map<String, Route> expositionRoutes(ScrapeHandler scrape, java.util.function.BooleanSupplier ready,
      ServiceHealth health, Executor expositionExecutor, Duration writeTimeout,
      ExpositionHttpHandlers.ScrapeFailures failures, Runnable beforeMetrics, Optional<StatusReport> status) {
    Map<String, Route> routes = new java.util.LinkedHashMap<>();
    routes.put("/metrics", Route.onExecutor(expositionExecutor,
        ExpositionHttpHandlers.metrics(scrape, writeTimeout, failures, beforeMetrics)));
    status.ifPresent(s -> routes.put("/status", Route.onExecutor(expositionExecutor,
        ExpositionHttpHandlers.status(() -> StatusHtml.render(s.page())))));
    routes.put("/healthz", Route.inline(ExpositionHttpHandlers.healthz(health)));
    routes.put("/readyz", Route.inline(ExpositionHttpHandlers.readyz(ready)));
    return routes;
  }
}
