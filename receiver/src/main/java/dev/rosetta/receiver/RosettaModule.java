package dev.rosetta.receiver;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.admission.IngestExecutor;
import dev.rosetta.receiver.admission.MemoryLimiter;
import dev.rosetta.receiver.auth.Authenticator;
import dev.rosetta.receiver.auth.GrpcAuthInterceptor;
import dev.rosetta.receiver.auth.HttpAuth;
import dev.rosetta.receiver.auth.HttpRefusals;
import dev.rosetta.receiver.auth.Security;
import dev.rosetta.receiver.auth.Verdict;
import dev.rosetta.receiver.config.AuthenticatorConfig;
import dev.rosetta.receiver.config.BasicAuthConfig;
import dev.rosetta.receiver.config.BearerTokenAuthConfig;
import dev.rosetta.receiver.config.ComponentId;
import dev.rosetta.receiver.config.Endpoint;
import dev.rosetta.receiver.config.GrpcReceiverConfig;
import dev.rosetta.receiver.config.HttpReceiverConfig;
import dev.rosetta.receiver.config.PrometheusExporterConfig;
import dev.rosetta.receiver.config.HealthCheckConfig;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.Secret;
import dev.rosetta.receiver.config.TlsServerConfig;
import dev.rosetta.receiver.exposition.ExpositionHttpHandlers;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.discovery.KubernetesDiscoverer;
import dev.rosetta.receiver.forward.ExporterMetrics;
import dev.rosetta.receiver.forward.DebugExporter;
import dev.rosetta.receiver.forward.ForwardFanOut;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.nativeformat.NativeHttpHandler;
import dev.rosetta.receiver.otlp.OtlpEncoder;
import dev.rosetta.receiver.ownjvm.OwnJvmMetrics;
import dev.rosetta.receiver.pipeline.ForwardTarget;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import dev.rosetta.receiver.scrape.ScrapeManager;
import dev.rosetta.receiver.scrape.ScrapeMetrics;
import dev.rosetta.receiver.server.GrpcReceiver;
import dev.rosetta.receiver.server.NettyHttpServer;
import dev.rosetta.receiver.server.OtlpHttpHandler;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.store.SeriesBudget;
import dev.rosetta.receiver.server.Route;
import dev.rosetta.receiver.server.ServerMetrics;
import dev.rosetta.receiver.status.StatusReport;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.exposition.StoreCollector;
import dev.rosetta.receiver.exposition.StoreMetrics;
import dev.rosetta.receiver.telemetry.SecurityMetrics;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import dev.rosetta.receiver.tls.ServerTls;
import io.grpc.ServerInterceptor;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.client.CollectorRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Wires the service from a validated {@link RosettaConfig}. Side-effect free: nothing binds a port
 * or starts a thread until {@link RosettaService#start()}.
 */
public final class RosettaModule extends AbstractModule {
  private static final Logger LOG = Logger.getLogger(RosettaModule.class.getName());

  /** Seconds a sender is told to wait when the forward queue is full. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  /** Scrapes rendered at once, and waiting; more are answered 503. */
  static final int EXPOSITION_THREADS = 2;
  static final int EXPOSITION_QUEUE = 16;

  private final RosettaConfig config;

  public RosettaModule(RosettaConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(RosettaConfig.class).toInstance(config);
  }

  /** Late reference to the service, for readiness answered by the exposition port. */
  static final class ServiceRef extends AtomicReference<RosettaService> {
    private static final long serialVersionUID = 1L;

    boolean ready() {
      RosettaService s = get();
      return s != null && s.isReady();
    }
  }

  @Provides
  @Singleton
  ServiceRef serviceRef() {
    return new ServiceRef();
  }

  @Provides
  @Singleton
  CollectorRegistry registry() {
    return new CollectorRegistry(true);
  }

  @Provides
  @Singleton
  MemoryLimiter memoryLimiter(ServiceHealth health, CollectorRegistry registry) {
    return MemoryLimiter.forJvm(config.processors().memoryLimiter(), health).register(registry);
  }

  @Provides
  @Singleton
  IngestExecutor ingestExecutor(ServiceHealth health, CollectorRegistry registry) {
    IngestExecutor executor = new IngestExecutor(IngestExecutor.defaultThreads(), health);
    registry.register(executor.collector());
    return executor;
  }

  @Provides
  @Singleton
  Admission admission(MemoryLimiter limiter, IngestExecutor executor, CollectorRegistry registry) {
    return new Admission(limiter, executor, registry);
  }

  @Provides
  @Singleton
  ServerMetrics serverMetrics(CollectorRegistry registry) {
    return new ServerMetrics(registry);
  }

  /** Threads that render {@code /metrics}, away from the event loops and the ingest lanes. */
  static ThreadPoolExecutor expositionExecutor(ServiceHealth health) {
    return new ThreadPoolExecutor(EXPOSITION_THREADS, EXPOSITION_THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(EXPOSITION_QUEUE), health.threadFactory("rosetta-exposition"));
  }

  /** The one health of this service; every thread it starts reports to it. */
  @Provides
  @Singleton
  ServiceHealth health() {
    return new ServiceHealth();
  }

  @Provides
  @Singleton
  SelfMetrics selfMetrics(CollectorRegistry registry) {
    return new SelfMetrics(registry);
  }

  @Provides
  @Singleton
  Security security(ServiceHealth health, CollectorRegistry registry) {
    return new Security(health, new SecurityMetrics(registry), Security.POLL_INTERVAL);
  }

  @Provides
  @Singleton
  SeriesStore store(CollectorRegistry registry) {
    PrometheusExporterConfig p = config.exporters().prometheus();
    SeriesStore store = new SeriesStore(
        new SeriesStore.Settings(p.metricExpiration(), p.addMetricSuffixes(), p.resourceToTelemetryConversion(),
            SeriesBudget.resolve(config.limits().maxSeries()), config.limits().maxSeriesPerFamily()),
        System::currentTimeMillis,
        name -> name.startsWith("rosetta_") || name.equals("target_info"));
    store.setAggregation(AggregationRules.of(config.aggregate()));
    registry.register(new StoreMetrics(store));
    return store;
  }

  /**
   * Whether {@code /metrics} shows the pipeline's series: without {@code service.pipelines}, or when
   * the pipeline lists the {@code prometheus} exporter. (The endpoint always runs, for Rosetta's own
   * metrics and the probes.)
   */
  static boolean exposesSeries(RosettaConfig config) {
    return config.pipeline().id().isEmpty() || config.pipeline().exporters().contains(ComponentId.of("prometheus"));
  }

  /** The OTLP exporters, built without side effects; {@link RosettaService#start()} starts them. */
  @Provides
  @Singleton
  Optional<ForwardFanOut> forwarder(CollectorRegistry registry, ServiceHealth health) {
    if (config.exporters().otlpExporters().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ForwardFanOut(config.exporters().otlpExporters(), new ExporterMetrics(registry), health));
  }

  @Provides
  @Singleton
  IngestService ingest(SeriesStore store, Optional<ForwardFanOut> forwarder, SelfMetrics metrics)
      throws ViewLoadException {
    IngestService ingest = new IngestService(PipelineFactory.pipeline(config, metrics), store, forwardTarget(forwarder, config),
        metrics, RETRY_AFTER);
    ingest.setLabelLimits(PipelineFactory.labelLimits(config.limits()));
    return ingest;
  }

  /**
   * The OTLP exporters (all or none take a request), then the debug exporters, which write what was
   * taken to the log and never refuse.
   */
  static Optional<ForwardTarget> forwardTarget(Optional<ForwardFanOut> forwarder, RosettaConfig config) {
    List<DebugExporter> debug = config.exporters().debug().stream().map(DebugExporter::new).toList();
    if (debug.isEmpty()) {
      return forwarder.map(f -> f);
    }
    return Optional.of((batch, original, points) -> {
      ExportMetricsServiceRequest request = OtlpEncoder.encode(batch, original);
      if (forwarder.isPresent() && !forwarder.get().offer(request, points)) {
        return false;
      }
      debug.forEach(d -> d.export(request, points));
      return true;
    });
  }

  @Provides
  @Singleton
  ScrapeHandler scrapeHandler(CollectorRegistry registry, SeriesStore store) {
    PrometheusExporterConfig.Exposition exposition = config.exporters().prometheus().exposition();
    return new ScrapeHandler(registry, exposesSeries(config) ? new StoreCollector(store, exposition) : null,
        exposition.enableOpenMetrics());
  }

  @Provides
  @Singleton
  RosettaService service(IngestService ingest, SeriesStore store, Optional<ForwardFanOut> forwarder,
      ScrapeHandler scrape, ServiceRef ref, SelfMetrics metrics, CollectorRegistry registry, ServiceHealth health,
      Admission admission, ServerMetrics serverMetrics, Security security) {
    Map<ComponentId, Authenticator> authenticators = authenticators(config, security);
    PrometheusExporterConfig p = config.exporters().prometheus();
    warnIfCleartext("exporters.prometheus", p.endpoint(), p.auth(), p.tls().isPresent());
    // With client_ca_file, the handshake takes connections without certificate and the probes
    // (/healthz, /readyz) stay reachable; every other path needs a verified certificate.
    boolean clientCertificate = p.tls().flatMap(TlsServerConfig::clientCaFile).isPresent();
    Optional<ServerTls> expositionTls = p.tls().map(t -> t.clientCaFile().isPresent()
        ? security.tlsWithOptionalClientCertificate("exposition", t.certFile(), t.keyFile(), t.clientCaFile().get())
        : security.tls("exposition", t.certFile(), t.keyFile(), Optional.empty(), false));
    Optional<HttpAuth> expositionAuth = p.auth().isEmpty() && !clientCertificate ? Optional.empty()
        : Optional.of(new HttpAuth(p.auth().map(a -> authenticators.get(a.id())), clientCertificate,
            path -> path.equals("/healthz") || path.equals("/readyz"), HttpRefusals.text(),
            (req, verdict) -> security.metrics().authFailure("exposition", verdict.reason)));
    ThreadPoolExecutor scrapes = expositionExecutor(health);
    ExpositionHttpHandlers.ScrapeFailures failures = new ExpositionHttpHandlers.ScrapeFailures(registry);
    Optional<ScrapeManager> scraping = config.receivers().scrape().isEmpty() ? Optional.empty()
        : Optional.of(new ScrapeManager(config.receivers().scrape(), ingest, new ScrapeMetrics(registry), health,
            ScrapeManager.Settings.defaults(), KubernetesDiscoverer.defaultFactory()));
    Optional<StatusReport> status = !p.statusPage() ? Optional.empty()
        : Optional.of(new StatusReport(config, new StatusReport.Parts(StatusReport.version(),
            ManagementFactory.getRuntimeMXBean().getStartTime(), metrics, store, ingest, forwarder, scraping),
            System::currentTimeMillis));
    Runnable beforeMetrics = () -> { };
    if (config.service().ownJvmMetrics()) {
      // read once now, so that the service's own series hold their places in the store (and in its
      // series budget) before any traffic; then before each render of /metrics
      OwnJvmMetrics own = OwnJvmMetrics.forThisJvm(store);
      own.refresh();
      beforeMetrics = own::refresh;
    }
    NettyHttpServer.Builder exposition = NettyHttpServer.builder("exposition", p.endpoint().toSocketAddress())
        .routes(RosettaService.expositionRoutes(scrape, ref::ready, health, scrapes, p.server().writeTimeout(),
            failures, beforeMetrics, status))
        .notFound(Route.inline(ExpositionHttpHandlers.notFound()))
        .maxBodyBytes(64 * 1024)
        .workerThreads(1)
        .tls(expositionTls)
        .settings(p.server())
        .health(health)
        .metrics(serverMetrics);
    expositionAuth.ifPresent(a -> exposition.beforeAdmission(HttpAuth.HANDLER_NAME, a::newHandler));
    Optional<GrpcReceiver> grpc = config.receivers().otlp().grpc()
        .map(g -> grpcReceiver(g, ingest, admission, health, serverMetrics, metrics, security, authenticators));
    Optional<NettyHttpServer> http = config.receivers().otlp().http()
        .map(h -> httpReceiver(h, ingest, admission, health, serverMetrics, metrics, security, authenticators));
    for (String unused : config.pipeline().unused()) {
      LOG.warning(unused + " is declared but pipeline " + config.pipeline().id().orElse("metrics")
          + " does not list it: it is not started");
    }
    List<NettyHttpServer> healthChecks = config.extensions().enabled(HealthCheckConfig.class).stream()
        .map(h -> healthCheck(h, health, serverMetrics)).toList();
    RosettaService service = new RosettaService(new RosettaService.Components(exposition.build(), grpc, http,
        forwarder, ingest, store, config.service().shutdownTimeout(), metrics, registry, health, admission, scrapes,
        security, scraping, healthChecks, status));
    ref.set(service);
    return service;
  }

  /**
   * The authenticators of the extensions in force, by id; their files are read now.
   *
   * @throws IllegalStateException naming a file that cannot be used
   */
  static Map<ComponentId, Authenticator> authenticators(RosettaConfig config, Security security) {
    Map<ComponentId, Authenticator> out = new LinkedHashMap<>();
    for (AuthenticatorConfig a : config.extensions().enabled(AuthenticatorConfig.class)) {
      String id = a.id().toString();
      if (a instanceof BearerTokenAuthConfig b) {
        out.put(a.id(), security.bearerToken(id, b.header(), b.scheme(),
            b.tokens().stream().map(Secret::reveal).toList(), b.filename()));
      } else if (a instanceof BasicAuthConfig b) {
        out.put(a.id(), security.basic(id, b.htpasswdFile(), b.htpasswdInline().map(Secret::reveal)));
      }
    }
    return out;
  }

  /** The {@code outcome} a refused request is counted under in {@code rosetta_receiver_requests_total}. */
  private static String outcome(Verdict verdict) {
    return verdict == Verdict.BUSY ? IngestStatus.OVERLOADED.outcome : IngestStatus.UNAUTHENTICATED.outcome;
  }

  /** Credentials sent in clear text over the network deserve a warning; on loopback they stay on the host. */
  private static void warnIfCleartext(String where, Endpoint endpoint, Optional<AuthenticatorConfig> auth, boolean tls) {
    if (auth.isEmpty() || tls) {
      return;
    }
    try {
      if (InetAddress.getByName(endpoint.host()).isLoopbackAddress()) {
        return;
      }
    } catch (UnknownHostException e) {
      // not resolvable here: warn
    }
    LOG.warning(where + " authenticates with " + auth.get().id() + " but has no tls: credentials cross the network"
        + " in clear text; add tls: {cert_file: ..., key_file: ...}");
  }

  /** The {@code health_check} extension's listener: its path only, one event loop. */
  private static NettyHttpServer healthCheck(HealthCheckConfig h, ServiceHealth health, ServerMetrics serverMetrics) {
    return NettyHttpServer.builder("health_check", h.endpoint().toSocketAddress())
        .route(h.path(), Route.inline(ExpositionHttpHandlers.healthCheck(health)))
        .notFound(Route.inline(ExpositionHttpHandlers.healthCheckNotFound(h.path())))
        .maxBodyBytes(64 * 1024)
        .workerThreads(1)
        .health(health)
        .metrics(serverMetrics)
        .build();
  }

  /** Event loops per listener: I/O only, so a couple suffice. */
  static final int EVENT_LOOP_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors() / 2);

  private static GrpcReceiver grpcReceiver(GrpcReceiverConfig g, IngestService ingest, Admission admission,
      ServiceHealth health, ServerMetrics serverMetrics, SelfMetrics metrics, Security security,
      Map<ComponentId, Authenticator> authenticators) {
    warnIfCleartext("receivers.otlp.protocols.grpc", g.endpoint(), g.auth(), g.tls().isPresent());
    // authentication first: a refused call never reaches admission (no memory reserved, no lane entered)
    List<ServerInterceptor> interceptors = g.auth().map(a -> List.<ServerInterceptor>of(new GrpcAuthInterceptor(
        authenticators.get(a.id()), verdict -> {
          metrics.request("grpc", outcome(verdict));
          security.metrics().authFailure("otlp_grpc", verdict.reason);
        }))).orElse(List.of());
    Optional<ServerTls> tls = g.tls().map(t -> security.tls("otlp_grpc", t.certFile(), t.keyFile(),
        t.clientCaFile(), true));
    return new GrpcReceiver(g.endpoint().toSocketAddress(),
        new GrpcReceiver.Limits(g.maxRecvMsgSizeBytes(), g.maxConcurrentStreams(), g.maxConnections(), g.keepalive()),
        tls, ingest, admission, EVENT_LOOP_THREADS, health, serverMetrics, interceptors);
  }

  private static NettyHttpServer httpReceiver(HttpReceiverConfig h, IngestService ingest, Admission admission,
      ServiceHealth health, ServerMetrics serverMetrics, SelfMetrics metrics, Security security,
      Map<ComponentId, Authenticator> authenticators) {
    warnIfCleartext("receivers.otlp.protocols.http", h.endpoint(), h.auth(), h.tls().isPresent());
    OtlpHttpHandler otlp = new OtlpHttpHandler(ingest, h.maxRequestBodySize());
    NettyHttpServer.Builder b = NettyHttpServer.builder("otlp-http", h.endpoint().toSocketAddress())
        .route("/v1/metrics", Route.ingest(otlp))
        .route("/v1/go/runtime-metrics", Route.ingest(NativeHttpHandler.goRuntime(ingest, h.maxRequestBodySize())))
        .route("/v1/jvm/jolokia", Route.ingest(NativeHttpHandler.jolokia(ingest, h.maxRequestBodySize())))
        .notFound(Route.inline(ExpositionHttpHandlers.notFound()))
        .maxBodyBytes(h.maxRequestBodySize())
        .workerThreads(EVENT_LOOP_THREADS)
        .tls(h.tls().map(t -> security.tls("otlp_http", t.certFile(), t.keyFile(), t.clientCaFile(), false)))
        .settings(h.server())
        .health(health)
        .metrics(serverMetrics)
        .admission(admission);
    // every path of the listener needs the credential: the native endpoints as /v1/metrics; the
    // check comes before admission, so a refused request never holds memory
    h.auth().ifPresent(a -> b.beforeAdmission(HttpAuth.HANDLER_NAME, new HttpAuth(authenticators.get(a.id()),
        path -> false, HttpRefusals.otlpStatus(), (req, verdict) -> {
          metrics.request(HttpRefusals.receiverTransport(req), outcome(verdict));
          security.metrics().authFailure("otlp_http", verdict.reason);
        })::newHandler));
    return b.build();
  }
}
