package dev.rosetta.e2e.bench;

import com.sun.management.ThreadMXBean;
import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.exposition.ScrapeHandler;
import dev.rosetta.receiver.exposition.StoreCollector;
import dev.rosetta.receiver.otlp.OtlpDecoder;
import dev.rosetta.receiver.otlp.OtlpWireDecoder;
import dev.rosetta.receiver.pipeline.IngestService;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ingest path in one thread, without the network: the same OTLP protobuf bodies as the
 * benchmark's client ({@link GoPayloads}: Go runtime paths, so the whole semantic pipeline runs)
 * decoded as the receivers decode them and ingested into the store of a service built from the
 * default configuration (not started: no listeners). Prints, per phase (decoding the protobuf bytes
 * into the model, the pipeline and the store), the thread's CPU nanoseconds and allocated bytes per point, and the
 * points per CPU-second of the whole process (garbage collection included). Steadier than the
 * end-to-end benchmark for comparing changes to the hot path. With {@code --pause-us} the measured
 * requests are paced, the thread sleeping that long after each one (10,000 µs for 106 points is
 * the rate case's pace on one thread): what a request costs after the thread has slept, as on a
 * service at a low rate, where caches have gone cold, against the back-to-back figure.
 *
 * <pre>
 * java -Xmx1g -XX:+UseSerialGC -cp receiver/target/rosetta.jar:e2e/target/classes \
 *     dev.rosetta.e2e.bench.IngestBench [--requests 100] [--points-per-request 1060] \
 *     [--histogram-bounds 40] [--warmup 10] [--seconds 20] [--pause-us 0]
 * </pre>
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("options are --name value pairs: " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    int requests = Integer.parseInt(opts.getOrDefault("requests", "100"));
    int ppr = Integer.parseInt(opts.getOrDefault("points-per-request", "1060"));
    int bounds = Integer.parseInt(opts.getOrDefault("histogram-bounds", "40"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "10"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "20"));
    long pauseMicros = Long.parseLong(opts.getOrDefault("pause-us", "0"));

    List<byte[]> bodies = GoPayloads.requests(requests, ppr, 0, bounds);
    Path dir = Files.createTempDirectory("ingest-bench");
    Path config = dir.resolve("rosetta.yaml");
    Files.writeString(config, """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
        exporters:
          prometheus:
            endpoint: 127.0.0.1:0
        """);
    try (RosettaService svc = Rosetta.create(ConfigLoader.load(config, Map.of()))) {
      IngestService ingest = svc.components().ingest();
      System.out.printf(Locale.ROOT, "ingest bench: %d requests of %d points (%d series), %d bounds per histogram;"
          + " %d s warm-up, %d s measured; max heap %d MiB%n", requests, ppr, (long) requests * ppr, bounds, warmup,
          seconds, Runtime.getRuntime().maxMemory() >> 20);
      run(ingest, bodies, warmup, 0, false);
      run(ingest, bodies, seconds, pauseMicros, true);
      render(new ScrapeHandler(svc.components().registry(), new StoreCollector(svc.components().store()), false),
          Integer.parseInt(opts.getOrDefault("scrapes", "20")));
    } finally {
      Files.deleteIfExists(config);
      Files.deleteIfExists(dir);
    }
  }

  private static void run(IngestService ingest, List<byte[]> bodies, int seconds, long pauseMicros, boolean print)
      throws Exception {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] cpu = new long[2];
    long[] alloc = new long[2];
    long points = 0;
    long gcBefore = gcMillis();
    long processBefore = os.getProcessCpuTime();
    long wallBefore = System.nanoTime();
    long end = wallBefore + seconds * 1_000_000_000L;
    long tid = Thread.currentThread().getId();
    while (System.nanoTime() < end) {
      for (byte[] body : bodies) {
        long c0 = threads.getCurrentThreadCpuTime();
        long a0 = threads.getThreadAllocatedBytes(tid);
        OtlpWireDecoder.Decoded wire = OtlpWireDecoder.decode(body);
        OtlpDecoder.Result decoded = wire.result();
        long c1 = threads.getCurrentThreadCpuTime();
        long a1 = threads.getThreadAllocatedBytes(tid);
        IngestService.Outcome outcome = ingest.ingest(decoded.batch(), decoded.rejectedPoints(),
            decoded.errorMessage(), decoded.rejectedPoints() == 0 ? wire.original() : null, "http");
        long c2 = threads.getCurrentThreadCpuTime();
        long a2 = threads.getThreadAllocatedBytes(tid);
        if (outcome.rejectedPoints() != 0 || decoded.rejectedPoints() != 0) {
          throw new IllegalStateException("points rejected: " + outcome.message() + decoded.errorMessage());
        }
        cpu[0] += c1 - c0;
        cpu[1] += c2 - c1;
        alloc[0] += a1 - a0;
        alloc[1] += a2 - a1;
        points += decoded.acceptedPoints();
        if (pauseMicros > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(pauseMicros * 1000);
        }
      }
    }
    double wall = (System.nanoTime() - wallBefore) / 1e9;
    double process = (os.getProcessCpuTime() - processBefore) / 1e9;
    if (!print) {
      return;
    }
    String[] phases = {"decode to model", "pipeline + store"};
    long totalCpu = cpu[0] + cpu[1];
    long totalAlloc = alloc[0] + alloc[1];
    for (int i = 0; i < phases.length; i++) {
      System.out.printf(Locale.ROOT, "  %-18s %7.0f ns/point  %6.0f bytes/point  %4.1f%%%n", phases[i],
          (double) cpu[i] / points, (double) alloc[i] / points, 100.0 * cpu[i] / totalCpu);
    }
    System.out.printf(Locale.ROOT, "  %-18s %7.0f ns/point  %6.0f bytes/point%n", "ingest thread", (double) totalCpu / points,
        (double) totalAlloc / points);
    System.out.printf(Locale.ROOT, "points/s %,.0f (one thread); points per ingest-thread CPU-second %,.0f;"
        + " per process CPU-second %,.0f (GC %,d ms of %.1f s); peak RSS %s%n", points / wall,
        points / (totalCpu / 1e9), points / process, gcMillis() - gcBefore, wall, peakRss());
  }

  /** Renders /metrics (text format 0.0.4, the store's series after the registry's) into nowhere. */
  private static void render(ScrapeHandler handler, int scrapes) throws java.io.IOException {
    if (scrapes <= 0) {
      return; // --scrapes 0: ingest only
    }
    ScrapeHandler.Format format = handler.negotiate(null, null);
    long[] millis = new long[scrapes];
    long bytes = 0;
    for (int i = -5; i < scrapes; i++) { // five to warm up
      CountingSink sink = new CountingSink();
      long t0 = System.nanoTime();
      handler.write(format, java.util.Set.of(), sink);
      if (i >= 0) {
        millis[i] = (System.nanoTime() - t0) / 1_000_000;
      }
      bytes = sink.count;
    }
    java.util.Arrays.sort(millis);
    System.out.printf(Locale.ROOT, "/metrics rendered in memory: %,d bytes, median %d ms, max %d ms over %d%n", bytes,
        millis[scrapes / 2], millis[scrapes - 1], scrapes);
  }

  private static final class CountingSink extends java.io.OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** VmHWM of this process, as /proc says it. */
  private static String peakRss() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return (Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10) + " MiB";
      }
    }
    return "?";
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }
}
