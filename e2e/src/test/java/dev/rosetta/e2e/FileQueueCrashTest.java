package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable sending queue, tried from outside: Rosetta A keeps its queue with the file_storage
 * extension ({@code fsync: true}) and forwards to Rosetta B, which is down. A steady sender sends
 * to A and records what A answered 200. A is killed (SIGKILL) mid-load and started again; then B
 * comes up. Every request the sender was acknowledged for must reach B, each fixed series with its
 * last value; with a damaged queue, everything intact; with a full disk, A refuses (503) rather
 * than accept and lose.
 */
@ExtendWith(PeerLogs.class)
class FileQueueCrashTest {
  static final Duration DRAIN = Duration.ofSeconds(40);

  @TempDir Path tmp;

  static String forwardingTo(RosettaProcess.Ports downstream, String queue) {
    return "{endpoint: \"http://127.0.0.1:" + downstream.grpc() + "\", timeout: 2s,"
        + " sending_queue: {storage: file_storage, num_consumers: 2, " + queue + "},"
        + " retry_on_failure: {initial_interval: 100ms, randomization_factor: 0.2, multiplier: 1.5,"
        + " max_interval: 500ms, max_elapsed_time: 0},"
        + " batch: {send_batch_size: 2000, timeout: 50ms}}";
  }

  static String fileStorage(Path dir) {
    return "extensions:\n  file_storage: {directory: \"" + dir + "\", fsync: true}\n"
        + "service: {extensions: [file_storage], shutdown_timeout: 5s}\n";
  }

  private RosettaProcess startA(String name, RosettaProcess.Ports b, Path queue, String queueSettings)
      throws IOException {
    return RosettaProcess.start(getClass(), name, tmp, RosettaProcess.Ports.free(), forwardingTo(b, queueSettings),
        fileStorage(queue));
  }

  /** Waits until A has handed everything to B: nothing queued or in flight, the books balanced. */
  static Exposition awaitDrained(RosettaProcess a) {
    return Await.until("A's queue empty and its books balanced", DRAIN, a::metrics,
        m -> m.sum("rosetta_exporter_queue_points") == 0 && m.sum("rosetta_exporter_in_flight_points") == 0
            && m.sum("rosetta_exporter_recovered_points_total") + m.sum("rosetta_exporter_enqueued_points_total")
                == m.sum("rosetta_exporter_sent_points_total") + m.sum("rosetta_exporter_dropped_points_total"));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void killedMidLoadThenRestartedEveryAcknowledgedPointReachesTheDownstream() throws Exception {
    Path queue = Files.createDirectories(tmp.resolve("queue"));
    RosettaProcess.Ports bPorts = RosettaProcess.Ports.free();
    RosettaProcess a1 = startA("upstream-a1", bPorts, queue, "queue_size: 100000");
    TrackedLoad load = new TrackedLoad(a1.httpBase() + "/v1/metrics", 10, Duration.ofMillis(40));
    Thread loader = new Thread(load, "tracked-load");
    loader.start();
    try (a1) {
      Await.until("A1 acknowledging requests", Duration.ofSeconds(20), load::lastAcked, n -> n >= 25);
      long killedAt = load.lastAcked();
      a1.kill();
      Await.sleep(Duration.ofMillis(500)); // the sender meets a dead receiver
      try (RosettaProcess a2 = startA("upstream-a2", bPorts, queue, "queue_size: 100000")) {
        load.retarget(a2.httpBase() + "/v1/metrics");
        Await.until("A2 acknowledging requests", Duration.ofSeconds(20), load::lastAcked, n -> n >= killedAt + 10);
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
        assertThat(load.error.get()).as("sender errors").isNull();
        double recovered = a2.metrics().sum("rosetta_exporter_recovered_points_total");
        System.out.printf("A1 killed after request %d; A2 found %.0f points in the file queue; sender: %d acked,"
            + " %d connection errors%n", killedAt, recovered, load.acknowledged().cardinality(),
            load.connectionErrors.get());
        assertThat(recovered).as("points A2 found on disk").isGreaterThanOrEqualTo(
            (killedAt + 1) * load.pointsPerRequest());

        try (RosettaProcess b = RosettaProcess.start(getClass(), "downstream-b", tmp, bPorts, "", "")) {
          Exposition drained = awaitDrained(a2);
          assertThat(drained.sum("rosetta_exporter_dropped_points_total")).as("points A2 dropped").isZero();
          Exposition atB = b.metrics();
          BitSet acked = load.acknowledged();
          BitSet missing = (BitSet) acked.clone();
          missing.andNot(load.requestsIn(atB));
          assertThat(missing.cardinality()).as("acknowledged requests missing at B: %s", missing).isZero();
          assertThat(TrackedLoad.fixedValuesIn(atB)).as("each fixed series with its last value")
              .hasSize(TrackedLoad.FIXED).containsOnly((double) load.lastAcked());
          b.stopCleanly();
          a2.stopCleanly();
        }
      }
    } finally {
      load.stop();
      loader.join(TimeUnit.SECONDS.toMillis(15));
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDamagedQueueIsCountedAndTheIntactRecordsAreDelivered() throws Exception {
    Path queue = Files.createDirectories(tmp.resolve("queue"));
    RosettaProcess.Ports bPorts = RosettaProcess.Ports.free();
    TrackedLoad load;
    try (RosettaProcess a1 = startA("upstream-a1", bPorts, queue, "queue_size: 100000")) {
      load = new TrackedLoad(a1.httpBase() + "/v1/metrics", 10, Duration.ofMillis(40));
      Thread loader = new Thread(load, "tracked-load");
      loader.start();
      Await.until("A1 acknowledging requests", Duration.ofSeconds(20), load::lastAcked, n -> n >= 25);
      a1.kill();
      load.stop();
      loader.join(TimeUnit.SECONDS.toMillis(15));
    }
    // the newest segment: its last record cut short, and one byte flipped in its middle
    Path segment;
    try (Stream<Path> files = Files.list(queue.resolve("exporter_otlp_metrics"))) {
      segment = files.filter(p -> p.toString().endsWith(".seg")).max(Comparator.naturalOrder()).orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(f.length() - 10);
      long middle = f.length() / 2;
      f.seek(middle);
      int b = f.read();
      f.seek(middle);
      f.write(b ^ 0xff);
    }

    try (RosettaProcess a2 = startA("upstream-a2", bPorts, queue, "queue_size: 100000")) {
      assertThat(a2.logText()).as("A2's log").contains("unreadable");
      Exposition started = a2.metrics();
      double corrupted = started.sum("rosetta_exporter_queue_corrupted_records_total");
      assertThat(corrupted).as("records A2 found damaged").isGreaterThanOrEqualTo(1);
      try (RosettaProcess b = RosettaProcess.start(getClass(), "downstream-b", tmp, bPorts, "", "")) {
        Exposition drained = awaitDrained(a2);
        BitSet acked = load.acknowledged();
        BitSet missing = (BitSet) acked.clone();
        missing.andNot(load.requestsIn(b.metrics()));
        System.out.printf("%d acknowledged requests; A2 found %.0f damaged records (%.0f points known),"
            + " %d acknowledged requests missing at B: %s%n", acked.cardinality(), corrupted,
            drained.sum("rosetta_exporter_dropped_points_total", Map.of("reason", "corrupted")),
            missing.cardinality(), missing);
        assertThat(missing.cardinality()).as("only what was damaged is missing").isPositive()
            .isLessThanOrEqualTo((int) corrupted);
        assertThat(drained.sum("rosetta_exporter_dropped_points_total")
            - drained.sum("rosetta_exporter_dropped_points_total", Map.of("reason", "corrupted")))
            .as("points dropped for other reasons").isZero();
        b.stopCleanly();
        a2.stopCleanly();
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aFullDiskIsAnsweredWith503AndNothingAcknowledgedIsLost() throws Exception {
    Path queue = Files.createDirectories(tmp.resolve("small"));
    SmallFileSystem small = SmallFileSystem.mount(queue, "1m");
    // without a small file system to fill, a byte limit on the queue plays the full disk
    String queueSettings = small.mounted() ? "queue_size: 100000" : "sizer: bytes, queue_size: 1000000";
    String refusal = small.mounted() ? "storage_full" : "queue_full";
    System.out.println(small.mounted() ? "a 1 MiB tmpfs holds the queue" : "no tmpfs (" + small.why()
        + "): a 1 MB queue limit stands in for the full disk");
    RosettaProcess.Ports bPorts = RosettaProcess.Ports.free();
    try (small; RosettaProcess a = startA("upstream-a", bPorts, queue, queueSettings)) {
      TrackedLoad load = new TrackedLoad(a.httpBase() + "/v1/metrics", 200, Duration.ofMillis(20));
      Thread loader = new Thread(load, "tracked-load");
      loader.start();
      try {
        Await.until("A refusing requests with 503", Duration.ofSeconds(40), () -> load.refused.get(), n -> n >= 3);
        Exposition full = a.metrics();
        assertThat(full.sum("rosetta_exporter_refused_points_total", Map.of("reason", refusal)))
            .as("points refused, %s", refusal).isPositive();
        assertThat(a.get("/readyz").statusCode()).as("A ready while full").isEqualTo(200);
        long before = load.lastAcked();
        try (RosettaProcess b = RosettaProcess.start(getClass(), "downstream-b", tmp, bPorts, "", "")) {
          Await.until("A taking requests again once B drains it", Duration.ofSeconds(40), load::lastAcked,
              n -> n >= before + 20);
          load.stop();
          loader.join(TimeUnit.SECONDS.toMillis(15));
          assertThat(load.error.get()).as("sender errors").isNull();
          Exposition drained = awaitDrained(a);
          assertThat(drained.sum("rosetta_exporter_dropped_points_total")).as("points A dropped").isZero();
          BitSet missing = load.acknowledged();
          missing.andNot(load.requestsIn(b.metrics()));
          System.out.printf("%d acknowledged, %d answered 503 and sent again, %d missing at B%n",
              load.acknowledged().cardinality(), load.refused.get(), missing.cardinality());
          assertThat(missing.cardinality()).as("acknowledged requests missing at B: %s", missing).isZero();
          b.stopCleanly();
        }
      } finally {
        load.stop();
        loader.join(TimeUnit.SECONDS.toMillis(15));
      }
    }
  }
}
