package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter's books against what the downstream holds. Rosetta A forwards under steady load; the
 * downstream is frozen (SIGSTOP) long enough for A to give batches up, or killed (SIGKILL) and
 * started again. Afterwards, with A drained: A accepted exactly what the sender was acknowledged
 * for, {@code accepted = sent + dropped}, and the downstream holds between {@code sent} and {@code
 * sent + unacknowledged + resent} points: nothing counted as dropped was delivered, except what A
 * says it cannot know.
 */
@ExtendWith(PeerLogs.class)
class ForwardAccountingTest {
  @TempDir Path tmp;

  static String forwardingTo(int port, String retry) {
    return "{endpoint: \"http://127.0.0.1:" + port + "\", timeout: 1s,"
        + " sending_queue: {num_consumers: 2, queue_size: 5000},"
        + " retry_on_failure: {initial_interval: 200ms, randomization_factor: 0.2, multiplier: 1.5,"
        + " max_interval: 500ms, " + retry + "},"
        + " batch: {send_batch_size: 1000, timeout: 50ms}}";
  }

  /** A's counts once it has nothing queued or in flight. */
  record Books(double accepted, double enqueued, double sent, double dropped, double unacknowledged,
      double resent) {
    static Books of(Exposition m) {
      return new Books(m.sum("rosetta_receiver_accepted_points_total"), m.sum("rosetta_exporter_enqueued_points_total"),
          m.sum("rosetta_exporter_sent_points_total"), m.sum("rosetta_exporter_dropped_points_total"),
          m.sum("rosetta_exporter_dropped_points_total", Map.of("reason", "unacknowledged")),
          m.sum("rosetta_exporter_resent_points_total"));
    }

    void check(long acknowledgedBySender, double downstream, String name) {
      System.out.printf("%s: sender acknowledged %d; A accepted %.0f, sent %.0f, dropped %.0f (unacknowledged"
          + " %.0f), resent %.0f; the downstream holds %.0f%n", name, acknowledgedBySender, accepted, sent,
          dropped, unacknowledged, resent, downstream);
      assertThat(accepted).as("A accepted what the sender was acknowledged for").isEqualTo((double) acknowledgedBySender);
      assertThat(enqueued).as("A's exporter took every accepted point").isEqualTo(accepted);
      assertThat(sent + dropped).as("accepted = sent + dropped").isEqualTo(enqueued);
      assertThat(downstream).as("the downstream holds at least what A counts as sent").isGreaterThanOrEqualTo(sent);
      assertThat(downstream).as("and at most sent + unacknowledged + resent")
          .isLessThanOrEqualTo(sent + unacknowledged + resent);
    }
  }

  static Exposition awaitDrained(RosettaProcess a) {
    return Await.until("A's queue empty and its books balanced", Duration.ofSeconds(40), a::metrics,
        m -> m.sum("rosetta_exporter_queue_points") == 0 && m.sum("rosetta_exporter_in_flight_points") == 0
            && m.sum("rosetta_exporter_enqueued_points_total")
                == m.sum("rosetta_exporter_sent_points_total") + m.sum("rosetta_exporter_dropped_points_total"));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aFrozenDownstreamCannotMakeTheBooksWrong() throws Exception {
    RosettaProcess.Ports bPorts = RosettaProcess.Ports.free();
    try (RosettaProcess b = RosettaProcess.start(getClass(), "downstream-b", tmp, bPorts, "", "");
        RosettaProcess a = RosettaProcess.start(getClass(), "upstream-a", tmp, RosettaProcess.Ports.free(),
            forwardingTo(bPorts.grpc(), "max_elapsed_time: 3s"), "")) {
      TrackedLoad load = new TrackedLoad(a.httpBase() + "/v1/metrics", 80, Duration.ofMillis(40));
      Thread loader = new Thread(load, "tracked-load");
      loader.start();
      try {
        Await.until("A forwarding", Duration.ofSeconds(20),
            () -> b.metrics().sum("rosetta_receiver_accepted_points_total"), n -> n > 0);
        b.signal("STOP");
        try {
          Await.until("A giving batches up while B is frozen", Duration.ofSeconds(30),
              () -> a.metrics().sum("rosetta_exporter_dropped_points_total"), n -> n > 0);
          Await.sleep(Duration.ofSeconds(2));
        } finally {
          b.signal("CONT");
        }
        Await.sleep(Duration.ofSeconds(2));
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
        assertThat(load.error.get()).as("sender errors").isNull();
        Books books = Books.of(awaitDrained(a));
        double atB = awaitStable(() -> b.metrics().sum("rosetta_receiver_accepted_points_total"));
        books.check(load.acknowledged().cardinality() * (long) load.pointsPerRequest(), atB, "frozen downstream");
        assertThat(books.unacknowledged()).as("batches given up without knowing").isPositive();
        a.stopCleanly();
        b.stopCleanly();
      } finally {
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aKilledDownstreamCannotMakeTheBooksWrong() throws Exception {
    int port = Peers.freePort();
    Path received = tmp.resolve("received.txt");
    Path logs = Peers.logDir(getClass());
    ChildJvm sink = startSink(logs.resolve("counting-sink-1.log"), port, received);
    try (RosettaProcess a = RosettaProcess.start(getClass(), "upstream-a", tmp, RosettaProcess.Ports.free(),
        forwardingTo(port, "max_elapsed_time: 60s"), "")) {
      TrackedLoad load = new TrackedLoad(a.httpBase() + "/v1/metrics", 80, Duration.ofMillis(40));
      Thread loader = new Thread(load, "tracked-load");
      loader.start();
      try {
        Await.until("A forwarding", Duration.ofSeconds(20), () -> CountingSink.recorded(received), n -> n > 2000);
        sink.kill();
        Await.sleep(Duration.ofSeconds(2));
        sink = startSink(logs.resolve("counting-sink-2.log"), port, received);
        long before = CountingSink.recorded(received);
        Await.until("A forwarding to the second sink", Duration.ofSeconds(30),
            () -> CountingSink.recorded(received), n -> n > before);
        Await.sleep(Duration.ofSeconds(1));
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
        assertThat(load.error.get()).as("sender errors").isNull();
        Books books = Books.of(awaitDrained(a));
        books.check(load.acknowledged().cardinality() * (long) load.pointsPerRequest(),
            CountingSink.recorded(received), "killed downstream");
        a.stopCleanly();
      } finally {
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
      }
    } finally {
      sink.close();
    }
  }

  private static ChildJvm startSink(Path log, int port, Path received) throws Exception {
    ChildJvm sink = ChildJvm.start("counting sink", log, List.of(), CountingSink.class, Integer.toString(port),
        received.toString());
    Await.until("the counting sink listening on " + port, Duration.ofSeconds(30), () -> {
      if (!sink.isAlive()) {
        throw new AssertionError("the counting sink exited with " + sink.exitValue());
      }
      new java.net.Socket("127.0.0.1", port).close();
      return true;
    }, up -> up);
    return sink;
  }

  /** Reads {@code probe} until two reads a second apart agree. */
  static double awaitStable(Await.Probe<Double> probe) {
    double[] last = {Double.NaN};
    return Await.until("the downstream's count settled", Duration.ofSeconds(20), () -> {
      Await.sleep(Duration.ofSeconds(1));
      double prev = last[0];
      last[0] = probe.get();
      return prev == last[0] ? last[0] : Double.NaN;
    }, v -> !Double.isNaN(v));
  }
}
