package dev.rosetta.receiver.status;

import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.cli.ExplainCommand;
import dev.rosetta.receiver.config.AuthenticatorConfig;
import dev.rosetta.receiver.config.ComponentId;
import dev.rosetta.receiver.config.ExtensionConfig;
import dev.rosetta.receiver.config.GrpcReceiverConfig;
import dev.rosetta.receiver.config.HttpReceiverConfig;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.PrometheusExporterConfig;
import dev.rosetta.receiver.config.ProcessorConfig;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import dev.rosetta.receiver.config.Secret;
import dev.rosetta.receiver.config.ViewsConfig;
import dev.rosetta.receiver.forward.DropReason;
import dev.rosetta.receiver.forward.ExporterStats;
import dev.rosetta.receiver.forward.ForwardFanOut;
import dev.rosetta.receiver.forward.OtlpExporter;
import dev.rosetta.receiver.forward.RefusalReason;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.pipeline.Pipeline;
import dev.rosetta.receiver.pipeline.ViewsStage;
import dev.rosetta.receiver.scrape.ScrapeManager;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import dev.rosetta.receiver.telemetry.TopNames;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Builds the status page of one service from its parts: the configuration in force (secrets
 * hidden: headers and credentials show as {@link Secret} does), the receivers' request and point
 * counts, the views' hits and the most frequent unmatched names with what {@code explain} says of
 * each, the store's largest families, limits, collisions and aggregation, each exporter's queue and
 * drops, and the scrape targets. Every list is a top N ({@link #TOP}, {@link #TOP_VIEWS}, {@link
 * #TOP_TARGETS}), so a page costs the same whatever the traffic; the one walk over every family is
 * lock-free. Thread-safe; pages are built on the exposition threads.
 */
public final class StatusReport {
  /** Rows of the families, unmatched names and refusal tables. */
  public static final int TOP = 20;
  /** Rows of the view hits table. */
  public static final int TOP_VIEWS = 50;
  /** Rows of the scrape targets table. */
  public static final int TOP_TARGETS = 100;

  /** The parts a page reads. */
  public record Parts(String version, long startMillis, SelfMetrics metrics, SeriesStore store, IngestService ingest,
      Optional<ForwardFanOut> forwarder, Optional<ScrapeManager> scrape) {
    public Parts {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(ingest, "ingest");
      Objects.requireNonNull(forwarder, "forwarder");
      Objects.requireNonNull(scrape, "scrape");
    }
  }

  private final Parts parts;
  private final LongSupplier clockMillis;
  private volatile RosettaConfig config;

  public StatusReport(RosettaConfig config, Parts parts, LongSupplier clockMillis) {
    this.config = Objects.requireNonNull(config, "config");
    this.parts = Objects.requireNonNull(parts, "parts");
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
  }

  /** The version of the running build ("development build" when run from classes). */
  public static String version() {
    String v = StatusReport.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  /** Puts a reloaded configuration in force for the page. */
  public void config(RosettaConfig next) {
    this.config = Objects.requireNonNull(next, "next");
  }

  /** The page as it is now. */
  public StatusPage page() {
    long now = clockMillis.getAsLong();
    RosettaConfig c = config;
    List<StatusPage.Section> sections = new ArrayList<>();
    sections.add(build(c, now));
    sections.add(receivers());
    sections.add(views(c));
    sections.add(series());
    sections.add(collisions());
    sections.add(forwarding());
    sections.add(scraping());
    return new StatusPage("Rosetta status", instant(now), sections);
  }

  // ---- build and configuration ----

  private StatusPage.Section build(RosettaConfig c, long now) {
    List<StatusPage.Fact> facts = List.of(
        new StatusPage.Fact("version", parts.version()),
        new StatusPage.Fact("java", System.getProperty("java.vendor", "?") + " " + System.getProperty("java.version", "?")),
        new StatusPage.Fact("started", instant(parts.startMillis())),
        new StatusPage.Fact("uptime", duration(Duration.ofMillis(Math.max(0, now - parts.startMillis())))),
        new StatusPage.Fact("configuration", c.source()));
    List<List<String>> rows = new ArrayList<>();
    c.receivers().otlp().grpc().ifPresent(g -> rows.add(List.of("receiver", "otlp (grpc)", grpc(g))));
    c.receivers().otlp().http().ifPresent(h -> rows.add(List.of("receiver", "otlp (http)", http(h))));
    for (ScrapeReceiverConfig r : c.receivers().scrape()) {
      rows.add(List.of("receiver", r.id().toString(), scrape(r)));
    }
    for (var e : c.processors().declared().entrySet()) {
      rows.add(List.of("processor", e.getKey().toString(), settings(e.getValue())));
    }
    rows.add(List.of("exporter", "prometheus", prometheus(c.exporters().prometheus())));
    for (OtlpExporterConfig o : c.exporters().otlpExporters()) {
      rows.add(List.of("exporter", o.id().toString(), otlp(o)));
    }
    for (ComponentId id : c.extensions().enabled()) {
      ExtensionConfig e = c.extensions().declared().get(id);
      rows.add(List.of("extension", id.toString(), e == null ? "" : settings(e)));
    }
    rows.add(List.of("limits", "limits", "max_series " + limit(parts.store().maxSeries()) + " (in force), "
        + "max_series_per_family " + limit(parts.store().maxSeriesPerFamily())));
    return new StatusPage.Section("build", "Build and configuration", facts, List.of(
        new StatusPage.Table("components", "Components in force", List.of("kind", "id", "settings"), rows, 0,
            "nothing configured")));
  }

  private static String grpc(GrpcReceiverConfig g) {
    return g.endpoint() + tlsAuth(g.tls().isPresent(), g.auth());
  }

  private static String http(HttpReceiverConfig h) {
    return h.endpoint() + tlsAuth(h.tls().isPresent(), h.auth()) + ", max_request_body_size "
        + h.maxRequestBodySize();
  }

  private static String tlsAuth(boolean tls, Optional<AuthenticatorConfig> auth) {
    return (tls ? ", tls" : ", plaintext") + auth.map(a -> ", auth " + a.id()).orElse("");
  }

  private static String prometheus(PrometheusExporterConfig p) {
    return p.endpoint() + tlsAuth(p.tls().isPresent(), p.auth()) + ", metric_expiration "
        + duration(p.metricExpiration()) + ", add_metric_suffixes " + p.addMetricSuffixes()
        + ", resource_to_telemetry_conversion " + p.resourceToTelemetryConversion();
  }

  private static String otlp(OtlpExporterConfig o) {
    StringBuilder sb = new StringBuilder().append(o.endpoint()).append(", compression ")
        .append(o.compression().toString().toLowerCase(java.util.Locale.ROOT)).append(", timeout ")
        .append(duration(o.timeout())).append(", queue ");
    if (!o.sendingQueue().enabled()) {
      sb.append("off");
    } else {
      sb.append(o.sendingQueue().storage().map(s -> "file (" + s.id() + ")").orElse("memory")).append(", ")
          .append(o.sendingQueue().queueSize()).append(' ')
          .append(o.sendingQueue().sizer().toString().toLowerCase(java.util.Locale.ROOT));
    }
    if (!o.headers().isEmpty()) {
      sb.append(", headers ");
      String sep = "";
      for (String name : o.headers().keySet()) {
        // a header value may be a credential: shown as a Secret shows itself
        sb.append(sep).append(name).append(": ").append(Secret.of(o.headers().get(name)));
        sep = ", ";
      }
    }
    return sb.toString();
  }

  private static String scrape(ScrapeReceiverConfig r) {
    StringBuilder sb = new StringBuilder(r.kind().toString().toLowerCase(java.util.Locale.ROOT)).append(": ");
    String sep = "";
    for (ScrapeReceiverConfig.Job j : r.jobs()) {
      sb.append(sep).append("job ").append(j.jobName()).append(" every ").append(duration(j.scrapeInterval()))
          .append(" (sample_limit ").append(limit(j.sampleLimit())).append(", label_limit ")
          .append(limit(j.labelLimit())).append(')');
      sep = "; ";
    }
    return sb.toString();
  }

  /**
   * A record's settings as its {@code toString} gives them, without the type name: credentials
   * are {@link Secret}s there and show hidden.
   */
  private static String settings(Object record) {
    String s = record.toString();
    int open = s.indexOf('[');
    return open > 0 && s.endsWith("]") ? s.substring(open + 1, s.length() - 1) : s;
  }

  private static String limit(long n) {
    return n == 0 ? "unlimited" : Long.toString(n);
  }

  // ---- receivers ----

  private StatusPage.Section receivers() {
    SelfMetrics m = parts.metrics();
    List<List<String>> requests = new ArrayList<>();
    m.requestCounts().forEach((k, v) -> requests.add(List.of(k.get(0), k.get(1), count(v))));
    requests.sort(Comparator.comparing((List<String> r) -> r.get(0)).thenComparing(r -> r.get(1)));
    List<List<String>> points = new ArrayList<>();
    m.acceptedCounts().forEach((k, v) -> points.add(List.of(k.get(0), "accepted", count(v))));
    m.refusedCounts().forEach((k, v) -> points.add(List.of(k.get(0), "refused: " + k.get(1), count(v))));
    points.sort(Comparator.comparing((List<String> r) -> r.get(0)).thenComparing(r -> r.get(1)));
    return new StatusPage.Section("receivers", "Receivers", List.of(), List.of(
        new StatusPage.Table("receiver-requests", "Requests by transport and outcome",
            List.of("transport", "outcome", "requests"), requests, 0, "no request yet"),
        new StatusPage.Table("receiver-points", "Points by transport: accepted, and refused by reason",
            List.of("transport", "points", "count"), points, 0, "no point yet")));
  }

  // ---- views ----

  private StatusPage.Section views(RosettaConfig c) {
    Optional<ViewsStage> stage = viewsStage(parts.ingest().pipeline());
    List<StatusPage.Fact> facts = new ArrayList<>();
    stage.ifPresent(s -> facts.add(new StatusPage.Fact("views in force", s.views().views().size()
        + " (built-in sets " + String.join(", ", c.views().builtin()) + "; files " + (c.views().files().isEmpty()
            ? "none" : String.join(", ", c.views().files())) + ")")));
    facts.add(new StatusPage.Fact("unmatched names", c.views().unmatched().name().toLowerCase(java.util.Locale.ROOT)));
    for (String outcome : List.of("mapped", "dropped", "invalid", "unmatched_passthrough", "unmatched_dropped",
        "duplicate", "omitted", "overlay")) {
      facts.add(new StatusPage.Fact("points " + outcome, count(parts.metrics().viewsPoints(outcome))));
    }
    List<Map.Entry<String, Long>> hits = new ArrayList<>(parts.metrics().viewStatistics().hits().entrySet());
    hits.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    List<List<String>> hitRows = new ArrayList<>();
    for (int i = 0; i < hits.size() && i < TOP_VIEWS; i++) {
      hitRows.add(List.of(hits.get(i).getKey(), Long.toString(hits.get(i).getValue())));
    }
    TopNames unmatched = parts.metrics().viewStatistics().unmatched();
    List<TopNames.Entry> top = unmatched.top(TOP);
    List<List<String>> unmatchedRows = new ArrayList<>();
    for (TopNames.Entry e : top) {
      String explain = stage.map(s -> ExplainCommand.explainText(s.views(), policy(s.unmatched()),
          parts.store().aggregation(), e.name())).orElse("");
      unmatchedRows.add(List.of(e.name(), Long.toString(e.count()) + (e.error() > 0 ? " (at most " + e.error()
          + " of them other names)" : ""), explain));
    }
    return new StatusPage.Section("views", "Semantic views", facts, List.of(
        new StatusPage.Table("view-hits", "Points matched, by view", List.of("view", "points"), hitRows,
            Math.max(0, hits.size() - TOP_VIEWS), "no view matched anything yet"),
        new StatusPage.Table("unmatched-names", "Most frequent names no view matched, with what explain says",
            List.of("name", "points", "explain"), unmatchedRows, 0, "every name was matched")));
  }

  private static ViewsConfig.Unmatched policy(ViewsStage.Unmatched u) {
    return u == ViewsStage.Unmatched.DROP ? ViewsConfig.Unmatched.DROP : ViewsConfig.Unmatched.PASSTHROUGH;
  }

  private static Optional<ViewsStage> viewsStage(MetricStage stage) {
    if (stage instanceof ViewsStage v) {
      return Optional.of(v);
    }
    if (stage instanceof Pipeline p) {
      for (MetricStage s : p.stages()) {
        Optional<ViewsStage> v = viewsStage(s);
        if (v.isPresent()) {
          return v;
        }
      }
    }
    return Optional.empty();
  }

  /** The views in force, for tests. */
  Optional<ViewSet> viewsInForce() {
    return viewsStage(parts.ingest().pipeline()).map(ViewsStage::views);
  }

  // ---- series ----

  /** The limits section's label limits (0: none), as the configuration writes them. */
  private static String labelLimits(dev.rosetta.receiver.config.LimitsConfig l) {
    return "label_limit " + limit(l.labelLimit()) + ", label_name_length_limit "
        + limit(l.labelNameLengthLimit()) + ", label_value_length_limit " + limit(l.labelValueLengthLimit())
        + " (scrape jobs have their own)";
  }

  private StatusPage.Section series() {
    SeriesStore s = parts.store();
    List<StatusPage.Fact> facts = List.of(
        new StatusPage.Fact("series held", s.seriesCount() + " of " + limit(s.maxSeries())),
        new StatusPage.Fact("series per family", "at most " + limit(s.maxSeriesPerFamily())),
        new StatusPage.Fact("families", Integer.toString(s.familyCount())),
        new StatusPage.Fact("series expired", Long.toString(s.expiredSeries())),
        new StatusPage.Fact("label limits", labelLimits(config.limits())));
    List<List<String>> rows = new ArrayList<>();
    for (SeriesStore.FamilySize f : s.largestFamilies(TOP)) {
      rows.add(List.of(f.name(), f.type(), Integer.toString(f.series()), f.aggregated() ? "yes" : "no"));
    }
    List<List<String>> refused = new ArrayList<>();
    for (SeriesStore.Refusal r : SeriesStore.Refusal.values()) {
      refused.add(List.of(r.label(), Long.toString(s.refused(r))));
    }
    return new StatusPage.Section("series", "Series and limits", facts, List.of(
        new StatusPage.Table("families", "Largest families", List.of("family", "type", "series", "aggregated"), rows,
            Math.max(0, s.familyCount() - rows.size()), "no series yet"),
        new StatusPage.Table("store-refusals", "Points the store refused, by reason", List.of("reason", "points"),
            refused, 0, "")));
  }

  // ---- collisions and aggregation ----

  private StatusPage.Section collisions() {
    SeriesStore s = parts.store();
    String last = s.lastCollision();
    List<StatusPage.Fact> facts = List.of(
        new StatusPage.Fact("points refused as collisions", Long.toString(s.refused(SeriesStore.Refusal.COLLISION))),
        new StatusPage.Fact("last collision", last.isEmpty() ? "none" : last),
        new StatusPage.Fact("series handed over", Long.toString(s.handovers())),
        new StatusPage.Fact("points aggregated", Long.toString(s.contributedPoints())),
        new StatusPage.Fact("aggregate points made", Long.toString(s.aggregatePoints())));
    List<List<String>> rules = new ArrayList<>();
    for (AggregateRule r : s.aggregation().rules()) {
      rules.add(List.of(r.id(), r.describe()));
    }
    return new StatusPage.Section("collisions", "Collisions and aggregation", facts, List.of(
        new StatusPage.Table("aggregate-rules", "aggregate: rules in force", List.of("rule", "what"), rules, 0,
            "no aggregate: rule")));
  }

  // ---- forwarding ----

  private StatusPage.Section forwarding() {
    List<List<String>> queues = new ArrayList<>();
    List<List<String>> drops = new ArrayList<>();
    for (OtlpExporter e : parts.forwarder().map(ForwardFanOut::exporters).orElse(List.of())) {
      ExporterStats st = e.stats();
      String id = e.config().id().toString();
      queues.add(List.of(id, e.config().endpoint().toString(), e.durable() ? "file" : "memory",
          Long.toString(st.queuedRequests()), Long.toString(st.queuedPoints()), Long.toString(st.inFlightPoints()),
          Long.toString(st.sentPoints()), Long.toString(st.retries()), Long.toString(st.totalDroppedPoints())));
      for (DropReason r : DropReason.values()) {
        if (st.droppedPoints(r) > 0) {
          drops.add(List.of(id, "dropped: " + r.label(), Long.toString(st.droppedPoints(r))));
        }
      }
      for (RefusalReason r : RefusalReason.values()) {
        if (st.refusedPoints(r) > 0) {
          drops.add(List.of(id, "refused: " + r.label(), Long.toString(st.refusedPoints(r))));
        }
      }
    }
    return new StatusPage.Section("forwarding", "Forwarding", List.of(), List.of(
        new StatusPage.Table("exporters", "OTLP exporters and their queues", List.of("exporter", "endpoint", "queue",
            "queued requests", "queued points", "in flight", "sent points", "retries", "dropped points"), queues, 0,
            "no OTLP exporter configured"),
        new StatusPage.Table("exporter-drops", "Points dropped or refused, by exporter and reason",
            List.of("exporter", "reason", "points"), drops, 0, "nothing dropped")));
  }

  // ---- scraping ----

  private StatusPage.Section scraping() {
    List<List<String>> rows = new ArrayList<>();
    int total = 0;
    if (parts.scrape().isPresent()) {
      ScrapeManager m = parts.scrape().get();
      total = m.targetCount();
      for (ScrapeManager.TargetStatus t : m.status(TOP_TARGETS)) {
        ScrapeManager.LastScrape last = t.last();
        rows.add(List.of(t.receiver(), t.job(), t.target().url().toString(),
            last == null ? "pending" : last.up() ? "up" : "down",
            last == null ? "never" : instant(last.startMillis()),
            last == null ? "" : String.format(java.util.Locale.ROOT, "%.3f s", last.durationSeconds()),
            last == null ? "" : last.error()));
      }
    }
    return new StatusPage.Section("scraping", "Scrape targets", List.of(), List.of(
        new StatusPage.Table("scrape-targets", "Targets (those down first)", List.of("receiver", "job", "target", "up",
            "last scrape", "duration", "last error"), rows, Math.max(0, total - rows.size()),
            parts.scrape().isPresent() ? "no target discovered yet" : "no scrape receiver configured")));
  }

  // ---- formatting ----

  private static String count(double v) {
    return Long.toString((long) v);
  }

  static String instant(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** {@code 1h2m3s}, {@code 250ms}: as durations are written in configuration. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    StringBuilder sb = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    long rest = d.toMillisPart();
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0 || rest > 0) {
      sb.append(s);
      if (rest > 0) {
        sb.append('.').append(String.format(java.util.Locale.ROOT, "%03d", rest).replaceAll("0+$", ""));
      }
      sb.append('s');
    }
    return sb.toString();
  }
}
