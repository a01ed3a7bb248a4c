package dev.rosetta.e2e;

import dev.rosetta.receiver.server.ByteArrayMarshaller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Memory footprint of the packaged service under the launcher's JVM options: for each variant (a set
 * of {@code ROSETTA_JAVA_OPTS}), starts {@code receiver/target/bin/rosetta} as a separate process on
 * loopback, reads its resident set size (VmRSS) after an idle period, then sends OTLP/gRPC at a fixed
 * rate over a fixed number of series, and prints one line per variant: idle RSS, RSS at the end of
 * the load, the highest RSS seen (VmHWM), the service's CPU time during the load as a share of one
 * core, and the points sent.
 *
 * <pre>
 * mvn -B -q -DskipTests package
 * java -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.FootprintHarness \
 *     [--launcher receiver/target/bin/rosetta] [--idle 20s] [--load 60s] [--rate 10000] [--series 1000] \
 *     [--variant 'serial=' --variant 'g1=-XX:+UseG1GC' ...]
 * </pre>
 *
 * Without {@code --variant} it compares the launcher's defaults with G1 and Parallel, each with and
 * without the small initial heap. The harness process itself is not measured. Linux only (reads
 * /proc). Figures move with the machine's load: run it more than once.
 */
public final class FootprintHarness {
  private FootprintHarness() {}

  public static void main(String[] args) throws Exception {
    Path launcher = Path.of("receiver/target/bin/rosetta");
    Duration idle = Duration.ofSeconds(20);
    Duration load = Duration.ofSeconds(60);
    int rate = 10_000;
    int series = 1_000;
    Map<String, String> variants = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--launcher" -> launcher = Path.of(args[++i]);
        case "--idle" -> idle = LoadHarness.parseDuration(args[++i]);
        case "--load" -> load = LoadHarness.parseDuration(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--series" -> series = Integer.parseInt(args[++i]);
        case "--variant" -> {
          String v = args[++i];
          int eq = v.indexOf('=');
          if (eq <= 0) {
            System.err.println("--variant needs name=options, e.g. g1=-XX:+UseG1GC");
            System.exit(2);
          }
          variants.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (variants.isEmpty()) {
      variants.put("defaults (serial, -Xms16m)", "");
      variants.put("serial, JVM's initial heap", "-XX:InitialRAMPercentage=1.5625");
      variants.put("g1, -Xms16m", "-XX:+UseG1GC");
      variants.put("g1, JVM's initial heap", "-XX:+UseG1GC -XX:InitialRAMPercentage=1.5625");
      variants.put("parallel, -Xms16m", "-XX:+UseParallelGC");
    }
    int points = 1000;
    List<byte[]> payloads = LoadHarness.otlpPayloads(Math.max(series, points), points);
    points = LoadHarness.pointsIn(payloads.get(0));
    System.out.printf(Locale.ROOT, "launcher %s; idle %ds, then %,d points/s for %ds over %,d series (%d requests"
        + " of %d points)%n", launcher, idle.toSeconds(), rate, load.toSeconds(), payloads.size() * points,
        payloads.size(), points);
    System.out.printf(Locale.ROOT, "%-34s %10s %10s %10s %8s %12s %s%n", "variant", "idle MiB", "load MiB",
        "peak MiB", "cpu %", "points", "ROSETTA_JAVA_OPTS");
    for (Map.Entry<String, String> v : variants.entrySet()) {
      Result r = measure(launcher, v.getValue(), idle, load, rate, payloads, points);
      System.out.printf(Locale.ROOT, "%-34s %10.1f %10.1f %10.1f %8.1f %,12d %s%n", v.getKey(), r.idleKiB / 1024.0,
          r.loadKiB / 1024.0, r.peakKiB / 1024.0, r.cpuPercent, r.pointsSent, v.getValue());
    }
  }

  record Result(long idleKiB, long loadKiB, long peakKiB, double cpuPercent, long pointsSent) {}

  static Result measure(Path launcher, String javaOpts, Duration idle, Duration load, int rate,
      List<byte[]> payloads, int points) throws Exception {
    int grpc = freePort();
    int http = freePort();
    int metrics = freePort();
    Path dir = Files.createTempDirectory("rosetta-footprint");
    Path config = dir.resolve("rosetta.yaml");
    Files.writeString(config, """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:%d"}
              http: {endpoint: "127.0.0.1:%d"}
        exporters:
          prometheus: {endpoint: "127.0.0.1:%d"}
        """.formatted(grpc, http, metrics));
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("rosetta.log").toFile());
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JAVA_OPTS");
    pb.environment().put("ROSETTA_JAVA_OPTS", javaOpts);
    Process p = pb.start();
    try {
      awaitReady(p, metrics);
      Thread.sleep(idle.toMillis());
      long idleKiB = status(p.pid(), "VmRSS");
      double cpu0 = cpuSeconds(p.pid());
      long t0 = System.nanoTime();
      long sent = send(grpc, payloads, points, rate, load);
      double cpuPercent = 100 * (cpuSeconds(p.pid()) - cpu0) / ((System.nanoTime() - t0) / 1e9);
      long loadKiB = status(p.pid(), "VmRSS");
      long peakKiB = status(p.pid(), "VmHWM");
      return new Result(idleKiB, loadKiB, peakKiB, cpuPercent, sent);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Sends the payloads round robin, paced to {@code rate} points per second; the points sent. */
  private static long send(int port, List<byte[]> payloads, int points, int rate, Duration d) {
    MethodDescriptor<byte[], byte[]> export = MetricsServiceGrpc.getExportMethod()
        .toBuilder(ByteArrayMarshaller.INSTANCE, ByteArrayMarshaller.INSTANCE).build();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      long intervalNanos = (long) (1e9 * points / rate);
      long start = System.nanoTime();
      long end = start + d.toNanos();
      long sent = 0;
      for (long i = 0; ; i++) {
        long due = start + i * intervalNanos;
        if (due >= end) {
          break;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        ClientCalls.blockingUnaryCall(channel, export, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            payloads.get((int) (i % payloads.size())));
        sent += points;
      }
      return sent;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      channel.shutdownNow();
    }
  }

  private static void awaitReady(Process p, int metricsPort) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the service exited with " + p.exitValue() + " before it was ready");
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + metricsPort + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the service was not ready within 60 s");
  }

  /** User and system CPU time of the process so far (/proc/PID/stat, clock ticks of 1/100 s). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after the command: state is field 3; utime and stime are fields 14 and 15
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** A field of /proc/PID/status in KiB (VmRSS, VmHWM). */
  static long status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid + "/status");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
