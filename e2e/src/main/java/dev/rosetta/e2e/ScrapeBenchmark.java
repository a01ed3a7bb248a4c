package dev.rosetta.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.scrape.ScrapeFailure;
import dev.rosetta.receiver.scrape.ScrapeManager;
import io.prometheus.client.Collector;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scrape benchmark: {@code --targets} targets of {@code --samples} samples each, scraped every
 * {@code --interval}, served by a small HTTP server in the same JVM on loopback (one port, one path
 * per target, found through a file_sd file). After one interval of warm-up it measures for
 * {@code --duration} and prints: scrapes done and failed, the CPU time of Rosetta's scrape threads
 * (I/O, workers, timer; the target server's threads are not counted) per scrape and per target, the
 * heap held per target (after GC, scraping vs. before the targets were known), and the scrape lag
 * distribution (scheduled instant to request sent).
 *
 * <pre>
 * java -Xmx2g -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.ScrapeBenchmark \
 *     [--targets 1000] [--samples 500] [--interval 15s] [--duration 60s]
 * </pre>
 *
 * Bounded in time; loopback only.
 */
public final class ScrapeBenchmark {
  private ScrapeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>(Map.of("--targets", "1000", "--samples", "500",
        "--interval", "15s", "--duration", "60s"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opts.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + opts.keySet());
      }
      opts.put(args[i], args[i + 1]);
    }
    int targets = Integer.parseInt(opts.get("--targets"));
    int samples = Integer.parseInt(opts.get("--samples"));
    Duration interval = dev.rosetta.receiver.config.ValueParsers.parseDuration(opts.get("--interval"));
    Duration duration = dev.rosetta.receiver.config.ValueParsers.parseDuration(opts.get("--duration"));

    byte[] body = exposition(samples);
    ExecutorService serverThreads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "bench-target-server");
      t.setDaemon(true);
      return t;
    });
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(serverThreads);
    server.start();
    String address = "127.0.0.1:" + server.getAddress().getPort();

    Path dir = Files.createTempDirectory("rosetta-scrape-bench");
    Path targetsFile = dir.resolve("targets.json");
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < targets; i++) {
      json.append(i == 0 ? "" : ",").append("{\"targets\":[\"").append(address)
          .append("\"],\"labels\":{\"__metrics_path__\":\"/t/").append(i).append("\",\"instance\":\"target-")
          .append(i).append("\"}}");
    }
    Files.writeString(targetsFile, json.append("]").toString());
    String yaml = """
        receivers:
          prometheus:
            config:
              scrape_configs:
                - job_name: bench
                  scrape_interval: %s
                  scrape_timeout: %s
                  file_sd_configs: [{files: ["%s"]}]
        exporters:
          prometheus: {endpoint: "127.0.0.1:0", metric_expiration: 10m}
        limits: {max_series: 2000000, max_series_per_family: 2000000}
        """.formatted(opts.get("--interval"), opts.get("--interval"), targetsFile);
    Path config = dir.resolve("rosetta.yaml");
    Files.writeString(config, yaml);

    System.out.printf(Locale.ROOT, "scrape benchmark: %d targets x %d samples every %s, measured for %s; %d cores,"
        + " max heap %d MiB%n", targets, samples, opts.get("--interval"), opts.get("--duration"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    long heapBefore = usedHeapAfterGc();
    RosettaService svc = Rosetta.create(ConfigLoader.load(config, Map.of()));
    try {
      svc.start();
      ScrapeManager scrape = svc.components().scrape().orElseThrow();
      // warm-up: every target scraped at least once
      long warmEnd = System.nanoTime() + interval.toNanos() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < warmEnd && scrape.metrics().scrapes("prometheus", "bench") < targets) {
        Thread.sleep(200);
      }
      double scrapesBefore = scrape.metrics().scrapes("prometheus", "bench");
      long cpuBefore = scrapeThreadsCpuNanos();
      double[] lagBefore = lagBuckets(scrape);
      long start = System.nanoTime();
      Thread.sleep(duration.toMillis());
      long elapsed = System.nanoTime() - start;
      long cpu = scrapeThreadsCpuNanos() - cpuBefore;
      double scrapes = scrape.metrics().scrapes("prometheus", "bench") - scrapesBefore;
      double[] lagAfter = lagBuckets(scrape);
      long heapScraping = usedHeapAfterGc();
      double failures = 0;
      for (ScrapeFailure f : ScrapeFailure.values()) {
        failures += scrape.metrics().failures("prometheus", "bench", f);
      }
      System.out.printf(Locale.ROOT, "scrapes: %.0f in %.1f s (%.1f/s; expected %.1f/s), failures in total: %.0f%n",
          scrapes, elapsed / 1e9, scrapes / (elapsed / 1e9), targets / (interval.toNanos() / 1e9), failures);
      System.out.printf(Locale.ROOT, "store: %d series%n", svc.components().store().seriesCount());
      System.out.printf(Locale.ROOT, "CPU of the scrape threads: %.1f ms per scrape (%.2f us per sample),"
          + " %.4f cores in all, %.2f millicores per target%n", cpu / 1e6 / scrapes, cpu / 1e3 / scrapes / samples,
          cpu / (double) elapsed, 1000.0 * cpu / elapsed / targets);
      System.out.printf(Locale.ROOT, "heap after GC: %d MiB before, %d MiB scraping: %.1f KiB per target%n",
          heapBefore >> 20, heapScraping >> 20, (heapScraping - heapBefore) / 1024.0 / targets);
      printLag(lagBefore, lagAfter);
    } finally {
      svc.stop();
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }

  /** {@code samples} samples: counters over ten label values, and one histogram per ten families. */
  static byte[] exposition(int samples) {
    StringBuilder b = new StringBuilder();
    int written = 0;
    int family = 0;
    while (written < samples) {
      if (family % 10 == 9 && samples - written >= 12) {
        b.append("# HELP bench_latency_").append(family).append("_seconds Latency.\n# TYPE bench_latency_")
            .append(family).append("_seconds histogram\n");
        double[] bounds = {0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60};
        long c = 0;
        for (double le : bounds) {
          c += 3;
          b.append("bench_latency_").append(family).append("_seconds_bucket{le=\"").append(le).append("\"} ")
              .append(c).append('\n');
        }
        b.append("bench_latency_").append(family).append("_seconds_bucket{le=\"+Inf\"} ").append(c + 1).append('\n');
        b.append("bench_latency_").append(family).append("_seconds_sum 123.4\n");
        b.append("bench_latency_").append(family).append("_seconds_count ").append(c + 1).append('\n');
        written += 13;
      } else {
        b.append("# HELP bench_requests_").append(family).append("_total Requests.\n# TYPE bench_requests_")
            .append(family).append("_total counter\n");
        for (int i = 0; i < 10 && written < samples; i++, written++) {
          b.append("bench_requests_").append(family).append("_total{code=\"").append(200 + i)
              .append("\",method=\"GET\"} ").append(1000 + i * 7).append('\n');
        }
      }
      family++;
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static long scrapeThreadsCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("rosetta-scrape")) {
        long c = mx.getThreadCpuTime(t.getThreadId());
        total += Math.max(0, c);
      }
    }
    return total;
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static final double[] LAG_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
      Double.POSITIVE_INFINITY};

  /** Cumulative counts of the lag histogram by bound. */
  static double[] lagBuckets(ScrapeManager scrape) {
    double[] out = new double[LAG_BOUNDS.length];
    for (Collector.MetricFamilySamples f : scrape.metrics().lagHistogram().collect()) {
      for (Collector.MetricFamilySamples.Sample s : f.samples) {
        if (s.name.endsWith("_bucket")) {
          String le = s.labelValues.get(s.labelNames.indexOf("le"));
          double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
          for (int i = 0; i < LAG_BOUNDS.length; i++) {
            if (LAG_BOUNDS[i] == bound) {
              out[i] += s.value;
            }
          }
        }
      }
    }
    return out;
  }

  static void printLag(double[] before, double[] after) {
    double total = after[after.length - 1] - before[before.length - 1];
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < LAG_BOUNDS.length; i++) {
      double share = total == 0 ? 0 : (after[i] - before[i]) / total;
      parts.add(String.format(Locale.ROOT, "<=%s: %.1f%%", LAG_BOUNDS[i] == Double.POSITIVE_INFINITY ? "inf"
          : (LAG_BOUNDS[i] * 1000) + "ms", share * 100));
    }
    System.out.println("scrape lag (scheduled instant to request sent), cumulative share of " + (long) total
        + " scrapes: " + String.join(", ", parts));
  }
}
