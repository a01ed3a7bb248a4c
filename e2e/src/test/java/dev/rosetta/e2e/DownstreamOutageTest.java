package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downstream outage: Rosetta A forwards over OTLP/gRPC to a second Rosetta, B. Under steady load on
 * A, B is stopped (SIGTERM) for 20 s and started again on the same ports. Every point A accepted is
 * then delivered to B or counted as dropped by A, exactly: {@code sent = delivered + dropped}, read
 * from the self-metrics of both ({@code rosetta_receiver_accepted_points_total} of each B,
 * {@code rosetta_exporter_dropped_points_total} of A).
 *
 * <p>The first B's final count must be read before it stops, and the service exposes nothing once
 * stopped: so the load holds for a moment (under a second) while A hands B everything it queued,
 * the count is read and B is stopped; the load goes on during the whole outage.
 */
@ExtendWith(PeerLogs.class)
class DownstreamOutageTest {
  static final Duration OUTAGE = Duration.ofSeconds(20);
  static final Duration BEFORE = Duration.ofSeconds(5);
  static final Duration AFTER = Duration.ofSeconds(8);
  static final Duration DRAIN_DEADLINE = Duration.ofSeconds(30);
  static final int POINTS_PER_REQUEST = 200;
  static final Duration PERIOD = Duration.ofMillis(50);

  /** A's forwarding: retries outlast the outage, the queue holds it (about 400 requests) many times. */
  static String forwardingTo(RosettaProcess.Ports downstream) {
    return "{endpoint: \"http://127.0.0.1:" + downstream.grpc() + "\", timeout: 5s,"
        + " sending_queue: {enabled: true, num_consumers: 2, queue_size: 5000},"
        + " retry_on_failure: {enabled: true, initial_interval: 200ms, randomization_factor: 0.2, multiplier: 1.5,"
        + " max_interval: 1s, max_elapsed_time: 120s},"
        + " batch: {send_batch_size: 2000, timeout: 100ms}}";
  }

  @TempDir Path tmp;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void outageOfTheDownstreamRosettaLosesNoPointUncounted() throws Exception {
    RosettaProcess.Ports bPorts = RosettaProcess.Ports.free();
    long started = System.nanoTime();
    try (RosettaProcess b1 = RosettaProcess.start(getClass(), "downstream-b1", tmp, bPorts, "", "");
        RosettaProcess a = RosettaProcess.start(getClass(), "upstream-a", tmp, RosettaProcess.Ports.free(),
            forwardingTo(bPorts), "service: {shutdown_timeout: 10s}\n")) {
      OtlpLoad load = new OtlpLoad(a.httpBase() + "/v1/metrics");
      Thread loader = new Thread(load, "otlp-load");
      loader.start();
      RosettaProcess b2 = null;
      try {
        Await.sleep(BEFORE);
        assertThat(load.accepted.get()).as("points A accepted before the outage").isPositive();

        // hold the load while A hands its queue to B1, read B1's final count, stop B1
        double deliveredToB1;
        long pause = System.nanoTime();
        load.sending.lock();
        try {
          awaitDrained(a);
          deliveredToB1 = b1.metrics().sum("rosetta_receiver_accepted_points_total");
          b1.stopCleanly();
        } finally {
          load.sending.unlock();
        }
        long outageStart = System.nanoTime();
        System.out.printf("load held %d ms to stop B1 after it had %.0f points%n",
            TimeUnit.NANOSECONDS.toMillis(outageStart - pause), deliveredToB1);
        assertThat(deliveredToB1).as("points B1 accepted").isPositive();

        Await.until("A queueing for the stopped downstream", OUTAGE,
            () -> a.metrics().sum("rosetta_exporter_queue_points"), q -> q > 0);
        Await.sleep(Duration.ofNanos(outageStart + OUTAGE.toNanos() - System.nanoTime()));
        Exposition duringOutage = a.metrics();
        System.out.printf("after %d s of outage: A queue %.0f points, in flight %.0f, retries %.0f%n",
            OUTAGE.toSeconds(), duringOutage.sum("rosetta_exporter_queue_points"),
            duringOutage.sum("rosetta_exporter_in_flight_points"), duringOutage.sum("rosetta_exporter_retries_total"));
        assertThat(duringOutage.sum("rosetta_exporter_retries_total")).as("A retried during the outage").isPositive();

        b2 = RosettaProcess.start(getClass(), "downstream-b2", tmp, bPorts, "", ""); // binds the same ports
        long restarted = System.nanoTime();
        RosettaProcess downstream = b2;
        Await.until("A delivering to B2", DRAIN_DEADLINE,
            () -> downstream.metrics().sum("rosetta_receiver_accepted_points_total"), n -> n > 0);
        System.out.printf("A delivered again %d ms after B2 was ready%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
        Await.sleep(Duration.ofNanos(Math.max(0, restarted + AFTER.toNanos() - System.nanoTime())));
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
        assertThat(loader.isAlive()).as("the load thread ended").isFalse();
        assertThat(load.error.get()).as("load errors").isNull();

        Exposition drained = awaitDrained(a);
        System.out.printf("A drained %d ms after B2 started%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
        double deliveredToB2 = b2.metrics().sum("rosetta_receiver_accepted_points_total");
        long sent = load.accepted.get();
        double enqueued = drained.sum("rosetta_exporter_enqueued_points_total");
        double forwarded = drained.sum("rosetta_exporter_sent_points_total");
        double dropped = drained.sum("rosetta_exporter_dropped_points_total");
        System.out.printf("sent %d (%d requests, %d answered 503 and retried), A enqueued %.0f, A sent %.0f,"
            + " delivered %.0f + %.0f, dropped %.0f%n", sent, load.requests.get(), load.refused.get(), enqueued,
            forwarded, deliveredToB1, deliveredToB2, dropped);

        assertThat(deliveredToB2).as("points B2 accepted after the outage").isPositive();
        assertThat(drained.sum("rosetta_receiver_accepted_points_total", Map.of("transport", "http_protobuf")))
            .as("points A accepted, by A's count").isEqualTo((double) sent);
        assertThat(enqueued).as("A's forwarder saw every point A accepted").isEqualTo((double) sent);
        assertThat(deliveredToB1 + deliveredToB2 + dropped).as("sent = delivered + dropped").isEqualTo((double) sent);
        assertThat(forwarded).as("A's sent count = points B accepted").isEqualTo(deliveredToB1 + deliveredToB2);

        b2.stopCleanly();
        a.stopCleanly();
      } finally {
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
        if (b2 != null) {
          b2.close();
        }
      }
    }
    System.out.printf("outage test: %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
  }

  /** Waits until A's sending queue and in-flight points are 0; returns A's self-metrics then. */
  static Exposition awaitDrained(RosettaProcess a) {
    return Await.until("A's forward queue and in-flight points at 0", DRAIN_DEADLINE, a::metrics,
        m -> m.sum("rosetta_exporter_queue_points") == 0 && m.sum("rosetta_exporter_in_flight_points") == 0
            && m.sum("rosetta_exporter_enqueued_points_total") == m.sum("rosetta_exporter_sent_points_total")
                + m.sum("rosetta_exporter_dropped_points_total"));
  }

  /**
   * Steady OTLP/HTTP protobuf load: every {@link #PERIOD} one request of {@link #POINTS_PER_REQUEST}
   * gauge points (the same 200 series each time, new values and timestamps). A 503 is retried after
   * its {@code Retry-After}, so that {@link #accepted} counts exactly the points A accepted (HTTP 200
   * without a partial success). Holding {@link #sending} holds the load.
   */
  static final class OtlpLoad implements Runnable {
    final ReentrantLock sending = new ReentrantLock();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicReference<String> error = new AtomicReference<>();
    private final URI target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile boolean running = true;

    OtlpLoad(String url) {
      this.target = URI.create(url);
    }

    void stop() {
      running = false;
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
          send(request(seq++));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          error.compareAndSet(null, e.toString());
        } finally {
          sending.unlock();
        }
        next = Math.max(next + PERIOD.toNanos(), System.nanoTime());
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

    private void send(byte[] body) throws Exception {
      while (true) {
        HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(target)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        requests.incrementAndGet();
        if (resp.statusCode() == 200) {
          ExportMetricsServiceResponse answer = ExportMetricsServiceResponse.parseFrom(resp.body());
          if (answer.hasPartialSuccess() && answer.getPartialSuccess().getRejectedDataPoints() > 0) {
            error.compareAndSet(null, "partial success: " + answer.getPartialSuccess());
            return;
          }
          accepted.addAndGet(POINTS_PER_REQUEST);
          return;
        }
        if (resp.statusCode() != 503) {
          error.compareAndSet(null, "HTTP " + resp.statusCode() + ": " + new String(resp.body()));
          return;
        }
        refused.incrementAndGet();
        long seconds = resp.headers().firstValueAsLong("Retry-After").orElse(1);
        TimeUnit.SECONDS.sleep(Math.max(1, seconds));
      }
    }

    private static byte[] request(long seq) {
      long now = System.currentTimeMillis() * 1_000_000L;
      Gauge.Builder gauge = Gauge.newBuilder();
      for (int i = 0; i < POINTS_PER_REQUEST; i++) {
        gauge.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(seq)
            .addAttributes(kv("series", Integer.toString(i))));
      }
      return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
          .setResource(Resource.newBuilder().addAttributes(kv("service.name", "load"))
              .addAttributes(kv("service.instance.id", "load-1")))
          .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder()
              .setName("e2e.load.value").setUnit("1").setGauge(gauge))))
          .build().toByteArray();
    }

    private static KeyValue kv(String key, String value) {
      return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }
  }
}
