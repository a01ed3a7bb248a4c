package dev.rosetta.e2e.bench;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's load client: sends OTLP/HTTP protobuf requests of Go runtime metrics (named by
 * their paths, see {@link GoPayloads}) to a receiver that runs as another process, and reads that
 * process's CPU time and memory from {@code /proc}.
 *
 * <pre>
 * java -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.bench.OtlpLoadClient MODE \
 *     --url http://127.0.0.1:4318/v1/metrics --pid PID --name rosetta [options]
 *
 * throughput  as fast as the receiver answers: --points-per-request 1060 --requests 100
 *             --connections 4 --warmup 10s --duration 30s
 * rate        a steady rate: --rate 10000 --points-per-request 106 --requests 10 --warmup 30s --duration 60s
 * scrape      loads --requests x --points-per-request series once, then times --scrapes GETs of
 *             --metrics-url alone right away (cold: the JIT compiler still at work), again after
 *             --warmup of back-to-back scrapes, then with Accept-Encoding: gzip (as Prometheus
 *             scrapes), and then while --connections send at full speed
 * </pre>
 *
 * Every mode takes {@code --histogram-bounds} (40): the explicit bounds of each of the eight Go
 * histograms a process reports. A receiver that stores buckets as series of their own (vmagent,
 * VictoriaMetrics) handles bounds + 3 samples per histogram point.
 *
 * Each run prints one line and appends a tab-separated record to {@code --results} for
 * {@link BenchReport}. CPU is utime + stime of {@code /proc/PID/stat} over the measured window, peak
 * memory is VmHWM of {@code /proc/PID/status} (the whole life of the process, warm-up included). The
 * warm-up lasts {@code --warmup} and at least until every distinct request was answered once.
 */
public final class OtlpLoadClient {
  private static final String PROTOBUF = "application/x-protobuf";

  private final Map<String, String> opts;
  private final URI url;
  private final ProcStats receiver;
  private final ProcStats self;
  private final int connections;
  private final int histogramBounds;

  private OtlpLoadClient(Map<String, String> opts) {
    this.opts = opts;
    this.url = URI.create(require("url"));
    long ticks = Long.parseLong(opts.getOrDefault("clk-tck", "100"));
    this.receiver = new ProcStats(require("pid"), ticks);
    this.self = new ProcStats(Long.toString(ProcessHandle.current().pid()), ticks);
    this.connections = Integer.parseInt(opts.getOrDefault("connections", "4"));
    this.histogramBounds = Integer.parseInt(opts.getOrDefault("histogram-bounds", "40"));
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: OtlpLoadClient throughput|rate|scrape --url URL --pid PID [--name NAME] [options]");
      System.exit(2);
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        System.err.println("expected --key value, got " + args[i]);
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    OtlpLoadClient client = new OtlpLoadClient(opts);
    switch (args[0]) {
      case "throughput" -> client.throughput();
      case "rate" -> client.rate();
      case "scrape" -> client.scrape();
      default -> {
        System.err.println("unknown mode " + args[0] + ": throughput, rate or scrape");
        System.exit(2);
      }
    }
  }

  /** Counters shared by the sending threads. */
  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder points = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder rejectedPoints = new LongAdder();
    final LongAdder failed = new LongAdder();
    final List<long[]> latencies = new ArrayList<>();
    volatile boolean measuring;
    volatile String lastError = "";

    long[] snapshot() {
      return new long[] {requests.sum(), points.sum(), refused.sum(), rejectedPoints.sum(), failed.sum()};
    }
  }

  /** A sender thread: one connection, payloads i, i + n, i + 2n, ... as paced by {@code intervalNanos}. */
  private Thread sender(int id, List<byte[]> requests, int pointsPerRequest, long intervalNanos,
      AtomicBoolean stop, Counters c) {
    Thread t = new Thread(() -> {
      long[] lat = new long[1 << 16];
      int n = 0;
      try (HttpConnection conn = new HttpConnection(url, 30_000)) {
        int i = id;
        long next = System.nanoTime() + (intervalNanos * id) / Math.max(1, connections);
        while (!stop.get()) {
          if (intervalNanos > 0) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
              continue;
            }
            next += intervalNanos;
          }
          byte[] req = requests.get(i % requests.size());
          i += connections;
          long t0 = System.nanoTime();
          try {
            HttpConnection.Response r = conn.exchange(req, 64 * 1024);
            long took = System.nanoTime() - t0;
            if (r.status() / 100 == 2) {
              long rejected = rejected(r);
              c.requests.increment();
              c.points.add(pointsPerRequest - rejected);
              c.rejectedPoints.add(rejected);
              if (rejected > 0 && c.lastError.isEmpty()) {
                c.lastError = "partial success: " + partialMessage(r);
              }
            } else if (r.status() == 429 || r.status() == 503) {
              c.refused.increment();
              LockSupport.parkNanos(5_000_000L);
            } else {
              c.failed.increment();
              c.lastError = "HTTP " + r.status() + ": " + (r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8).strip());
            }
            if (c.measuring) {
              if (n == lat.length) {
                lat = Arrays.copyOf(lat, n * 2);
              }
              lat[n++] = took;
            }
          } catch (IOException e) {
            c.failed.increment();
            c.lastError = e.toString();
            LockSupport.parkNanos(50_000_000L);
          }
        }
      }
      synchronized (c.latencies) {
        c.latencies.add(Arrays.copyOf(lat, n));
      }
    }, "bench-sender-" + id);
    t.setDaemon(true);
    return t;
  }

  private static long rejected(HttpConnection.Response r) {
    if (r.body() == null || r.body().length == 0 || !r.contentType().contains("protobuf")) {
      return 0;
    }
    try {
      return ExportMetricsServiceResponse.parseFrom(r.body()).getPartialSuccess().getRejectedDataPoints();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String partialMessage(HttpConnection.Response r) {
    try {
      return ExportMetricsServiceResponse.parseFrom(r.body()).getPartialSuccess().getErrorMessage();
    } catch (IOException e) {
      return "(unreadable response)";
    }
  }

  /** What one measured window gave. */
  private record Window(double seconds, double cpuSeconds, double clientCpuSeconds, long[] counts, long[] latencies) {
    double pointsPerSecond() {
      return counts[1] / seconds;
    }

    double latencyMillis(double p) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1);
      return latencies[Math.max(0, i)] / 1e6;
    }
  }

  /** Runs the senders for warm-up plus duration and measures the second part. */
  private Window drive(List<byte[]> requests, int pointsPerRequest, long intervalNanos, Duration warmup,
      Duration duration) throws InterruptedException {
    Counters c = new Counters();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      threads.add(sender(i, requests, pointsPerRequest, intervalNanos, stop, c));
    }
    threads.forEach(Thread::start);
    Thread.sleep(warmup.toMillis());
    // the warm-up lasts until every distinct request was answered once: a receiver that is slow to
    // create series is measured after it has them all (at most five minutes more)
    long waitUntil = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (c.requests.sum() + c.failed.sum() < requests.size() && System.nanoTime() < waitUntil) {
      Thread.sleep(100);
    }
    c.measuring = true;
    long[] before = c.snapshot();
    double cpu0 = receiver.cpuSeconds();
    double self0 = self.cpuSeconds();
    long t0 = System.nanoTime();
    Thread.sleep(duration.toMillis());
    long[] after = c.snapshot();
    double cpu1 = receiver.cpuSeconds();
    double self1 = self.cpuSeconds();
    long t1 = System.nanoTime();
    stop.set(true);
    for (Thread t : threads) {
      t.join(35_000);
    }
    long[] delta = new long[after.length];
    for (int i = 0; i < after.length; i++) {
      delta[i] = after[i] - before[i];
    }
    long[] lat;
    synchronized (c.latencies) {
      lat = c.latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    }
    if (!c.lastError.isEmpty()) {
      System.out.println("  note: " + c.lastError);
    }
    return new Window((t1 - t0) / 1e9, cpu1 - cpu0, self1 - self0, delta, lat);
  }

  private void throughput() throws Exception {
    int ppr = Integer.parseInt(opts.getOrDefault("points-per-request", "1060"));
    int n = Integer.parseInt(opts.getOrDefault("requests", "100"));
    List<byte[]> requests = encode(GoPayloads.requests(n, ppr, 0, histogramBounds));
    Window w = drive(requests, ppr, 0, duration("warmup", "10s"), duration("duration", "30s"));
    double perCpu = w.counts[1] / w.cpuSeconds;
    long hwm = receiver.peakRssKib();
    System.out.printf(Locale.ROOT,
        "%-16s round %s: %,11.0f points/s  %,11.0f points per receiver CPU-second  receiver %.2f cores"
            + "  peak RSS %,d MiB  latency p50 %.1f ms p99 %.1f ms  refused %d  rejected points %d  failed %d"
            + "  client %.2f cores%n",
        name(), opts.getOrDefault("round", "1"), w.pointsPerSecond(), perCpu, w.cpuSeconds / w.seconds,
        hwm >> 10, w.latencyMillis(0.5), w.latencyMillis(0.99), w.counts[2], w.counts[3], w.counts[4],
        w.clientCpuSeconds / w.seconds);
    record(opts.getOrDefault("kind", "throughput"), w, perCpu, hwm, receiver.rssKib());
  }

  private void rate() throws Exception {
    int ppr = Integer.parseInt(opts.getOrDefault("points-per-request", "106"));
    int n = Integer.parseInt(opts.getOrDefault("requests", "10"));
    double rate = Double.parseDouble(opts.getOrDefault("rate", "10000"));
    List<byte[]> requests = encode(GoPayloads.requests(n, ppr, 0, histogramBounds));
    long interval = (long) (1e9 * ppr * connections / rate);
    Window w = drive(requests, ppr, interval, duration("warmup", "30s"), duration("duration", "60s"));
    long hwm = receiver.peakRssKib();
    long rss = receiver.rssKib();
    System.out.printf(Locale.ROOT,
        "%-16s %,8.0f points/s over %,d series: %5.1f%% of a core  RSS %,d MiB (peak %,d MiB)"
            + "  latency p50 %.1f ms p99 %.1f ms  refused %d  failed %d%n",
        name(), w.pointsPerSecond(), (long) n * ppr, 100 * w.cpuSeconds / w.seconds, rss >> 10, hwm >> 10,
        w.latencyMillis(0.5), w.latencyMillis(0.99), w.counts[2], w.counts[4]);
    record("rate", w, w.counts[1] / w.cpuSeconds, hwm, rss);
  }

  private void scrape() throws Exception {
    int ppr = Integer.parseInt(opts.getOrDefault("points-per-request", "1060"));
    int n = Integer.parseInt(opts.getOrDefault("requests", "100"));
    int scrapes = Integer.parseInt(opts.getOrDefault("scrapes", "20"));
    URI metrics = URI.create(require("metrics-url"));
    List<byte[]> requests = encode(GoPayloads.requests(n, ppr, 0, histogramBounds));
    try (HttpConnection conn = new HttpConnection(url, 60_000)) {
      for (byte[] r : requests) {
        HttpConnection.Response resp = conn.exchange(r, 64 * 1024);
        if (resp.status() / 100 != 2) {
          throw new IllegalStateException("loading the series: HTTP " + resp.status());
        }
      }
    }
    byte[] get = HttpConnection.get(metrics);
    Duration warmup = duration("warmup", "5s");
    long[] cold;
    long[] idle;
    long[] gzip;
    long bytes;
    long gzipBytes;
    int warming = 0;
    try (HttpConnection conn = new HttpConnection(metrics, 120_000)) {
      bytes = conn.exchange(get, 0).length(); // the first scrape is not counted
      // the first scrapes after loading, while the JIT compiler is still at work on the exposition path
      cold = timeScrapes(conn, get, scrapes);
      // then scrapes back to back for --warmup, and the same number timed once the path is compiled
      for (long end = System.nanoTime() + warmup.toNanos(); System.nanoTime() < end; warming++) {
        conn.exchange(get, 0);
      }
      idle = timeScrapes(conn, get, scrapes);
      // as Prometheus scrapes: gzip asked for (after one untimed scrape that compiles the compressing path)
      byte[] gzipGet = HttpConnection.get(metrics, "gzip");
      gzipBytes = conn.exchange(gzipGet, 0).length();
      gzip = timeScrapes(conn, gzipGet, scrapes);
    }
    System.out.printf(Locale.ROOT,
        "%-16s /metrics with %,d series loaded (histograms included), %,d bytes: first %d scrapes median %.1f ms,"
            + " p99 %.1f ms; after %d more (%s), median %.1f ms, p99 %.1f ms over %d scrapes; peak RSS %,d MiB%n",
        name(), (long) n * ppr, bytes, scrapes, pct(cold, 0.5), pct(cold, 0.99), warming, opts.get("warmup"),
        pct(idle, 0.5), pct(idle, 0.99), scrapes, receiver.peakRssKib() >> 10);
    appendResult(String.join("\t", "scrape-cold", opts.getOrDefault("round", "1"), name(),
        fmt(pct(cold, 0.5)), fmt(pct(cold, 0.99)), Long.toString(bytes), Integer.toString(scrapes),
        Long.toString(receiver.peakRssKib())));
    appendResult(String.join("\t", "scrape", opts.getOrDefault("round", "1"), name(),
        fmt(pct(idle, 0.5)), fmt(pct(idle, 0.99)), Long.toString(bytes), Integer.toString(scrapes),
        Long.toString(receiver.peakRssKib())));
    System.out.printf(Locale.ROOT, "%-16s /metrics gzip (as Prometheus asks), %,d bytes: median %.1f ms, p99 %.1f ms"
        + " over %d scrapes%n", name(), gzipBytes, pct(gzip, 0.5), pct(gzip, 0.99), scrapes);
    appendResult(String.join("\t", "scrape-gzip", opts.getOrDefault("round", "1"), name(),
        fmt(pct(gzip, 0.5)), fmt(pct(gzip, 0.99)), Long.toString(gzipBytes), Integer.toString(scrapes),
        Long.toString(receiver.peakRssKib())));

    // the same scrapes while the senders go at full speed
    Counters c = new Counters();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      threads.add(sender(i, requests, ppr, 0, stop, c));
    }
    threads.forEach(Thread::start);
    Thread.sleep(duration("warmup", "5s").toMillis());
    long[] before = c.snapshot();
    long t0 = System.nanoTime();
    long[] loaded;
    try (HttpConnection conn = new HttpConnection(metrics, 120_000)) {
      loaded = timeScrapes(conn, get, scrapes);
    }
    long[] after = c.snapshot();
    double secs = (System.nanoTime() - t0) / 1e9;
    stop.set(true);
    for (Thread t : threads) {
      t.join(35_000);
    }
    double pps = (after[1] - before[1]) / secs;
    System.out.printf(Locale.ROOT,
        "%-16s /metrics under full ingest: median %.1f ms, p99 %.1f ms over %d scrapes; ingest meanwhile"
            + " %,.0f points/s (refused %d, failed %d); peak RSS %,d MiB%n",
        name(), pct(loaded, 0.5), pct(loaded, 0.99), scrapes, pps, after[2] - before[2], after[4] - before[4],
        receiver.peakRssKib() >> 10);
    appendResult(String.join("\t", "scrape-loaded", opts.getOrDefault("round", "1"), name(),
        fmt(pct(loaded, 0.5)), fmt(pct(loaded, 0.99)), fmt(pps), Integer.toString(scrapes),
        Long.toString(receiver.peakRssKib())));
  }

  private static long[] timeScrapes(HttpConnection conn, byte[] get, int scrapes) throws IOException {
    long[] times = new long[scrapes];
    for (int i = 0; i < scrapes; i++) {
      long t0 = System.nanoTime();
      HttpConnection.Response r = conn.exchange(get, 0);
      times[i] = System.nanoTime() - t0;
      if (r.status() != 200) {
        throw new IllegalStateException("GET /metrics: HTTP " + r.status());
      }
    }
    Arrays.sort(times);
    return times;
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  private List<byte[]> encode(List<byte[]> bodies) {
    List<byte[]> out = new ArrayList<>(bodies.size());
    for (byte[] b : bodies) {
      out.add(HttpConnection.post(url, PROTOBUF, b));
    }
    return out;
  }

  private void record(String kind, Window w, double perCpu, long hwm, long rss) {
    appendResult(String.join("\t", kind, opts.getOrDefault("round", "1"), name(),
        fmt(w.pointsPerSecond()), fmt(perCpu), fmt(w.cpuSeconds / w.seconds), Long.toString(hwm),
        Long.toString(rss), Long.toString(w.counts[2]), Long.toString(w.counts[3]), Long.toString(w.counts[4]),
        fmt(w.latencyMillis(0.5)), fmt(w.latencyMillis(0.99)), fmt(w.clientCpuSeconds / w.seconds)));
  }

  private void appendResult(String line) {
    String file = opts.get("results");
    if (file == null) {
      return;
    }
    try {
      Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }

  private String name() {
    return opts.getOrDefault("name", "receiver");
  }

  private String require(String key) {
    String v = opts.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  private Duration duration(String key, String dflt) {
    String s = opts.getOrDefault(key, dflt);
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    if (s.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }
    if (s.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
    }
    return Duration.ofSeconds(Long.parseLong(s));
  }
}
