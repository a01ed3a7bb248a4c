package dev.rosetta.e2e;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection benchmark: a normal client's request latency on OTLP/HTTP, first on a quiet service,
 * then while {@code --idle} connections sit open without sending anything (reconnected as the
 * service closes them at {@code read_header_timeout}) and {@code --slowloris} clients trickle a
 * request header one byte every 100 ms (reconnecting when cut off). Prints p50, p99 and max of both
 * phases, the ratio of the p99s, and what the service counted (connections, timeouts).
 *
 * <pre>
 * java -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.ConnectionBenchmark \
 *     [--duration 20s] [--idle 1000] [--slowloris 3] [--points 100]
 * </pre>
 *
 * The service runs in this JVM on loopback with its default connection settings (4096 connections,
 * 10 s header, 1 min body, 1 min idle); figures are for comparing the two phases on one machine.
 */
public final class ConnectionBenchmark {
  private ConnectionBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(20);
    int idle = 1000;
    int slowloris = 3;
    int points = 100;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--duration" -> duration = LoadHarness.parseDuration(args[++i]);
        case "--idle" -> idle = Integer.parseInt(args[++i]);
        case "--slowloris" -> slowloris = Integer.parseInt(args[++i]);
        case "--points" -> points = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    RosettaService svc = Rosetta.create(ConfigLoader.parse("""
        receivers:
          otlp:
            protocols:
              http: {endpoint: "127.0.0.1:0"}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        service: {telemetry: {logs: {level: warn}}}
        """, "connection-benchmark", Map.of()));
    svc.start();
    try {
      int port = svc.httpAddress().orElseThrow().getPort();
      byte[] body = Bodies.small("bench", "normal", points);
      URI url = URI.create("http://127.0.0.1:" + port + "/v1/metrics");
      System.out.printf(Locale.ROOT, "normal client: sequential POST /v1/metrics of %d points (%d bytes), keep-alive%n",
          points, body.length);

      measure(url, body, Duration.ofSeconds(5)); // warm-up
      List<Long> quiet = measure(url, body, duration);
      report("quiet", quiet);

      AtomicBoolean running = new AtomicBoolean(true);
      Idle idlers = new Idle(port, idle, running);
      Thread idleThread = new Thread(idlers, "bench-idle");
      idleThread.setDaemon(true);
      idleThread.start();
      List<Slowloris> slow = new ArrayList<>();
      for (int i = 0; i < slowloris; i++) {
        Slowloris s = new Slowloris(port, running);
        slow.add(s);
        Thread t = new Thread(s, "bench-slowloris-" + i);
        t.setDaemon(true);
        t.start();
      }
      idlers.awaitOpen(Duration.ofSeconds(30));
      System.out.printf(Locale.ROOT, "load: %d idle connections open, %d slowloris clients%n", idlers.open(), slowloris);
      List<Long> loaded = measure(url, body, duration);
      report("loaded", loaded);
      running.set(false);

      double ratio = percentile(loaded, 0.99) / (double) percentile(quiet, 0.99);
      System.out.printf(Locale.ROOT, "p99 loaded / quiet: %.2f (%s 2x)%n", ratio, ratio <= 2 ? "within" : "beyond");
      long reconnects = idlers.reconnects.get();
      long cut = slow.stream().mapToLong(s -> s.cutOff.get()).sum();
      System.out.printf(Locale.ROOT, "idle connections closed by the service and reopened: %d; slowloris cut off: %d%n",
          reconnects, cut);
      var registry = svc.components().registry();
      System.out.printf(Locale.ROOT, "service: timeouts header %.0f, body %.0f, idle %.0f; connections accepted %.0f%n",
          value(registry, "rosetta_server_timeouts_total", "header"),
          value(registry, "rosetta_server_timeouts_total", "body"),
          value(registry, "rosetta_server_timeouts_total", "idle"),
          registry.getSampleValue("rosetta_server_connections_accepted_total", new String[] {"listener"},
              new String[] {"otlp-http"}));
    } finally {
      svc.stop();
    }
  }

  static double value(io.prometheus.client.CollectorRegistry r, String name, String phase) {
    Double v = r.getSampleValue(name, new String[] {"listener", "phase"}, new String[] {"otlp-http", phase});
    return v == null ? 0 : v;
  }

  /** Latencies in microseconds of sequential requests for {@code duration}. */
  static List<Long> measure(URI url, byte[] body, Duration duration) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest req = HttpRequest.newBuilder(url).header("Content-Type", "application/x-protobuf")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    List<Long> out = new ArrayList<>();
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      int code = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (code != 200) {
        throw new IllegalStateException("the normal client got " + code);
      }
      out.add((System.nanoTime() - t0) / 1000);
    }
    return out;
  }

  static long percentile(List<Long> values, double p) {
    List<Long> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1));
  }

  static void report(String phase, List<Long> us) {
    System.out.printf(Locale.ROOT, "%-6s: %,d requests, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", phase, us.size(),
        percentile(us, 0.50) / 1000.0, percentile(us, 0.99) / 1000.0, percentile(us, 1.0) / 1000.0);
  }

  /** Connections that send nothing, kept at {@code count} by reopening those the service closes. */
  static final class Idle implements Runnable {
    private final int port;
    private final int count;
    private final AtomicBoolean running;
    private final AtomicLong open = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();

    Idle(int port, int count, AtomicBoolean running) {
      this.port = port;
      this.count = count;
      this.running = running;
    }

    long open() {
      return open.get();
    }

    void awaitOpen(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (open.get() < count && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }

    @Override
    public void run() {
      try (Selector selector = Selector.open()) {
        for (int i = 0; i < count; i++) {
          connect(selector);
        }
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (running.get()) {
          selector.select(200);
          for (SelectionKey k : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) k.channel();
            buf.clear();
            int n;
            try {
              n = ch.read(buf);
            } catch (IOException e) {
              n = -1;
            }
            if (n < 0) {
              k.cancel();
              ch.close();
              open.decrementAndGet();
              reconnects.incrementAndGet();
              connect(selector);
            }
          }
          selector.selectedKeys().clear();
        }
        for (SelectionKey k : selector.keys()) {
          k.channel().close();
        }
      } catch (IOException e) {
        System.err.println("idle connections: " + e);
      }
    }

    private void connect(Selector selector) throws IOException {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ);
      open.incrementAndGet();
    }
  }

  /** A client that sends its request header one byte every 100 ms, again after each cut-off. */
  static final class Slowloris implements Runnable {
    private final int port;
    private final AtomicBoolean running;
    final AtomicLong cutOff = new AtomicLong();

    Slowloris(int port, AtomicBoolean running) {
      this.port = port;
      this.running = running;
    }

    @Override
    public void run() {
      byte[] head = ("POST /v1/metrics HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-protobuf\r\nX-Slow: "
          + "a".repeat(100_000)).getBytes(StandardCharsets.ISO_8859_1);
      while (running.get()) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          OutputStream out = s.getOutputStream();
          for (int i = 0; i < head.length && running.get(); i++) {
            out.write(head[i]);
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException e) {
          cutOff.incrementAndGet();
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
