package dev.rosetta.e2e;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A steady OTLP/HTTP sender that knows what it was acknowledged for. Request {@code n} carries
 * {@link #FIXED} gauge points on the same series every time ({@code e2e.load.fixed{s=i}}, value
 * {@code n}) and {@code unique} points on series of its own ({@code e2e.load.unique{req=n, u=j}},
 * value {@code n}), all stamped with the time of sending. A request is sent until it is answered
 * 200 (a 503 is retried after its {@code Retry-After}, at most half a second here; a connection
 * refused, while the receiver is down, after 200 ms): the sender never moves on without an
 * acknowledgement, so {@link #acknowledged()} is exactly what the receiver promised to keep.
 * Holding {@link #sending} holds the load.
 */
final class TrackedLoad implements Runnable {
  static final int FIXED = 20;
  static final String FIXED_NAME = "e2e_load_fixed";
  static final String UNIQUE_NAME = "e2e_load_unique";

  final ReentrantLock sending = new ReentrantLock();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong connectionErrors = new AtomicLong();
  final AtomicReference<String> error = new AtomicReference<>();
  private final int unique;
  private final Duration period;
  private final BitSet acked = new BitSet();
  private volatile URI target;
  private volatile boolean running = true;
  private volatile long lastAcked = -1;
  private volatile long inFlight = -1;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  TrackedLoad(String url, int unique, Duration period) {
    this.target = URI.create(url);
    this.unique = unique;
    this.period = period;
  }

  int pointsPerRequest() {
    return FIXED + unique;
  }

  /** Sends to another receiver from the next attempt on (a restarted one on new ports). */
  void retarget(String url) {
    target = URI.create(url);
  }

  void stop() {
    running = false;
  }

  /** The last request answered 200, or -1. */
  long lastAcked() {
    return lastAcked;
  }

  /** The request being sent (not yet answered), or -1. */
  long inFlight() {
    return inFlight;
  }

  /** The requests answered 200. */
  BitSet acknowledged() {
    synchronized (acked) {
      return (BitSet) acked.clone();
    }
  }

  @Override
  public void run() {
    long next = System.nanoTime();
    long seq = 0;
    while (running && error.get() == null) {
      sending.lock();
      try {
        if (!running) {
          break;
        }
        inFlight = seq;
        if (send(request(seq))) {
          synchronized (acked) {
            acked.set((int) seq);
          }
          lastAcked = seq;
          seq++;
        }
        inFlight = -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        error.compareAndSet(null, e.toString());
      } finally {
        sending.unlock();
      }
      next = Math.max(next + period.toNanos(), System.nanoTime());
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** True once answered 200; false when stopped before that. */
  private boolean send(byte[] body) throws Exception {
    while (running) {
      HttpResponse<byte[]> resp;
      try {
        resp = http.send(HttpRequest.newBuilder(target)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        connectionErrors.incrementAndGet(); // the receiver is down, or died while answering: send again
        TimeUnit.MILLISECONDS.sleep(200);
        continue;
      }
      requests.incrementAndGet();
      if (resp.statusCode() == 200) {
        ExportMetricsServiceResponse answer = ExportMetricsServiceResponse.parseFrom(resp.body());
        if (answer.hasPartialSuccess() && answer.getPartialSuccess().getRejectedDataPoints() > 0) {
          error.compareAndSet(null, "partial success: " + answer.getPartialSuccess());
        }
        return true;
      }
      if (resp.statusCode() != 503) {
        error.compareAndSet(null, "HTTP " + resp.statusCode() + ": " + new String(resp.body()));
        return false;
      }
      refused.incrementAndGet();
      long seconds = resp.headers().firstValueAsLong("Retry-After").orElse(1);
      TimeUnit.MILLISECONDS.sleep(Math.min(500, Math.max(100, seconds * 1000)));
    }
    return false;
  }

  private byte[] request(long seq) {
    long now = System.currentTimeMillis() * 1_000_000L;
    Gauge.Builder fixed = Gauge.newBuilder();
    for (int i = 0; i < FIXED; i++) {
      fixed.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(seq)
          .addAttributes(kv("s", Integer.toString(i))));
    }
    Gauge.Builder own = Gauge.newBuilder();
    for (int j = 0; j < unique; j++) {
      own.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(seq)
          .addAttributes(kv("req", Long.toString(seq))).addAttributes(kv("u", Integer.toString(j))));
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "load"))
            .addAttributes(kv("service.instance.id", "load-1")))
        .addScopeMetrics(ScopeMetrics.newBuilder()
            .addMetrics(Metric.newBuilder().setName("e2e.load.fixed").setUnit("1").setGauge(fixed))
            .addMetrics(Metric.newBuilder().setName("e2e.load.unique").setUnit("1").setGauge(own))))
        .build().toByteArray();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  /** The requests whose every unique series {@code downstream} shows. */
  BitSet requestsIn(Exposition downstream) {
    Map<Long, Integer> seen = new java.util.HashMap<>();
    for (Exposition.Sample s : downstream.samples()) {
      if (s.name().startsWith(UNIQUE_NAME)) {
        String req = s.labels().get("req");
        if (req != null && Double.parseDouble(req) == s.value()) {
          seen.merge(Long.parseLong(req), 1, Integer::sum);
        }
      }
    }
    BitSet out = new BitSet();
    seen.forEach((req, n) -> {
      if (n == unique) {
        out.set(req.intValue());
      }
    });
    return out;
  }

  /** The values {@code downstream} shows for the fixed series, one per series found. */
  static List<Double> fixedValuesIn(Exposition downstream) {
    return downstream.samples().stream().filter(s -> s.name().startsWith(FIXED_NAME) && s.labels().containsKey("s"))
        .map(Exposition.Sample::value).toList();
  }
}
