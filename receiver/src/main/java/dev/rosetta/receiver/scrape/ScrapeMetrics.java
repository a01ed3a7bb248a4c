package dev.rosetta.receiver.scrape;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/**
 * The scrape receivers' own metrics, on the registry {@code /metrics} exposes. Per target, the
 * Prometheus series {@code up}, {@code scrape_duration_seconds}, ... are data (they go through the
 * pipeline with the target's labels); these are totals per receiver and job. Thread-safe.
 */
public final class ScrapeMetrics {
  final Gauge targets = Gauge.build("rosetta_scrape_targets",
      "Targets per receiver and job, by state: active (scraped), dropped (by relabel_configs), invalid"
          + " (no address, bad interval or timeout).")
      .labelNames("receiver", "job", "state").create();
  final Counter scrapes = Counter.build("rosetta_scrape_scrapes_total",
      "Scrapes done, per receiver and job.")
      .labelNames("receiver", "job").create();
  final Counter failures = Counter.build("rosetta_scrape_failures_total",
      "Failed scrapes (up = 0), per receiver, job and reason: connection, timeout, http_status,"
          + " body_size_limit, content_type, parse, sample_limit, label_limit, overloaded.")
      .labelNames("receiver", "job", "reason").create();
  final Counter skipped = Counter.build("rosetta_scrape_skipped_total",
      "Scheduled scrapes skipped because the target's previous scrape was still running.")
      .labelNames("receiver", "job").create();
  final Counter invalidSamples = Counter.build("rosetta_scrape_invalid_samples_total",
      "Scraped samples left out: histograms whose buckets do not add up, duplicate samples, samples"
          + " renamed to nothing.")
      .labelNames("receiver", "job").create();
  final Counter staleSeries = Counter.build("rosetta_scrape_stale_series_total",
      "Series removed because their target stopped exposing them or went away.")
      .labelNames("receiver", "job").create();
  final Counter discoveryErrors = Counter.build("rosetta_discovery_errors_total",
      "Target discovery problems (unreadable file_sd files, Kubernetes API errors), per receiver and"
          + " mechanism.")
      .labelNames("receiver", "mechanism").create();
  final Histogram duration = Histogram.build("rosetta_scrape_duration_seconds",
      "Time from the start of a scrape to its batch being ingested (successful scrapes).")
      .labelNames("receiver", "job")
      .buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).create();
  final Histogram lag = Histogram.build("rosetta_scrape_lag_seconds",
      "Delay between a scrape's scheduled instant and its request going out.")
      .labelNames("receiver")
      .buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5).create();

  public ScrapeMetrics(CollectorRegistry registry) {
    registry.register(targets);
    registry.register(scrapes);
    registry.register(failures);
    registry.register(skipped);
    registry.register(invalidSamples);
    registry.register(staleSeries);
    registry.register(discoveryErrors);
    registry.register(duration);
    registry.register(lag);
  }

  /** Total failures of a job for a reason, for tests and the benchmark. */
  public double failures(String receiver, String job, ScrapeFailure reason) {
    return failures.labels(receiver, job, reason.label).get();
  }

  public double scrapes(String receiver, String job) {
    return scrapes.labels(receiver, job).get();
  }

  public double targets(String receiver, String job, String state) {
    return targets.labels(receiver, job, state).get();
  }

  public double discoveryErrors(String receiver, String mechanism) {
    return discoveryErrors.labels(receiver, mechanism).get();
  }

  /** The lag histogram's bucket counts (cumulative, by upper bound), for the benchmark. */
  public Histogram lagHistogram() {
    return lag;
  }
}
