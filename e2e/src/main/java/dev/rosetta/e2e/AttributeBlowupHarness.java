package dev.rosetta.e2e;

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
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attribute blow-up benchmark: what one request with very many attributes costs, and what it
 * does to other clients. Runs Rosetta in process on loopback (configuration from {@code --config},
 * else listeners on port 0 with every other key at its default) and prints:
 *
 * <ol>
 *   <li>for each size (default 1k, 10k, 100k): the request time of one OTLP/JSON point with that
 *       many attributes, the same point as OTLP/protobuf over HTTP, and a Go native body
 *       ({@code /v1/go/runtime-metrics}) with that many resource attributes, each with the answer
 *       (status and rejected points);
 *   <li>the latency (p50, p99, max) of steady small-request clients (OTLP/HTTP and OTLP/gRPC, one
 *       request every {@code --interval}) and of {@code /metrics}, first quiet, then while
 *       {@code --blasters} clients post the largest request back to back.
 * </ol>
 *
 * <pre>
 * java -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.AttributeBlowupHarness \
 *     [--sizes 1000,10000,100000] [--repeat 3] [--label-limits default|off] [--phase 20s]
 *     [--interval 10ms] [--blasters 2] [--timeout 120s] [--config FILE]
 *     [--forms otlp-json,otlp-protobuf,go-native] [--fairness on|off]
 * </pre>
 *
 * <p>Latencies of the steady clients are measured from the moment each request was due, so a
 * client held up behind a slow request counts every request it could not send in time
 * (no coordinated omission). Attribute keys are sent in shuffled order. Only the public
 * interfaces of the service are used (HTTP and gRPC on loopback), so the harness measures the same
 * thing whatever thread runs the decoding. Bounded in time; loopback only.
 */
public final class AttributeBlowupHarness {
  private static final Pattern REJECTED = Pattern.compile("\"rejectedDataPoints\"\\s*:\\s*\"?(\\d+)");

  private AttributeBlowupHarness() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(1_000, 10_000, 100_000);
    int repeat = 3;
    boolean limitsOff = false;
    Duration phase = Duration.ofSeconds(20);
    Duration interval = Duration.ofMillis(10);
    int blasters = 2;
    Duration timeout = Duration.ofSeconds(120);
    String configFile = null;
    List<Form> forms = List.of(Form.values());
    boolean fairness = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).map(s -> Integer.parseInt(s.trim())).toList();
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--label-limits" -> limitsOff = switch (args[++i]) {
          case "off" -> true;
          case "default" -> false;
          default -> throw new IllegalArgumentException("--label-limits default|off");
        };
        case "--phase" -> phase = LoadHarness.parseDuration(args[++i]);
        case "--interval" -> interval = LoadHarness.parseDuration(args[++i]);
        case "--blasters" -> blasters = Integer.parseInt(args[++i]);
        case "--timeout" -> timeout = LoadHarness.parseDuration(args[++i]);
        case "--config" -> configFile = args[++i];
        case "--forms" -> forms = Arrays.stream(args[++i].split(",")).map(Form::named).toList();
        case "--fairness" -> fairness = !args[++i].equals("off");
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    RosettaConfig cfg = configFile != null
        ? ConfigLoader.load(java.nio.file.Path.of(configFile), System.getenv())
        : ConfigLoader.parse(config(limitsOff), "attribute-blowup-harness", Map.of());
    System.out.printf(Locale.ROOT, "JVM: %d cores, max heap %,d MiB; label limits: %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        configFile != null ? "from " + configFile : limitsOff ? "off" : "default");
    try (RosettaService svc = Rosetta.create(cfg)) {
      svc.start();
      InetSocketAddress http = svc.httpAddress().orElseThrow();
      InetSocketAddress grpc = svc.grpcAddress().orElseThrow();
      InetSocketAddress metrics = svc.metricsAddress();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      warmUp(client, http);
      requestTimes(client, http, forms, sizes, repeat, timeout);
      if (fairness) {
        fairness(http, grpc, metrics, Collections.max(sizes), phase, interval, blasters, timeout);
      }
    }
  }

  static String config(boolean limitsOff) {
    String base = """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0"}
              http: {endpoint: "127.0.0.1:0"}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        """;
    return limitsOff
        ? base + "limits: {label_limit: 0, label_name_length_limit: 0, label_value_length_limit: 0}\n"
        : base;
  }

  // ---- requests ----------------------------------------------------------------------------------

  /** Attribute keys {@code attr.000000...} with values, in an order shuffled with a fixed seed. */
  static List<String[]> attributes(int n) {
    List<String[]> kv = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      kv.add(new String[] {String.format(Locale.ROOT, "attr.%06d", i), String.format(Locale.ROOT, "value-%06d", i)});
    }
    Collections.shuffle(kv, new Random(42));
    return kv;
  }

  static String otlpJson(int n, String metricName) {
    StringBuilder sb = new StringBuilder(64 * n + 512);
    long now = System.currentTimeMillis() * 1_000_000L;
    sb.append("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[")
        .append("{\"key\":\"service.name\",\"value\":{\"stringValue\":\"blowup\"}},")
        .append("{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"harness\"}}]},")
        .append("\"scopeMetrics\":[{\"metrics\":[{\"name\":\"").append(metricName)
        .append("\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"").append(now)
        .append("\",\"asDouble\":1.5,\"attributes\":[");
    boolean first = true;
    for (String[] a : attributes(n)) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append("{\"key\":\"").append(a[0]).append("\",\"value\":{\"stringValue\":\"").append(a[1]).append("\"}}");
    }
    return sb.append("]}]}}]}]}]}").toString();
  }

  static byte[] otlpProtobuf(int n, String metricName) {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder()
        .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L).setAsDouble(1.5);
    for (String[] a : attributes(n)) {
      p.addAttributes(kv(a[0], a[1]));
    }
    return request(metricName, List.of(p.build())).toByteArray();
  }

  static String goNative(int n) {
    StringBuilder sb = new StringBuilder(32 * n + 512);
    sb.append("{\"resource\":{\"service.name\":\"blowup-go\",\"service.instance.id\":\"harness\"");
    for (String[] a : attributes(n)) {
      sb.append(",\"").append(a[0]).append("\":\"").append(a[1]).append('"');
    }
    return sb.append("},\"samples\":[")
        .append("{\"name\":\"/gc/heap/allocs:bytes\",\"kind\":\"uint64\",\"value\":123456,\"cumulative\":true},")
        .append("{\"name\":\"/sched/goroutines:goroutines\",\"kind\":\"uint64\",\"value\":42},")
        .append("{\"name\":\"/sched/latencies:seconds\",\"kind\":\"float64histogram\",")
        .append("\"counts\":[0,4,1],\"buckets\":[\"-Inf\",0.0,1e-6,\"+Inf\"]}]}")
        .toString();
  }

  /** A small request: one gauge with {@code points} points of three attributes. */
  static byte[] small(int points) {
    List<NumberDataPoint> ps = new ArrayList<>();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < points; i++) {
      ps.add(NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(i)
          .addAttributes(kv("route", "/api/" + i)).addAttributes(kv("code", "200"))
          .addAttributes(kv("region", "eu-west-1")).build());
    }
    return request("steady.requests", ps).toByteArray();
  }

  private static ExportMetricsServiceRequest request(String metricName, List<NumberDataPoint> points) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("service.name", "blowup"))
                .addAttributes(kv("service.instance.id", "harness")))
            .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(metricName)
                .setGauge(Gauge.newBuilder().addAllDataPoints(points)))))
        .build();
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  // ---- part 1: request time by size --------------------------------------------------------------

  enum Form {
    OTLP_JSON("OTLP/JSON point attributes", "/v1/metrics", "application/json"),
    OTLP_PROTOBUF("OTLP/protobuf point attributes", "/v1/metrics", "application/x-protobuf"),
    GO_NATIVE("Go native resource attributes", "/v1/go/runtime-metrics", "application/json");

    final String title;
    final String path;
    final String contentType;

    Form(String title, String path, String contentType) {
      this.title = title;
      this.path = path;
      this.contentType = contentType;
    }

    static Form named(String name) {
      return switch (name) {
        case "otlp-json" -> OTLP_JSON;
        case "otlp-protobuf" -> OTLP_PROTOBUF;
        case "go-native" -> GO_NATIVE;
        default -> throw new IllegalArgumentException("--forms: otlp-json, otlp-protobuf, go-native");
      };
    }

    byte[] body(int n) {
      return switch (this) {
        case OTLP_JSON -> otlpJson(n, "blowup.json." + n).getBytes(StandardCharsets.UTF_8);
        case OTLP_PROTOBUF -> otlpProtobuf(n, "blowup.protobuf." + n);
        case GO_NATIVE -> goNative(n).getBytes(StandardCharsets.UTF_8);
      };
    }
  }

  record Answer(int status, String rejected, long nanos, long cpuNanos) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  static Answer post(HttpClient client, InetSocketAddress http, Form form, byte[] body, Duration timeout)
      throws Exception {
    URI uri = URI.create("http://" + http.getHostString() + ":" + http.getPort() + form.path);
    long t0 = System.nanoTime();
    long c0 = OS.getProcessCpuTime();
    HttpResponse<byte[]> resp = client.send(HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", form.contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    long nanos = System.nanoTime() - t0;
    return new Answer(resp.statusCode(), rejected(form, resp.body()), nanos, OS.getProcessCpuTime() - c0);
  }

  private static String rejected(Form form, byte[] body) {
    if (form.contentType.equals("application/json")) {
      Matcher m = REJECTED.matcher(new String(body, StandardCharsets.UTF_8));
      return m.find() ? m.group(1) : "0";
    }
    try {
      return Long.toString(ExportMetricsServiceResponse.parseFrom(body).getPartialSuccess().getRejectedDataPoints());
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private static void warmUp(HttpClient client, InetSocketAddress http) throws Exception {
    for (int i = 0; i < 20; i++) {
      for (Form f : Form.values()) {
        post(client, http, f, f.body(100), Duration.ofSeconds(30));
      }
    }
  }

  static void requestTimes(HttpClient client, InetSocketAddress http, List<Form> forms, List<Integer> sizes,
      int repeat, Duration timeout) throws Exception {
    System.out.println();
    System.out.println("request time of one request (best and median of " + repeat + "; CPU: the process's CPU time"
        + " during the best, all threads; answer: HTTP status, rejected points)");
    System.out.printf(Locale.ROOT, "%-32s %10s %10s %12s %12s %10s  %s%n", "form", "attributes", "body KiB",
        "best ms", "median ms", "CPU ms", "answer");
    for (Form form : forms) {
      boolean gaveUp = false;
      for (int n : sizes) {
        byte[] body = form.body(n);
        if (gaveUp) {
          System.out.printf(Locale.ROOT, "%-32s %,10d %,10d %12s %12s %10s  skipped (a smaller size timed out)%n",
              form.title, n, body.length >> 10, "-", "-", "-");
          continue;
        }
        long[] times = new long[repeat];
        Answer last = null;
        Answer best = null;
        try {
          for (int r = 0; r < repeat; r++) {
            last = post(client, http, form, body, timeout);
            times[r] = last.nanos;
            if (best == null || last.nanos < best.nanos) {
              best = last;
            }
          }
        } catch (java.net.http.HttpTimeoutException e) {
          System.out.printf(Locale.ROOT, "%-32s %,10d %,10d %12s %12s %10s  no answer within %d s%n",
              form.title, n, body.length >> 10, ">" + timeout.toMillis(), "-", "-", timeout.toSeconds());
          gaveUp = true;
          continue;
        }
        Arrays.sort(times);
        System.out.printf(Locale.ROOT, "%-32s %,10d %,10d %12.1f %12.1f %10.1f  %d, %s rejected%n",
            form.title, n, body.length >> 10, times[0] / 1e6, times[repeat / 2] / 1e6, best.cpuNanos / 1e6,
            last.status, last.rejected);
      }
    }
  }

  // ---- part 2: other clients while large requests arrive -----------------------------------------

  /** Latencies of one steady client in one phase. */
  static final class Probe {
    final String name;
    final long[] lat = new long[1 << 20];
    int n;
    long errors;

    Probe(String name) {
      this.name = name;
    }

    void add(long nanos) {
      if (n < lat.length) {
        lat[n++] = nanos;
      }
    }

    String summary() {
      long[] s = Arrays.copyOf(lat, n);
      Arrays.sort(s);
      return String.format(Locale.ROOT, "%-22s %7d %10.2f %10.2f %10.2f %7d", name, n, pct(s, 0.50), pct(s, 0.99),
          pct(s, 1.0), errors);
    }

    private static double pct(long[] s, double p) {
      if (s.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(s.length - 1, Math.ceil(p * s.length) - 1);
      return s[Math.max(0, i)] / 1e6;
    }
  }

  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  static void fairness(InetSocketAddress http, InetSocketAddress grpc, InetSocketAddress metrics,
      int size, Duration phase, Duration interval, int blasters, Duration timeout) throws Exception {
    byte[] smallBody = small(10);
    URI otlp = URI.create("http://" + http.getHostString() + ":" + http.getPort() + "/v1/metrics");
    URI scrape = URI.create("http://" + metrics.getHostString() + ":" + metrics.getPort() + "/metrics");
    ManagedChannel channel = NettyChannelBuilder.forAddress(grpc).usePlaintext().build();
    MethodDescriptor<byte[], byte[]> export = MetricsServiceGrpc.getExportMethod()
        .toBuilder(ByteArrayMarshaller.INSTANCE, ByteArrayMarshaller.INSTANCE).build();
    HttpClient steadyHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpClient scrapeHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Call httpCall = () -> {
      HttpResponse<Void> r = steadyHttp.send(HttpRequest.newBuilder(otlp).timeout(timeout)
          .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(smallBody))
          .build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode());
      }
    };
    Call grpcCall = () -> ClientCalls.blockingUnaryCall(channel, export,
        CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), smallBody);
    Call scrapeCall = () -> {
      HttpResponse<Void> r = scrapeHttp.send(HttpRequest.newBuilder(scrape).timeout(timeout).build(),
          HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode());
      }
    };
    byte[] big = Form.OTLP_JSON.body(size);
    try {
      System.out.println();
      System.out.printf(Locale.ROOT, "steady clients: a 10-point OTLP request every %d ms (HTTP and gRPC), /metrics"
          + " every %d ms; %d s quiet, then %d s with %d clients posting %,d-attribute OTLP/JSON requests (%,d KiB)"
          + " back to back%n", interval.toMillis(), interval.toMillis() * 10, phase.toSeconds(), phase.toSeconds(),
          blasters, size, big.length >> 10);
      System.out.printf(Locale.ROOT, "latency from when each request was due, ms%n");
      System.out.printf(Locale.ROOT, "%-8s %-22s %7s %10s %10s %10s %7s%n", "phase", "client", "count", "p50", "p99",
          "max", "errors");
      for (String name : List.of("quiet", "loaded")) {
        boolean loaded = name.equals("loaded");
        ExecutorService pool = Executors.newCachedThreadPool();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong bigDone = new AtomicLong();
        AtomicLong bigNanos = new AtomicLong();
        AtomicLong bigErrors = new AtomicLong();
        List<Future<?>> blasting = new ArrayList<>();
        if (loaded) {
          for (int b = 0; b < blasters; b++) {
            HttpClient bc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            blasting.add(pool.submit(() -> {
              while (!stop.get()) {
                try {
                  Answer a = post(bc, http, Form.OTLP_JSON, big, timeout);
                  bigDone.incrementAndGet();
                  bigNanos.addAndGet(a.nanos);
                } catch (Exception e) {
                  bigErrors.incrementAndGet();
                }
              }
              return null;
            }));
          }
          Thread.sleep(200); // the first large requests are in flight
        }
        Probe ph = new Probe("OTLP/HTTP small");
        Probe pg = new Probe("OTLP/gRPC small");
        Probe ps = new Probe("GET /metrics");
        long end = System.nanoTime() + phase.toNanos();
        List<Future<?>> probes = List.of(
            pool.submit(() -> steady(ph, httpCall, interval, end)),
            pool.submit(() -> steady(pg, grpcCall, interval, end)),
            pool.submit(() -> steady(ps, scrapeCall, interval.multipliedBy(10), end)));
        for (Future<?> f : probes) {
          f.get();
        }
        stop.set(true);
        for (Future<?> f : blasting) {
          f.get();
        }
        pool.shutdown();
        System.out.println(String.format(Locale.ROOT, "%-8s ", name) + ph.summary());
        System.out.println(String.format(Locale.ROOT, "%-8s ", name) + pg.summary());
        System.out.println(String.format(Locale.ROOT, "%-8s ", name) + ps.summary());
        if (loaded) {
          System.out.printf(Locale.ROOT, "large requests answered: %d (mean %.1f ms), failed: %d%n", bigDone.get(),
              bigDone.get() == 0 ? Double.NaN : bigNanos.get() / 1e6 / bigDone.get(), bigErrors.get());
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  /** Calls at a fixed rate until {@code end}; each latency counts from when the call was due. */
  private static Void steady(Probe probe, Call call, Duration interval, long end) throws InterruptedException {
    long step = interval.toNanos();
    long due = System.nanoTime();
    while (due < end) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      try {
        call.run();
      } catch (Exception e) {
        probe.errors++;
      }
      long now = System.nanoTime();
      // every call that fell due while this one ran was held up: count each from its due time
      while (due <= now && due < end) {
        probe.add(now - due);
        due += step;
      }
    }
    return null;
  }
}
