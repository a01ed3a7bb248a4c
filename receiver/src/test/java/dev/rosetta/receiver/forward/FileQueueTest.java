package dev.rosetta.receiver.forward;

import static dev.rosetta.receiver.testing.OtlpSink.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.config.BatchConfig;
import dev.rosetta.receiver.config.ComponentId;
import dev.rosetta.receiver.config.Endpoint;
import dev.rosetta.receiver.config.FileStorageConfig;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.QueueConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.testing.OtlpRequests;
import dev.rosetta.receiver.testing.OtlpSink;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An exporter whose sending queue is kept by the file_storage extension. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileQueueTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private OtlpSink sink;
  private ManagedChannel channel;
  private final ServiceHealth health = new ServiceHealth();
  private final List<OtlpExporter> exporters = new ArrayList<>();

  @BeforeEach
  void setUp() {
    sink = OtlpSink.inProcess();
    channel = sink.newChannel();
  }

  @AfterEach
  void tearDown() {
    for (OtlpExporter e : exporters) {
      e.shutdown(Duration.ofSeconds(2));
      assertThat(e.stats().unaccountedPoints()).as("recovered + enqueued - sent - dropped - queued").isZero();
    }
    assertThat(health.isHealthy()).isTrue();
    channel.shutdownNow();
    sink.close();
  }

  private FileStorageConfig storage(boolean fsync) {
    return FileStorageConfig.of(ComponentId.of("file_storage"), dir).withFsync(fsync);
  }

  private OtlpExporterConfig config(UnaryOperator<OtlpExporterConfig> customize) {
    return customize.apply(OtlpExporterTest.settings()
        .withSendingQueue(QueueConfig.memory(1, 100).withStorage(storage(false)))
        .withRetryOnFailure(OtlpExporterTest.fastRetry(Duration.ZERO)));
  }

  private OtlpExporter exporter(UnaryOperator<OtlpExporterConfig> customize, CollectorRegistry registry)
      throws IOException {
    OtlpExporter e = OtlpExporter.forChannel(config(customize), channel, new ExporterMetrics(registry),
        health);
    exporters.add(e);
    return e;
  }

  private OtlpExporter exporter(UnaryOperator<OtlpExporterConfig> customize) throws IOException {
    return exporter(customize, new CollectorRegistry());
  }

  private static List<ExportMetricsServiceRequest> requests(int n) {
    List<ExportMetricsServiceRequest> rs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rs.add(OtlpRequests.gauges("file" + i, 1, 1 + i % 3));
    }
    return rs;
  }

  private static int offerAll(OtlpExporter e, List<ExportMetricsServiceRequest> rs) {
    int points = 0;
    for (ExportMetricsServiceRequest r : rs) {
      assertThat(e.offer(r)).isTrue();
      points += OtlpDataPoints.count(r);
    }
    return points;
  }

  private Path queueDir() {
    return dir.resolve("exporter_otlp_metrics");
  }

  @Test
  void whatWasAcceptedIsDeliveredAfterARestartInOrderEvenToAnotherEndpoint() throws Exception {
    sink.failAlways(Status.Code.UNAVAILABLE);
    OtlpExporter first = exporter(c -> c);
    assertThat(first.durable()).isTrue();
    List<ExportMetricsServiceRequest> offered = requests(6);
    int points = offerAll(first, offered);
    assertThat(sink.awaitCalls(2, WAIT)).isTrue();
    first.shutdown(Duration.ofMillis(100));
    ExporterStats s1 = first.stats();
    assertThat(s1.totalDroppedPoints()).as("nothing dropped: it stays on disk").isZero();
    assertThat(s1.queuedPoints()).isEqualTo(points);
    try (Stream<Path> files = Files.list(queueDir())) {
      assertThat(files.map(p -> p.getFileName().toString())).anySatisfy(n -> assertThat(n).endsWith(".seg"));
    }

    sink.recover();
    // the downstream's address changed; the queue is the exporter's (by id), so it goes along
    OtlpExporter second = exporter(c -> new OtlpExporterConfig(c.id(), new Endpoint("elsewhere.invalid", 4317),
        c.tls(), c.headers(), c.compression(), c.timeout(), c.sendingQueue(), c.retryOnFailure(), c.batch()));
    assertThat(await(() -> second.stats().sentPoints() == points, WAIT)).isTrue();
    assertThat(second.stats().recoveredPoints()).isEqualTo(points);
    List<String> delivered = OtlpRequests.pointIds(sink.acceptedRequests());
    List<String> wanted = OtlpRequests.pointIds(offered);
    // a call of the first exporter cut off by its shutdown may still reach the downstream once it is
    // back (its outcome unknown, the record stays on disk): at least once, and the queue in order
    assertThat(delivered.size()).isGreaterThanOrEqualTo(wanted.size());
    assertThat(delivered.subList(delivered.size() - wanted.size(), delivered.size())).isEqualTo(wanted);
    assertThat(wanted).containsAll(delivered);
    second.shutdown(Duration.ofSeconds(2));

    OtlpExporter third = exporter(c -> c);
    assertThat(third.stats().recoveredPoints()).as("delivered records are not delivered again").isZero();
    third.shutdown(Duration.ofSeconds(1));
    try (Stream<Path> files = Files.list(queueDir())) {
      assertThat(files.filter(p -> p.toString().endsWith(".seg"))).as("segments freed").isEmpty();
    }
  }

  @Test
  void eachExporterIdHasItsOwnDirectory() throws Exception {
    assertThat(FileQueue.directoryName(ComponentId.of("otlp"))).isEqualTo("exporter_otlp_metrics");
    assertThat(FileQueue.directoryName(new ComponentId("otlp", "eu-west_1"))).isEqualTo("exporter_otlp_eu-west_1_metrics");
    assertThat(FileQueue.directoryName(new ComponentId("otlp", "a/../b"))).isEqualTo("exporter_otlp_a~2f~2e~2e~2fb_metrics");

    sink.failAlways(Status.Code.UNAVAILABLE);
    OtlpExporter a = exporter(c -> OtlpExporterConfig.defaults(new ComponentId("otlp", "a"), c.endpoint())
        .withTls(c.tls()).withSendingQueue(c.sendingQueue()).withRetryOnFailure(c.retryOnFailure())
        .withBatch(c.batch()));
    offerAll(a, requests(2));
    a.shutdown(Duration.ofMillis(50));
    assertThat(Files.isDirectory(dir.resolve("exporter_otlp_a_metrics"))).isTrue();
    OtlpExporter plain = exporter(c -> c);
    assertThat(plain.stats().recoveredPoints()).isZero();
  }

  @Test
  void theQueueSizeLimitRefusesAndNothingIsWritten() throws Exception {
    sink.hangNext(1);
    OtlpExporter e = exporter(c -> c.withSendingQueue(QueueConfig.memory(1, 2).withStorage(storage(false))));
    ExportMetricsServiceRequest r = OtlpRequests.gauges("r", 1, 4);
    assertThat(e.offer(r)).isTrue();
    assertThat(sink.awaitCalls(1, WAIT)).isTrue();
    assertThat(e.offer(r)).isTrue();
    assertThat(e.offer(r)).isTrue();
    long bytes = sizeOf(queueDir());
    assertThat(e.offer(r)).isFalse();
    assertThat(e.stats().refusedPoints(RefusalReason.QUEUE_FULL)).isEqualTo(4);
    assertThat(sizeOf(queueDir())).isEqualTo(bytes);
    sink.releaseHung();
    assertThat(await(() -> e.stats().sentPoints() == 12, WAIT)).isTrue();
  }

  @Test
  void itemsAndBytesSizers() throws Exception {
    sink.hangNext(1);
    OtlpExporter e = exporter(c -> c.withSendingQueue(
        QueueConfig.memory(1, 10).withSize(10, QueueConfig.Sizer.ITEMS).withStorage(storage(false))));
    assertThat(e.offer(OtlpRequests.gauges("first", 1, 1))).isTrue(); // in flight, hung
    assertThat(sink.awaitCalls(1, WAIT)).isTrue();
    assertThat(e.offer(OtlpRequests.gauges("a", 2, 3))).isTrue(); // 6 points
    assertThat(e.offer(OtlpRequests.gauges("b", 1, 5))).isFalse(); // 11 > 10
    assertThat(e.offer(OtlpRequests.gauges("c", 1, 4))).isTrue(); // 10
    sink.releaseHung();
    assertThat(await(() -> e.stats().sentPoints() == 11, WAIT)).isTrue();
  }

  @Test
  void fsyncGroupCommitsAreCounted() throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    OtlpExporter e = exporter(c -> c.withSendingQueue(QueueConfig.memory(2, 1000).withStorage(storage(true))),
        registry);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 25; i++) {
          assertThat(e.offer(OtlpRequests.gauges("s" + id + "-" + i, 1, 1))).isTrue();
        }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    assertThat(await(() -> e.stats().sentPoints() == 100, WAIT)).isTrue();
    Double syncs = registry.getSampleValue("rosetta_exporter_storage_syncs_total", new String[] {"exporter"},
        new String[] {"otlp"});
    assertThat(syncs).isNotNull().isPositive().isLessThanOrEqualTo(100.0);
    assertThat(registry.getSampleValue("rosetta_exporter_storage_bytes", new String[] {"exporter"},
        new String[] {"otlp"})).isPositive();
  }

  @Test
  void damageFoundAtStartIsCountedAndTheIntactRecordsAreDelivered() throws Exception {
    sink.failAlways(Status.Code.UNAVAILABLE);
    OtlpExporter first = exporter(c -> c);
    List<ExportMetricsServiceRequest> offered = requests(5); // 1, 2, 3, 1, 2 points
    offerAll(first, offered);
    first.shutdown(Duration.ofMillis(50));
    Path seg;
    try (Stream<Path> files = Files.list(queueDir())) {
      seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    // the third record's payload gets a flipped byte; the last record is cut short
    long third = SegmentedLog.FILE_HEADER_BYTES;
    for (int i = 0; i < 2; i++) {
      third += SegmentedLog.RECORD_HEADER_BYTES + offered.get(i).getSerializedSize();
    }
    flip(seg, third + SegmentedLog.RECORD_HEADER_BYTES + 2);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(f.length() - 3);
    }

    sink.recover();
    CollectorRegistry registry = new CollectorRegistry();
    OtlpExporter second = exporter(c -> c, registry);
    assertThat(await(() -> second.stats().sentPoints() == 4, WAIT)).isTrue();
    ExporterStats s = second.stats();
    assertThat(s.recoveredPoints()).isEqualTo(1 + 2 + 3 + 1);
    assertThat(s.droppedPoints(DropReason.CORRUPTED)).isEqualTo(3);
    assertThat(s.corruptedRecords()).isEqualTo(2);
    assertThat(OtlpRequests.pointIds(sink.acceptedRequests()))
        .isEqualTo(OtlpRequests.pointIds(List.of(offered.get(0), offered.get(1), offered.get(3))));
    assertThat(registry.getSampleValue("rosetta_exporter_queue_corrupted_records_total", new String[] {"exporter"},
        new String[] {"otlp"})).isEqualTo(2.0);
  }

  @Test
  void aRecordDamagedWhileQueuedIsDroppedAsCorrupted() throws Exception {
    sink.hangNext(1);
    OtlpExporter e = exporter(c -> c.withBatch(new BatchConfig(1, 0, Duration.ZERO)));
    ExportMetricsServiceRequest a = OtlpRequests.gauges("a", 1, 2);
    ExportMetricsServiceRequest b = OtlpRequests.gauges("b", 1, 3);
    assertThat(e.offer(a)).isTrue();
    assertThat(sink.awaitCalls(1, WAIT)).isTrue(); // the only sender is busy: b waits, unread
    assertThat(e.offer(b)).isTrue();
    Path seg;
    try (Stream<Path> files = Files.list(queueDir())) {
      seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    long second = SegmentedLog.FILE_HEADER_BYTES + SegmentedLog.RECORD_HEADER_BYTES + a.getSerializedSize();
    flip(seg, second + SegmentedLog.RECORD_HEADER_BYTES + 1);
    sink.releaseHung();
    assertThat(await(() -> e.stats().droppedPoints(DropReason.CORRUPTED) == 3, WAIT)).isTrue();
    assertThat(e.stats().sentPoints()).isEqualTo(2);
  }

  @Test
  void aMissingDirectoryIsReportedUnlessItMayBeCreated() throws Exception {
    FileStorageConfig missing = FileStorageConfig.of(ComponentId.of("file_storage"), dir.resolve("no/such"));
    assertThatThrownBy(() -> OtlpExporter.forChannel(OtlpExporterTest.settings()
        .withSendingQueue(QueueConfig.memory(1, 10).withStorage(missing)), channel,
        new ExporterMetrics(new CollectorRegistry()), health))
        .isInstanceOf(IOException.class).hasMessageContaining("no/such").hasMessageContaining("create_directory");
    FileStorageConfig create = new FileStorageConfig(missing.id(), missing.directory(), false,
        FileStorageConfig.DEFAULT_TIMEOUT, true, 0700);
    OtlpExporter e = OtlpExporter.forChannel(OtlpExporterTest.settings()
        .withSendingQueue(QueueConfig.memory(1, 10).withStorage(create)), channel,
        new ExporterMetrics(new CollectorRegistry()), health);
    exporters.add(e);
    assertThat(Files.getPosixFilePermissions(dir.resolve("no/such"))).hasSize(3);
  }

  @Test
  void twoExportersCannotShareOneQueue() throws Exception {
    exporter(c -> c);
    assertThatThrownBy(() -> exporter(c -> c)).isInstanceOf(IOException.class).hasMessageContaining("in use");
  }

  private static long sizeOf(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      long n = 0;
      for (Path p : files.toList()) {
        n += Files.size(p);
      }
      return n;
    }
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5a);
    }
  }
}
