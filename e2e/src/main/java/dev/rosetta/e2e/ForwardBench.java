package dev.rosetta.e2e;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.forward.ExporterStats;
import dev.rosetta.receiver.server.ByteArrayMarshaller;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The load harness with forwarding on: the same load through a memory queue, a file queue and a
 * file queue with fsync, one after the other in one JVM, against a sink that acknowledges at once.
 * What it measures is the cost of the queue on the ingest path (a request is answered once it is
 * queued, and with a file queue once it is written or synced), with the forwarding keeping up.
 */
final class ForwardBench {
  private ForwardBench() {}

  private record Row(String queue, LoadHarness.Result r, int points, ExporterStats stats, double syncs,
      double syncSeconds, long diskBytes) {}

  static void run(List<String> queues, int rounds, List<byte[]> payloads, int points, int clients,
      Duration duration) throws Exception {
    byte[] ok = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
    AtomicLong received = new AtomicLong();
    ServerServiceDefinition sink = ServerServiceDefinition.builder(MetricsServiceGrpc.SERVICE_NAME)
        .addMethod(MetricsServiceGrpc.getExportMethod().toBuilder(ByteArrayMarshaller.INSTANCE,
            ByteArrayMarshaller.INSTANCE).build(), ServerCalls.asyncUnaryCall((req, obs) -> {
              received.addAndGet(req.length);
              obs.onNext(ok);
              obs.onCompleted();
            }))
        .build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(sink)
        .maxInboundMessageSize(256 << 20).build().start();
    List<Row> rows = new ArrayList<>();
    System.out.println("load average at the start: " + loadAverage());
    try {
      // the JIT compiles the ingest and forwarding paths before anything is measured
      System.out.println("warm-up (not measured):");
      one(queues.get(0).trim(), server.getPort(), payloads, points, clients,
          Duration.ofSeconds(Math.max(3, duration.toSeconds() / 3)));
      // rounds interleave the queues, so that a change of the machine's load hits each alike
      for (int round = 1; round <= rounds; round++) {
        for (String queue : queues) {
          rows.add(one(queue.trim(), server.getPort(), payloads, points, clients, duration));
        }
      }
    } finally {
      server.shutdownNow();
    }
    System.out.println();
    System.out.println("load average at the end: " + loadAverage());
    System.out.printf(Locale.ROOT, "%-11s %14s %9s %9s %9s %12s %10s %12s%n", "queue", "points/s", "p50 ms",
        "p99 ms", "errors", "forwarded", "syncs", "ms/sync");
    for (Row row : rows) {
      System.out.printf(Locale.ROOT, "%-11s %,14.0f %9.2f %9.2f %9d %12s %10s %12s%n", row.queue(),
          row.r().pointsPerSecond(row.points()), row.r().percentile(0.5), row.r().percentile(0.99), row.r().errors(),
          String.format(Locale.ROOT, "%,d", row.stats().sentPoints()),
          row.syncs() > 0 ? String.format(Locale.ROOT, "%,.0f", row.syncs()) : "-",
          row.syncs() > 0 ? String.format(Locale.ROOT, "%.2f", 1000 * row.syncSeconds() / row.syncs()) : "-");
    }
    System.out.println();
    double base = median(rows, queues.contains("memory") ? "memory" : queues.get(0).trim());
    for (String queue : queues) {
      String q = queue.trim();
      List<Row> mine = rows.stream().filter(r -> r.queue().equals(q)).toList();
      double requests = mine.stream().mapToDouble(r -> r.r().requests()).sum();
      double syncs = mine.stream().mapToDouble(Row::syncs).sum();
      System.out.printf(Locale.ROOT, "%-11s median %,.0f points/s over %d runs (%.0f%% of memory)%s%n", q,
          median(rows, q), mine.size(), 100 * median(rows, q) / base,
          syncs > 0 ? String.format(Locale.ROOT, "; %.2f requests per sync", requests / syncs) : "");
    }
  }

  private static double median(List<Row> rows, String queue) {
    double[] v = rows.stream().filter(r -> r.queue().equals(queue)).mapToDouble(r -> r.r().pointsPerSecond(r.points()))
        .sorted().toArray();
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Row one(String queue, int sinkPort, List<byte[]> payloads, int points, int clients,
      Duration duration) throws Exception {
    Path dir = Files.createTempDirectory("rosetta-bench-queue");
    try {
      String storage = switch (queue) {
        case "memory" -> "";
        case "file" -> "storage: file_storage, ";
        case "file-fsync" -> "storage: file_storage, ";
        default -> throw new IllegalArgumentException("--forward takes memory, file and file-fsync, not " + queue);
      };
      String yaml = """
          receivers:
            otlp:
              protocols:
                grpc: {endpoint: "127.0.0.1:0", max_recv_msg_size_mib: 64}
          exporters:
            prometheus: {endpoint: "127.0.0.1:0"}
            otlp:
              endpoint: "http://127.0.0.1:%d"
              compression: none
              sending_queue: {%snum_consumers: 4, queue_size: 100000}
              batch: {send_batch_size: 8192, send_batch_max_size: 0, timeout: 20ms}
          extensions:
            file_storage: {directory: "%s", fsync: %s}
          service:
            extensions: [file_storage]
            shutdown_timeout: 30s
          """.formatted(sinkPort, storage, dir, queue.equals("file-fsync"));
      RosettaConfig cfg = ConfigLoader.parse(yaml, "forward-bench", Map.of());
      System.out.printf(Locale.ROOT, "%n%s queue: %d clients for %ds%n", queue, clients, duration.toSeconds());
      try (RosettaService svc = Rosetta.create(cfg)) {
        svc.start();
        LoadHarness.Result r = LoadHarness.run(svc.grpcAddress().orElseThrow(), payloads, points, clients, duration);
        var exporter = svc.components().forwarder().orElseThrow().exporters().get(0);
        long disk = sizeOf(dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (exporter.stats().queuedPoints() + exporter.stats().inFlightPoints() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        CollectorRegistry reg = svc.components().registry();
        double syncs = value(reg, "rosetta_exporter_storage_syncs_total");
        double syncSeconds = value(reg, "rosetta_exporter_storage_sync_seconds_total");
        ExporterStats stats = exporter.stats();
        System.out.printf(Locale.ROOT, "sustained %,.0f points/s, p50 %.2f ms, p99 %.2f ms, %d errors; forwarded %,d"
            + " points, dropped %,d; queue on disk at the end of the load: %,d bytes%n",
            r.pointsPerSecond(points), r.percentile(0.5), r.percentile(0.99), r.errors(), stats.sentPoints(),
            stats.totalDroppedPoints(), disk);
        return new Row(queue, r, points, stats, syncs, syncSeconds, disk);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        System.err.println("could not remove " + dir + ": " + e);
      }
    }
  }

  private static double value(CollectorRegistry reg, String name) {
    Double v = reg.getSampleValue(name, new String[] {"exporter"}, new String[] {"otlp"});
    return v == null ? 0 : v;
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      long n = 0;
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        n += Files.size(p);
      }
      return n;
    }
  }
}
