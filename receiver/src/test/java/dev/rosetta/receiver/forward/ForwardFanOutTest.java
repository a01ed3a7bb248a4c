package dev.rosetta.receiver.forward;

import static dev.rosetta.receiver.testing.OtlpSink.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.config.ComponentId;
import dev.rosetta.receiver.config.FileStorageConfig;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import dev.rosetta.receiver.config.QueueConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.testing.OtlpRequests;
import dev.rosetta.receiver.testing.OtlpSink;
import io.grpc.ManagedChannel;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.client.CollectorRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several exporters: every request goes to all of them or to none. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForwardFanOutTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final OtlpSink sinkA = OtlpSink.inProcess();
  private final OtlpSink sinkB = OtlpSink.inProcess();
  private final ManagedChannel channelA = sinkA.newChannel();
  private final ManagedChannel channelB = sinkB.newChannel();
  private final ServiceHealth health = new ServiceHealth();
  private final ExporterMetrics metrics = new ExporterMetrics(new CollectorRegistry());
  private ForwardFanOut fanOut;

  @AfterEach
  void tearDown() {
    if (fanOut != null) {
      fanOut.shutdown(Duration.ofSeconds(2));
      for (OtlpExporter e : fanOut.exporters()) {
        assertThat(e.stats().unaccountedPoints()).isZero();
      }
    }
    channelA.shutdownNow();
    channelB.shutdownNow();
    sinkA.close();
    sinkB.close();
  }

  private OtlpExporter exporter(String name, ManagedChannel channel, int queueSize) throws Exception {
    OtlpExporterConfig base = OtlpExporterTest.settings().withSendingQueue(QueueConfig.memory(1, queueSize));
    OtlpExporterConfig c = new OtlpExporterConfig(new ComponentId("otlp", name), base.endpoint(), base.tls(),
        base.headers(), base.compression(), base.timeout(), base.sendingQueue(), base.retryOnFailure(), base.batch());
    return OtlpExporter.forChannel(c, channel, metrics, health);
  }

  @Test
  void aRefusalByOneExporterAppliesNothingAnywhereAndTheRetryDoesNotDuplicate() throws Exception {
    OtlpExporter a = exporter("a", channelA, 100);
    OtlpExporter b = exporter("b", channelB, 1);
    fanOut = ForwardFanOut.of(List.of(a, b), health);
    sinkB.hangNext(1);

    ExportMetricsServiceRequest r1 = OtlpRequests.gauges("r1", 1, 2);
    ExportMetricsServiceRequest r2 = OtlpRequests.gauges("r2", 1, 2);
    ExportMetricsServiceRequest r3 = OtlpRequests.gauges("r3", 1, 2);
    assertThat(fanOut.offer(r1, 2)).isTrue();
    assertThat(sinkB.awaitCalls(1, WAIT)).isTrue(); // B's only sender hangs on r1
    assertThat(fanOut.offer(r2, 2)).isTrue(); // fills B's queue
    assertThat(fanOut.offer(r3, 2)).as("B is full: refused for both").isFalse();
    assertThat(a.stats().refusedPoints(RefusalReason.OTHER_EXPORTER)).isEqualTo(2);
    assertThat(b.stats().refusedPoints(RefusalReason.QUEUE_FULL)).isEqualTo(2);
    assertThat(a.stats().enqueuedPoints()).isEqualTo(4);

    sinkB.releaseHung();
    assertThat(await(() -> fanOut.offer(r3, 2), WAIT)).as("the sender's retry is taken once there is room").isTrue();
    assertThat(await(() -> a.stats().sentPoints() == 6 && b.stats().sentPoints() == 6, WAIT)).isTrue();
    for (OtlpSink s : List.of(sinkA, sinkB)) {
      List<String> ids = OtlpRequests.pointIds(s.acceptedRequests());
      assertThat(ids).hasSize(6).hasSameSizeAs(new HashSet<>(ids));
      assertThat(ids).containsExactlyInAnyOrderElementsOf(OtlpRequests.pointIds(List.of(r1, r2, r3)));
    }
  }

  @Test
  void oneExporterIsOfferedDirectly() throws Exception {
    OtlpExporter a = exporter("a", channelA, 100);
    fanOut = ForwardFanOut.of(List.of(a), health);
    assertThat(fanOut.offer(OtlpRequests.gauges("x", 1, 3), 3)).isTrue();
    assertThat(await(() -> a.stats().sentPoints() == 3, WAIT)).isTrue();
  }

  @Test
  void anOfferMayWaitExactlyWhenAnExporterHasAFileQueue() {
    OtlpExporterConfig memory = OtlpExporterTest.settings();
    OtlpExporterConfig file = OtlpExporterTest.settings().withSendingQueue(QueueConfig.defaults().withStorage(
        new FileStorageConfig(ComponentId.of("file_storage"), Path.of("/var/lib/rosetta"), true, Duration.ofSeconds(2),
            false, 0750)));
    assertThat(new ForwardFanOut(List.of(memory), metrics, health).mayWait()).isFalse();
    assertThat(new ForwardFanOut(List.of(memory, file), metrics, health).mayWait()).isTrue();
    assertThat(new ForwardFanOut(List.of(file), metrics, health).mayWait()).isTrue();
  }

  @Test
  void beforeStartAndAfterShutdownEveryOfferIsRefused() throws Exception {
    ForwardFanOut notStarted = new ForwardFanOut(List.of(OtlpExporterTest.settings()), metrics, health);
    assertThat(notStarted.offer(OtlpRequests.gauges("x", 1, 1), 1)).isFalse();
    fanOut = ForwardFanOut.of(List.of(exporter("a", channelA, 10)), health);
    fanOut.shutdown(Duration.ofSeconds(1));
    assertThat(fanOut.offer(OtlpRequests.gauges("x", 1, 1), 1)).isFalse();
  }
}
