package dev.rosetta.receiver;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.rosetta.model.view.ViewFiles;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.config.GrpcReceiverConfig;
import dev.rosetta.receiver.config.HttpReceiverConfig;
import dev.rosetta.receiver.config.LimitsConfig;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.PrometheusExporterConfig;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.TlsServerConfig;
import dev.rosetta.receiver.config.ViewsConfig;
import dev.rosetta.receiver.exposition.ExpositionHttpHandlers;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.forward.ForwarderSettings;
import dev.rosetta.receiver.forward.OtlpForwarder;
import dev.rosetta.receiver.nativeformat.NativeHttpHandler;
import dev.rosetta.receiver.pipeline.ForwardTarget;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.LabelLimits;
import dev.rosetta.receiver.pipeline.InternalLabelsStage;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.pipeline.Pipeline;
import dev.rosetta.receiver.pipeline.RelabelStage;
import dev.rosetta.receiver.pipeline.ViewsStage;
import dev.rosetta.receiver.server.GrpcReceiver;
import dev.rosetta.receiver.server.NettyHttpServer;
import dev.rosetta.receiver.server.OtlpHttpHandler;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.store.StoreCollector;
import dev.rosetta.receiver.store.StoreMetrics;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import dev.rosetta.receiver.views.ConfiguredViews;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * Wires the service from a validated {@link RosettaConfig}. Side-effect free: nothing binds a port
 * or starts a thread until {@link RosettaService#start()}.
 */
public final class RosettaModule extends AbstractModule {
  /** Seconds a sender is told to wait when the forward queue is full. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

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
  SelfMetrics selfMetrics(CollectorRegistry registry) {
    return new SelfMetrics(registry);
  }

  @Provides
  @Singleton
  SeriesStore store(CollectorRegistry registry) {
    PrometheusExporterConfig p = config.exporters().prometheus();
    SeriesStore store = new SeriesStore(
        new SeriesStore.Settings(p.metricExpiration(), p.addMetricSuffixes(), p.resourceToTelemetryConversion(),
            config.limits().maxSeries(), config.limits().maxSeriesPerFamily()),
        System::currentTimeMillis,
        name -> name.startsWith("rosetta_") || name.equals("target_info"));
    registry.register(new StoreCollector(store));
    registry.register(new StoreMetrics(store));
    return store;
  }

  @Provides
  @Singleton
  Optional<OtlpForwarder> forwarder(CollectorRegistry registry) {
    return config.exporters().otlp().map(o -> OtlpForwarder.create(forwarderSettings(o), registry));
  }

  static ForwarderSettings forwarderSettings(OtlpExporterConfig o) {
    var t = o.tls();
    var r = o.retryOnFailure();
    var q = o.sendingQueue();
    var b = o.batch();
    return ForwarderSettings.builder(o.endpoint().toString())
        .plaintext(t.insecure())
        .tls(t.insecure()
            ? ForwarderSettings.Tls.systemTrust()
            : new ForwarderSettings.Tls(t.caFile(), t.certFile(), t.keyFile(), t.insecureSkipVerify(),
                t.serverNameOverride()))
        .headers(o.headers())
        .gzip(o.compression() == dev.rosetta.receiver.config.Compression.GZIP)
        .timeout(o.timeout())
        .numConsumers(q.numConsumers())
        // without a sending queue, only what the consumers have in hand is buffered
        .queueSize(q.enabled() ? q.queueSize() : q.numConsumers())
        .retry(r.enabled()
            ? new ForwarderSettings.Retry(true, r.initialInterval(), r.randomizationFactor(), r.multiplier(),
                r.maxInterval(), r.maxElapsedTime())
            : ForwarderSettings.Retry.disabled())
        .batch(new ForwarderSettings.Batch(b.sendBatchSize(), b.sendBatchMaxSize(), b.timeout()))
        .build();
  }

  @Provides
  @Singleton
  IngestService ingest(SeriesStore store, Optional<OtlpForwarder> forwarder, SelfMetrics metrics)
      throws ViewLoadException {
    Optional<ForwardTarget> target = forwarder.map(f -> f::offer);
    IngestService ingest = new IngestService(pipeline(config, metrics), store, target, metrics, RETRY_AFTER);
    ingest.setLabelLimits(labelLimits(config.limits()));
    return ingest;
  }

  /** The label limits of a {@code limits} section. */
  static LabelLimits labelLimits(LimitsConfig l) {
    return new LabelLimits(l.labelLimit(), l.labelNameLengthLimit(), l.labelValueLengthLimit());
  }

  /** Files besides the configuration file whose change triggers a reload (view files). */
  static List<java.nio.file.Path> watchedFiles(RosettaConfig config) {
    try {
      return ViewFiles.expand(config.views().baseDirectory(), config.views().files());
    } catch (ViewLoadException e) {
      return List.of(); // the reload reports it
    }
  }

  /** The stages between decoding and the sinks, as the configuration asks. */
  static Pipeline pipeline(RosettaConfig config, SelfMetrics metrics) throws ViewLoadException {
    List<MetricStage> stages = new ArrayList<>();
    boolean suffixes = config.exporters().prometheus().addMetricSuffixes();
    if (config.relabel().input().size() > 0) {
      stages.add(new RelabelStage(RelabelStage.Kind.INPUT, config.relabel().input(), suffixes,
          n -> metrics.pipelineDropped("relabel_input", n)));
    }
    ViewSet views = ConfiguredViews.load(config.views());
    ViewsStage.Unmatched unmatched = config.views().unmatched() == ViewsConfig.Unmatched.DROP
        ? ViewsStage.Unmatched.DROP : ViewsStage.Unmatched.PASSTHROUGH;
    stages.add(new ViewsStage(views, unmatched, metrics::views));
    stages.add(new InternalLabelsStage());
    if (config.relabel().output().size() > 0) {
      stages.add(new RelabelStage(RelabelStage.Kind.OUTPUT, config.relabel().output(), suffixes,
          n -> metrics.pipelineDropped("relabel_output", n)));
    }
    return new Pipeline(stages);
  }

  @Provides
  @Singleton
  ScrapeHandler scrapeHandler(CollectorRegistry registry) {
    return new ScrapeHandler(registry);
  }

  @Provides
  @Singleton
  RosettaService service(IngestService ingest, SeriesStore store, Optional<OtlpForwarder> forwarder,
      ScrapeHandler scrape, ServiceRef ref, SelfMetrics metrics, CollectorRegistry registry) {
    PrometheusExporterConfig p = config.exporters().prometheus();
    NettyHttpServer exposition = new NettyHttpServer("exposition", p.endpoint().toSocketAddress(),
        RosettaService.expositionRoutes(scrape, ref::ready), ExpositionHttpHandlers.notFound(),
        (ctx, req) -> dev.rosetta.receiver.server.HttpResponses.text(ctx, req, 413, "request too large\n"),
        64 * 1024, 1, Optional.empty());
    Optional<GrpcReceiver> grpc = config.receivers().otlp().grpc().map(g -> grpcReceiver(g, ingest));
    Optional<NettyHttpServer> http = config.receivers().otlp().http().map(h -> httpReceiver(h, ingest));
    RosettaService service = new RosettaService(new RosettaService.Components(exposition, grpc, http, forwarder,
        ingest, store, config.service().shutdownTimeout(), metrics, registry));
    ref.set(service);
    return service;
  }

  private static GrpcReceiver grpcReceiver(GrpcReceiverConfig g, IngestService ingest) {
    return new GrpcReceiver(g.endpoint().toSocketAddress(), g.maxRecvMsgSizeBytes(),
        g.tls().map(t -> new GrpcReceiver.Tls(t.certFile().toFile(), t.keyFile().toFile(),
            t.clientCaFile().map(java.nio.file.Path::toFile))),
        ingest);
  }

  private static NettyHttpServer httpReceiver(HttpReceiverConfig h, IngestService ingest) {
    OtlpHttpHandler otlp = new OtlpHttpHandler(ingest, h.maxRequestBodySize());
    int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
    Map<String, dev.rosetta.receiver.server.HttpHandler> routes = Map.of(
        "/v1/metrics", otlp,
        "/v1/go/runtime-metrics", NativeHttpHandler.goRuntime(ingest, h.maxRequestBodySize()),
        "/v1/jvm/jolokia", NativeHttpHandler.jolokia(ingest, h.maxRequestBodySize()));
    return new NettyHttpServer("otlp-http", h.endpoint().toSocketAddress(), routes,
        ExpositionHttpHandlers.notFound(), otlp.oversized(), (int) Math.min(Integer.MAX_VALUE, h.maxRequestBodySize()),
        workers, h.tls().map(RosettaModule::serverSsl));
  }

  static SslContext serverSsl(TlsServerConfig t) {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(t.certFile().toFile(), t.keyFile().toFile());
      t.clientCaFile().ifPresent(ca -> b.trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE));
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot load TLS material " + t.certFile() + " / " + t.keyFile() + ": "
          + e.getMessage(), e);
    }
  }
}
