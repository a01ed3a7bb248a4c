package dev.rosetta.e2e;

import dev.rosetta.model.name.GoCatalog;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.server.ByteArrayMarshaller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load harness: runs Rosetta in process on loopback, sends pre-encoded OTLP/gRPC batches of
 * {@code --points} points from {@code --clients} parallel clients for {@code --duration}, and prints
 * sustained points/s, request latency percentiles, peak heap and the protobuf parse-only ceiling on
 * the same payloads, plus the time to render {@code /metrics}.
 *
 * <pre>
 * java -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.LoadHarness \
 *     [--duration 30s] [--clients 4] [--points 1000] [--series 100000] [--names otlp|go]
 *     [--forward memory,file,file-fsync [--rounds 3]]
 * </pre>
 *
 * <p>With {@code --forward}, one run per sending queue named, one after the other in the same JVM:
 * each Rosetta forwards over OTLP/gRPC to an in-process sink that acknowledges at once, through a
 * memory queue, a file queue ({@code file_storage}, {@code fsync: false}) or a file queue with
 * {@code fsync: true} (group commit), and a table compares sustained points/s, latency and the
 * cost of the syncs. {@code --rounds N} repeats the list N times, interleaved, and reports medians.
 *
 * Bounded in time and count; loopback only. Peak heap is that of the whole JVM (server and clients);
 * the clients reuse pre-encoded payloads, so their share is small.
 */
public final class LoadHarness {
  private LoadHarness() {}

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(30);
    int clients = 4;
    int points = 1000;
    int series = 100_000;
    String names = "otlp";
    List<String> forward = List.of();
    int rounds = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--duration" -> duration = parseDuration(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--points" -> points = Integer.parseInt(args[++i]);
        case "--series" -> series = Integer.parseInt(args[++i]);
        case "--names" -> names = args[++i];
        case "--forward" -> forward = List.of(args[++i].split(","));
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    List<byte[]> payloads = payloads(series, points, names);
    points = pointsIn(payloads.get(0));
    System.out.printf(Locale.ROOT, "payloads (%s names): %d requests of %d points (%d distinct series), %d bytes each%n",
        names, payloads.size(), points, series, payloads.get(0).length);

    double parseOne = parseCeiling(payloads, points, 1, Duration.ofSeconds(5));
    double parseAll = parseCeiling(payloads, points, Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(5));
    System.out.printf(Locale.ROOT, "parse-only ceiling: %,.0f points/s on 1 thread, %,.0f points/s on %d threads%n",
        parseOne, parseAll, Runtime.getRuntime().availableProcessors());

    if (!forward.isEmpty()) {
      ForwardBench.run(forward, rounds, payloads, points, clients, duration);
      return;
    }
    RosettaConfig cfg = ConfigLoader.parse("""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0"}
              http: {endpoint: "127.0.0.1:0"}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        """, "load-harness", Map.of());
    try (RosettaService svc = Rosetta.create(cfg)) {
      svc.start();
      InetSocketAddress grpc = svc.grpcAddress().orElseThrow();
      resetPeaks();
      Result r = run(grpc, payloads, points, clients, duration);
      long peak = peakHeap();
      System.out.printf(Locale.ROOT, "sent: %,d requests, %,d points in %.1f s with %d clients%n",
          r.requests, r.requests * (long) points, r.seconds, clients);
      System.out.printf(Locale.ROOT, "sustained: %,.0f points/s (%.0f%% of the %d-thread parse ceiling)%n",
          r.pointsPerSecond(points), 100 * r.pointsPerSecond(points) / parseAll,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms; errors: %d%n",
          r.percentile(0.50), r.percentile(0.99), r.percentile(1.0), r.errors);
      System.out.printf(Locale.ROOT, "peak heap: %,d MiB; live series: %,d%n", peak >> 20,
          svc.components().store().seriesCount());
      scrapeTimes(svc.metricsAddress());
    }
  }

  static Duration parseDuration(String s) {
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

  /** Requests covering {@code series} distinct series, {@code points} points each. */
  static List<byte[]> payloads(int series, int points, String names) {
    return names.equals("go") ? goPayloads(series, points) : otlpPayloads(series, points);
  }

  /** OTLP-named sums and gauges with three attributes, 100 points per metric. */
  static List<byte[]> otlpPayloads(int series, int points) {
    int requests = Math.max(1, series / points);
    List<byte[]> out = new ArrayList<>(requests);
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int r = 0; r < requests; r++) {
      ResourceMetrics.Builder rm = ResourceMetrics.newBuilder().setResource(Resource.newBuilder()
          .addAttributes(kv("service.name", "load"))
          .addAttributes(kv("service.instance.id", "pod-" + r)));
      ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
      int perMetric = 100;
      for (int m = 0; m < points / perMetric; m++) {
        Metric.Builder mb = Metric.newBuilder().setName("app.requests." + m).setUnit("1");
        Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int p = 0; p < perMetric; p++) {
          NumberDataPoint dp = NumberDataPoint.newBuilder()
              .addAttributes(kv("route", "/api/v" + (p % 10)))
              .addAttributes(kv("code", Integer.toString(200 + p / 10)))
              .addAttributes(kv("region", "eu-west-" + (m % 3)))
              .setStartTimeUnixNano(now - 60_000_000_000L)
              .setTimeUnixNano(now)
              .setAsDouble(r * 1000 + m * 100 + p)
              .build();
          if (m % 2 == 0) {
            sum.addDataPoints(dp);
          } else {
            gauge.addDataPoints(dp);
          }
        }
        if (m % 2 == 0) {
          mb.setSum(sum);
        } else {
          mb.setGauge(gauge);
        }
        sm.addMetrics(mb);
      }
      rm.addScopeMetrics(sm);
      out.add(ExportMetricsServiceRequest.newBuilder().addResourceMetrics(rm).build().toByteArray());
    }
    return out;
  }

  /**
   * Go runtime snapshots as OTLP: every metric Go describes, named by its runtime path, one resource
   * per process; each request holds as many whole processes as fit in {@code points}.
   */
  static List<byte[]> goPayloads(int series, int points) {
    List<GoCatalog.Entry> catalog = new ArrayList<>(GoCatalog.all().values());
    catalog.sort(java.util.Comparator.comparing(GoCatalog.Entry::name));
    int perProcess = catalog.size();
    int perRequest = Math.max(1, points / perProcess);
    int processes = Math.max(1, series / perProcess);
    long now = System.currentTimeMillis() * 1_000_000L;
    List<byte[]> out = new ArrayList<>();
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (int proc = 0; proc < processes; proc++) {
      ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
      for (GoCatalog.Entry e : catalog) {
        Metric.Builder m = Metric.newBuilder().setName(e.name());
        if (e.kind() == GoCatalog.Kind.FLOAT64_HISTOGRAM) {
          io.opentelemetry.proto.metrics.v1.HistogramDataPoint.Builder h =
              io.opentelemetry.proto.metrics.v1.HistogramDataPoint.newBuilder().setTimeUnixNano(now);
          long total = 0;
          for (int b = 0; b < 60; b++) {
            h.addExplicitBounds(Math.pow(2, b - 30));
          }
          for (int b = 0; b <= 60; b++) {
            long c = (b * 7 + proc) % 5;
            h.addBucketCounts(c);
            total += c;
          }
          m.setHistogram(io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
              .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
              .addDataPoints(h.setCount(total)));
        } else {
          NumberDataPoint dp = NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(proc + 1).build();
          if (e.cumulative()) {
            m.setSum(Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(dp));
          } else {
            m.setGauge(Gauge.newBuilder().addDataPoints(dp));
          }
        }
        sm.addMetrics(m);
      }
      req.addResourceMetrics(ResourceMetrics.newBuilder().setResource(Resource.newBuilder()
              .addAttributes(kv("service.name", "checkout"))
              .addAttributes(kv("service.instance.id", "pod-" + proc)))
          .addScopeMetrics(sm));
      if (req.getResourceMetricsCount() == perRequest) {
        out.add(req.build().toByteArray());
        req = ExportMetricsServiceRequest.newBuilder();
      }
    }
    if (req.getResourceMetricsCount() > 0) {
      out.add(req.build().toByteArray());
    }
    return out;
  }

  static int pointsIn(byte[] payload) {
    try {
      int n = 0;
      for (var rm : ExportMetricsServiceRequest.parseFrom(payload).getResourceMetricsList()) {
        for (var sm : rm.getScopeMetricsList()) {
          for (var m : sm.getMetricsList()) {
            n += m.getSum().getDataPointsCount() + m.getGauge().getDataPointsCount()
                + m.getHistogram().getDataPointsCount();
          }
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static double parseCeiling(List<byte[]> payloads, int points, int threads, Duration d) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong parsed = new AtomicLong();
    long end = System.nanoTime() + d.toNanos();
    long start = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      fs.add(pool.submit(() -> {
        int i = offset;
        long n = 0;
        while (System.nanoTime() < end) {
          try {
            ExportMetricsServiceRequest.parseFrom(payloads.get(i++ % payloads.size()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          n++;
        }
        parsed.addAndGet(n);
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    double secs = (System.nanoTime() - start) / 1e9;
    return parsed.get() * (double) points / secs;
  }

  record Result(long requests, long errors, double seconds, long[] latenciesNanos) {
    double pointsPerSecond(int points) {
      return requests * (double) points / seconds;
    }

    double percentile(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p * latenciesNanos.length) - 1);
      return latenciesNanos[Math.max(0, i)] / 1e6;
    }
  }

  static Result run(InetSocketAddress target, List<byte[]> payloads, int points, int clients, Duration d)
      throws Exception {
    MethodDescriptor<byte[], byte[]> export = MetricsServiceGrpc.getExportMethod().toBuilder(ByteArrayMarshaller.INSTANCE, ByteArrayMarshaller.INSTANCE).build();
    ManagedChannel[] channels = new ManagedChannel[clients];
    for (int i = 0; i < clients; i++) {
      channels[i] = NettyChannelBuilder.forAddress(target).usePlaintext().build();
    }
    // warm-up: every payload once, so the series exist and the JIT has seen the path
    for (int i = 0; i < payloads.size(); i++) {
      ClientCalls.blockingUnaryCall(channels[i % clients], export, CallOptions.DEFAULT, payloads.get(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long end = System.nanoTime() + d.toNanos();
    long start = System.nanoTime();
    List<Future<long[]>> fs = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    for (int c = 0; c < clients; c++) {
      int id = c;
      fs.add(pool.submit(() -> {
        long[] lat = new long[1 << 16];
        int n = 0;
        int i = id;
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          try {
            ClientCalls.blockingUnaryCall(channels[id], export,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), payloads.get(i % payloads.size()));
          } catch (RuntimeException e) {
            errors.incrementAndGet();
          }
          if (n == lat.length) {
            lat = Arrays.copyOf(lat, n * 2);
          }
          lat[n++] = System.nanoTime() - t0;
          i += clients;
        }
        return Arrays.copyOf(lat, n);
      }));
    }
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : fs) {
      all.add(f.get());
    }
    double secs = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(lat.length - errors.get(), errors.get(), secs, lat);
  }

  static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  static long peakHeap() {
    long total = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        total += p.getPeakUsage().getUsed();
      }
    }
    return total;
  }

  static void scrapeTimes(InetSocketAddress metrics) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create("http://" + metrics.getHostString() + ":" + metrics.getPort() + "/metrics");
    long best = Long.MAX_VALUE;
    long bytes = 0;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      best = Math.min(best, System.nanoTime() - t0);
      bytes = resp.body().length;
    }
    System.out.printf(Locale.ROOT, "/metrics render: best of 5 %.1f ms for %,d bytes%n", best / 1e6, bytes);
  }

}
