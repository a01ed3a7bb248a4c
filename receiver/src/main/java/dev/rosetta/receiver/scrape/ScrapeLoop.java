package dev.rosetta.receiver.scrape;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.receiver.nativeformat.JolokiaDecoder;
import dev.rosetta.receiver.nativeformat.MalformedBodyException;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import dev.rosetta.receiver.store.ReplacingSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Scrapes one target every interval, at its offset within the interval, as Prometheus does: the
 * request goes out on the scrape client's I/O threads; parsing, metric relabeling and ingestion run
 * on the scrape workers. A tick that finds the previous scrape still running is skipped (and
 * counted). Each scrape's batch carries the target's {@code up}, {@code scrape_duration_seconds},
 * {@code scrape_samples_scraped}, {@code scrape_samples_post_metric_relabeling} and {@code
 * scrape_series_added} and is ingested as the target's source, so the series it no longer holds
 * (all but these five when the scrape failed) leave the store. A failure is logged when the
 * target's state changes (first failure, another reason, recovery), not at every scrape.
 *
 * <p>Thread-safe: ticks come from the scheduler thread, scrapes from workers and I/O threads; the
 * scrape state is guarded by {@code this}, and a target's scrapes never overlap.
 */
final class ScrapeLoop {
  private static final Logger LOG = Logger.getLogger(ScrapeLoop.class.getName());


  private final ScrapeJob job;
  private final ScrapeTarget target;
  private final ScrapeHttpClient client;
  private final Executor workers;
  private final IngestService ingest;
  private final ScrapeMetrics metrics;
  private final ReplacingSource source;
  private final ScrapeHttpClient.Session session = new ScrapeHttpClient.Session();
  private final Labels reportAttributes;
  private final Labels resource;
  private ScheduledFuture<?> schedule;
  private volatile boolean running;
  private boolean stopped;
  private Set<Long> previousSeries = Set.of();
  private String lastProblem = "";
  /** The last scrape, for the status page: null before the first one. */
  private volatile ScrapeManager.LastScrape last;
  private long firstTickNanos;
  private long ticks;

  ScrapeLoop(ScrapeJob job, ScrapeTarget target, ScrapeHttpClient client, Executor workers, IngestService ingest,
      ScrapeMetrics metrics) {
    this.job = job;
    this.target = target;
    this.client = client;
    this.workers = workers;
    this.ingest = ingest;
    this.metrics = metrics;
    // the target's identity in the store: its labels after relabeling (as Prometheus identifies a
    // target), within its receiver and job
    this.source = new ReplacingSource(target.labels().toBuilder().put("__receiver__", job.receiver)
        .put("__job__", job.config.jobName()).build(),
        "scrape target " + target.url() + " (receiver " + job.receiver + ", job " + job.config.jobName() + ")");
    Labels.Builder res = Labels.builder();
    Labels.Builder attrs = Labels.builder();
    for (int i = 0; i < target.publicLabels().size(); i++) {
      String n = target.publicLabels().name(i);
      String v = target.publicLabels().value(i);
      switch (n) {
        case "job" -> res.add("service.name", v);
        case "instance" -> res.add("service.instance.id", v);
        default -> attrs.add(n, v);
      }
    }
    this.resource = res.build();
    this.reportAttributes = attrs.build();
  }

  ScrapeTarget target() {
    return target;
  }

  /** The target's last scrape; null before its first. */
  ScrapeManager.LastScrape last() {
    return last;
  }

  String jobName() {
    return job.config.jobName();
  }

  String receiver() {
    return job.receiver;
  }

  /** Schedules the scrapes: the first at the target's offset, then every interval. */
  synchronized void start(ScheduledExecutorService scheduler, long seed) {
    long now = System.currentTimeMillis() * 1_000_000L;
    long offset = target.offsetNanos(now, seed);
    long interval = target.interval().toNanos();
    firstTickNanos = System.nanoTime() + offset;
    schedule = scheduler.scheduleAtFixedRate(this::tick, offset, interval, TimeUnit.NANOSECONDS);
  }

  /** Stops scraping and removes the target's series. Idempotent. */
  void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (schedule != null) {
        schedule.cancel(false);
      }
    }
    session.close();
    int gone = ingest.forgetSource(source);
    if (gone > 0) {
      metrics.staleSeries.labels(job.receiver, job.config.jobName()).inc(gone);
    }
  }

  private void tick() {
    long scheduled = firstTickNanos + ticks * target.interval().toNanos();
    ticks++;
    if (running) {
      metrics.skipped.labels(job.receiver, job.config.jobName()).inc();
      return;
    }
    running = true;
    try {
      workers.execute(() -> scrape(scheduled));
    } catch (RejectedExecutionException e) {
      running = false; // stopping
    }
  }

  /** Starts one scrape now (tests and the first scrape of a benchmark run). */
  void scrapeNow() {
    if (running) {
      return;
    }
    running = true;
    scrape(System.nanoTime());
  }

  private void scrape(long scheduledNanos) {
    long startNanos = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    metrics.lag.labels(job.receiver).observe(Math.max(0, startNanos - scheduledNanos) / 1e9);
    ScrapeHttpClient.Request request;
    try {
      URI uri = target.url();
      if (job.jolokia()) {
        String q = uri.getRawQuery();
        uri = URI.create(uri.toString() + (q == null ? "?" : "&") + "ignoreErrors=true");
      }
      request = new ScrapeHttpClient.Request(uri, job.headers(), job.jolokia() ? job.jolokiaRead : null,
          job.config.bodySizeLimit(), startNanos + target.timeout().toNanos(), job.ssl, job.serverName(),
          job.verifyHostname(), job.config.http().followRedirects());
    } catch (IOException | IllegalArgumentException e) {
      finish(null, new ScrapeHttpClient.FetchException(ScrapeFailure.CONNECTION,
          "cannot read the scrape credentials: " + e.getMessage()), startNanos, startMillis);
      return;
    }
    client.fetch(session, request).whenComplete((response, error) -> {
      try {
        workers.execute(() -> finish(response, error, startNanos, startMillis));
      } catch (RejectedExecutionException e) {
        running = false;
      }
    });
  }

  private void finish(ScrapeHttpClient.Response response, Throwable error, long startNanos, long startMillis) {
    try {
      finishScrape(response, error, startNanos, startMillis);
    } finally {
      running = false;
    }
  }

  private void finishScrape(ScrapeHttpClient.Response response, Throwable error, long startNanos, long startMillis) {
    ScrapeFailure failure = null;
    String problem = "";
    ScrapeAssembler.Result result = null;
    if (error != null) {
      Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (e instanceof ScrapeHttpClient.FetchException fe) {
        failure = fe.reason;
        problem = fe.getMessage();
      } else {
        failure = ScrapeFailure.CONNECTION;
        problem = String.valueOf(e.getMessage());
      }
    } else {
      try {
        result = job.jolokia() ? jolokia(response.body(), startMillis) : exposition(response, startMillis);
      } catch (ScrapeAssembler.LimitExceeded e) {
        failure = e.reason;
        problem = e.getMessage();
      } catch (ContentTypeException e) {
        failure = ScrapeFailure.CONTENT_TYPE;
        problem = e.getMessage();
      } catch (ExpositionException | MalformedBodyException e) {
        failure = ScrapeFailure.PARSE;
        problem = e.getMessage();
      } catch (RuntimeException e) {
        // a body this code cannot handle is one target's problem, never the worker's death
        failure = ScrapeFailure.PARSE;
        problem = "cannot read the body: " + e;
        LOG.log(java.util.logging.Level.FINE, "reading a scrape body failed", e);
      }
    }
    double duration = (System.nanoTime() - startNanos) / 1e9;
    int scraped = result == null ? 0 : result.scraped();
    int kept = result == null ? 0 : result.kept();
    int added = result == null ? 0 : result.seriesAdded();
    MetricBatch report = report(startMillis, failure == null ? 1 : 0, duration, scraped, kept, added);
    MetricBatch batch = failure == null ? merge(result.batch(), report) : report;
    synchronized (this) {
      if (stopped) {
        return;
      }
      metrics.scrapes.labels(job.receiver, job.config.jobName()).inc();
      IngestService.Outcome outcome = ingest.ingest(batch, 0, "", null, "scrape_" + job.kind.type, source);
      if (outcome.status() == IngestStatus.OVERLOADED && failure == null) {
        failure = ScrapeFailure.OVERLOADED;
        problem = outcome.message();
      }
      last = new ScrapeManager.LastScrape(startMillis, duration, failure == null,
          failure == null ? "" : failure.label + ": " + problem);
      if (failure == null) {
        previousSeries = result.series();
        metrics.duration.labels(job.receiver, job.config.jobName()).observe((System.nanoTime() - startNanos) / 1e9);
        if (result.invalid() > 0) {
          metrics.invalidSamples.labels(job.receiver, job.config.jobName()).inc(result.invalid());
          logChange("invalid", "scrape of " + describe() + ": " + result.invalid() + " samples left out, e.g. "
              + result.firstInvalid());
        } else {
          logChange("", "");
        }
      } else {
        metrics.failures.labels(job.receiver, job.config.jobName(), failure.label).inc();
        if (failure != ScrapeFailure.OVERLOADED) {
          previousSeries = Set.of();
        }
        logChange(failure.label, "scrape of " + describe() + " failed (" + failure.label + "): " + problem
            + "; up = 0 and its series are stale until a scrape succeeds");
      }
    }
  }

  /** Logs when the target's state changes; recovery is logged too. */
  private void logChange(String state, String message) {
    if (state.equals(lastProblem)) {
      return;
    }
    if (state.isEmpty()) {
      LOG.info("scrape of " + describe() + " succeeds again");
    } else {
      LOG.warning(message);
    }
    lastProblem = state;
  }

  private String describe() {
    return "job " + job.config.jobName() + " target " + target.url();
  }

  /** A Content-Type no parser reads. */
  static final class ContentTypeException extends Exception {
    private static final long serialVersionUID = 1L;

    ContentTypeException(String message) {
      super(message);
    }
  }

  private ScrapeAssembler.Result exposition(ScrapeHttpClient.Response response, long startMillis)
      throws ExpositionException, ContentTypeException {
    Optional<ScrapeProtocol.Parser> parser = ScrapeProtocol.forContentType(response.contentType());
    if (parser.isEmpty()) {
      if (job.config.fallbackProtocol().isEmpty()) {
        throw new ContentTypeException("the target sent Content-Type \"" + (response.contentType() == null ? ""
            : TextFormatParser.shorten(response.contentType())) + "\", which is no exposition format; set"
            + " scrape_fallback_protocol to read it anyway");
      }
      parser = Optional.of(job.config.fallbackProtocol().get().parser());
    }
    ScrapeAssembler a = new ScrapeAssembler(job.samples, target.publicLabels(), startMillis,
        parser.get() == ScrapeProtocol.Parser.OPENMETRICS, previousSeries);
    byte[] body = response.body();
    if (body.length > 0) {
      switch (parser.get()) {
        case PROTOBUF -> ProtobufFormatParser.parse(body, a);
        case OPENMETRICS -> TextFormatParser.parse(body, true, a);
        case TEXT -> TextFormatParser.parse(body, false, a);
      }
    }
    return a.finish();
  }

  /**
   * A Jolokia bulk read: decoded as the push endpoint decodes it, then each point gets the target's
   * labels and goes through metric_relabel_configs ({@code __name__} = its JVM path) and the limits.
   */
  private ScrapeAssembler.Result jolokia(byte[] body, long startMillis)
      throws MalformedBodyException, ScrapeAssembler.LimitExceeded {
    Map<String, String> res = new LinkedHashMap<>();
    resource.forEach(res::put);
    JolokiaDecoder.Result decoded = JolokiaDecoder.decode(new String(body, StandardCharsets.UTF_8), res,
        startMillis * 1_000_000L);
    int scraped = 0;
    int kept = 0;
    int added = 0;
    Set<Long> series = new HashSet<>();
    List<ResourceMetrics> out = new ArrayList<>();
    for (ResourceMetrics rm : decoded.batch().resources()) {
      List<Metric> metrics = new ArrayList<>();
      for (ScopeMetrics sm : rm.scopes()) {
        for (Metric m : sm.metrics()) {
          List<Point> points = new ArrayList<>();
          String name = m.name();
          for (Point p : m.points()) {
            scraped++;
            Labels.Builder b = p.labels().toBuilder();
            reportAttributes.forEach(b::put);
            b.put("__name__", name);
            Labels relabeled = job.samples.metricRelabel().apply(b.build());
            if (relabeled == null) {
              continue;
            }
            kept++;
            if (job.samples.sampleLimit() > 0 && kept > job.samples.sampleLimit()) {
              continue;
            }
            String newName = relabeled.getOrDefault("__name__", "");
            if (newName.isEmpty()) {
              continue;
            }
            long h = ((long) relabeled.hashCode() << 32) ^ newName.hashCode();
            series.add(h);
            if (!previousSeries.contains(h)) {
              added++;
            }
            Labels attrs = relabeled.without("__name__");
            if (newName.equals(name)) {
              points.add(p.withLabels(attrs));
            } else {
              metrics.add(new Metric(newName, m.description(), m.unit(), m.type(), m.temporality(),
                  List.of(p.withLabels(attrs))));
            }
          }
          if (!points.isEmpty()) {
            metrics.add(m.withPoints(points));
          }
        }
      }
      if (!metrics.isEmpty()) {
        out.add(new ResourceMetrics(rm.resource(), List.of(new ScopeMetrics(InstrumentationScope.empty(), metrics))));
      }
    }
    if (job.samples.sampleLimit() > 0 && kept > job.samples.sampleLimit()) {
      throw new ScrapeAssembler.LimitExceeded(ScrapeFailure.SAMPLE_LIMIT, "sample_limit exceeded: more than "
          + job.samples.sampleLimit() + " values after metric relabeling");
    }
    return new ScrapeAssembler.Result(new MetricBatch(out), scraped, kept, added, series, 0, "");
  }

  /** The five report series of a scrape, with the target's labels. */
  private MetricBatch report(long startMillis, double up, double duration, int scraped, int kept, int added) {
    long t = startMillis * 1_000_000L;
    List<Metric> m = List.of(
        gauge("up", "1 if the target was scraped successfully, 0 otherwise.", up, t),
        gauge("scrape_duration_seconds", "Duration of the scrape.", duration, t),
        gauge("scrape_samples_scraped", "Samples the target exposed.", scraped, t),
        gauge("scrape_samples_post_metric_relabeling", "Samples left after metric relabeling.", kept, t),
        gauge("scrape_series_added", "Series in this scrape that were not in the previous one.", added, t));
    return new MetricBatch(List.of(new ResourceMetrics(resource,
        List.of(new ScopeMetrics(InstrumentationScope.empty(), m)))));
  }

  private Metric gauge(String name, String help, double value, long t) {
    return new Metric(name, help, "", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(reportAttributes, 0, t, value)));
  }

  /** The scraped batch and the report series, the report under the target's own resource. */
  private static MetricBatch merge(MetricBatch scraped, MetricBatch report) {
    List<ResourceMetrics> all = new ArrayList<>(scraped.resources().size() + 1);
    ResourceMetrics r = report.resources().get(0);
    boolean merged = false;
    for (ResourceMetrics rm : scraped.resources()) {
      if (!merged && rm.resource().equals(r.resource())) {
        List<Metric> metrics = new ArrayList<>(rm.scopes().get(0).metrics());
        metrics.addAll(r.scopes().get(0).metrics());
        all.add(new ResourceMetrics(rm.resource(), List.of(new ScopeMetrics(rm.scopes().get(0).scope(), metrics))));
        merged = true;
      } else {
        all.add(rm);
      }
    }
    if (!merged) {
      all.add(r);
    }
    return new MetricBatch(all);
  }
}
