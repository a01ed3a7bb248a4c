package dev.rosetta.receiver.it;

import static dev.rosetta.receiver.it.ForwardingTest.await;
import static dev.rosetta.receiver.it.ForwardingTest.channel;
import static dev.rosetta.receiver.it.ForwardingTest.counter;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service with the file_storage extension and several OTLP exporters, configured as a user would. */
class DurableForwardingTest {
  @TempDir Path dir;

  private String exporters(LoopbackOtlpSink a, LoopbackOtlpSink b) {
    // continues RunningRosetta's exporters section
    return """
          otlp/a:
            endpoint: http://127.0.0.1:%d
            sending_queue: {storage: file_storage, queue_size: 100}
            retry_on_failure: {initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 0}
            batch: {timeout: 10ms}
          otlp/b:
            endpoint: http://127.0.0.1:%d
            retry_on_failure: {initial_interval: 50ms, max_interval: 100ms}
            batch: {timeout: 10ms}
        extensions:
          file_storage: {directory: "%s", fsync: true}
        service:
          extensions: [file_storage]
          shutdown_timeout: 500ms
        """.formatted(a.port(), b.port(), dir);
  }

  @Test
  void everyExporterGetsEveryRequestAndTheFileQueueOutlivesTheService() throws Exception {
    try (LoopbackOtlpSink a = new LoopbackOtlpSink(); LoopbackOtlpSink b = new LoopbackOtlpSink()) {
      a.mode = LoopbackOtlpSink.Mode.UNAVAILABLE;
      try (RunningRosetta rosetta = new RunningRosetta(exporters(a, b))) {
        ManagedChannel ch = channel(rosetta);
        try {
          var stub = MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS);
          for (int i = 0; i < 5; i++) {
            stub.export(counter("pod-" + i, 4));
          }
        } finally {
          ch.shutdownNow();
        }
        await("B has everything", () -> b.points() == 20);
        String m = rosetta.scrape();
        assertThat(m).contains("rosetta_exporter_enqueued_points_total{exporter=\"otlp/a\",} 20.0")
            .contains("rosetta_exporter_enqueued_points_total{exporter=\"otlp/b\",} 20.0")
            .contains("rosetta_exporter_queue_capacity{exporter=\"otlp/a\",} 100.0");
      }
      // A was down the whole time: its requests stayed on disk through the stop
      assertThat(a.points()).isZero();
      a.mode = LoopbackOtlpSink.Mode.ACCEPT;
      try (RunningRosetta again = new RunningRosetta(exporters(a, b))) {
        await("A gets what the first run accepted", () -> a.points() == 20);
        assertThat(again.scrape()).contains("rosetta_exporter_recovered_points_total{exporter=\"otlp/a\",} 20.0")
            .contains("rosetta_exporter_recovered_points_total{exporter=\"otlp/b\",} 0.0");
        assertThat(b.points()).as("B's memory queue was empty: nothing twice").isEqualTo(20);
      }
    }
  }
}
