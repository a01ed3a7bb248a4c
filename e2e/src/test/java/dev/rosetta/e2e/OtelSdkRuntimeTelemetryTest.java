package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry SDK JVM peer: a child JVM runs the OpenTelemetry Java SDK with its runtime
 * telemetry ({@code io.opentelemetry.instrumentation:opentelemetry-runtime-telemetry}) and exports
 * OTLP/gRPC every second to the packaged Rosetta; a real Prometheus scrapes Rosetta. The JVM
 * families the SDK emits (the OpenTelemetry JVM semantic conventions) appear in Prometheus under the
 * standard OTLP→Prometheus names, with {@code job} = {@code service.name} and {@code instance} =
 * {@code service.instance.id}.
 */
@ExtendWith(PeerLogs.class)
class OtelSdkRuntimeTelemetryTest {
  static final String JOB = "otel-sdk-app";
  static final String INSTANCE = "otel-sdk-app-1";
  static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void otelSdkRuntimeTelemetryOverOtlpGrpcGivesTheJvmFamiliesInPrometheus() throws Exception {
    Peers.prometheus();
    try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp);
        PrometheusProcess prometheus = PrometheusProcess.start(getClass(), tmp.resolve("prometheus"),
            Map.of("rosetta", rosetta.metricsTarget()));
        ChildJvm app = ChildJvm.start("OpenTelemetry SDK JVM", Peers.logDir(getClass()).resolve("otel-sdk-app.log"),
            List.of(), OtelSdkRuntimeApp.class, rosetta.grpcEndpoint(), JOB, INSTANCE, "120")) {
      String job = "{job=\"" + JOB + "\",instance=\"" + INSTANCE + "\"";
      // memory by type and pool, as the conventions name them
      Set<String> heapPools = prometheus.awaitLabelValues("jvm_memory_used_bytes" + job + ",jvm_memory_type=\"heap\"}",
          "jvm_memory_pool_name");
      Set<String> nonHeapPools = prometheus.awaitLabelValues("jvm_memory_used_bytes" + job
          + ",jvm_memory_type=\"non_heap\"}", "jvm_memory_pool_name");
      assertThat(heapPools).as("heap pools").isNotEmpty();
      assertThat(nonHeapPools).as("non-heap pools").contains("Metaspace");
      assertThat(prometheus.awaitSingle("sum(jvm_memory_used_bytes" + job + ",jvm_memory_type=\"heap\"})"))
          .as("heap used").isPositive();
      // threads, classes, CPU, GC: each family with data from this JVM
      for (String family : List.of("jvm_thread_count", "jvm_class_loaded_total", "jvm_class_count",
          "jvm_cpu_time_seconds_total", "jvm_cpu_count", "jvm_memory_committed_bytes",
          "jvm_memory_used_after_last_gc_bytes", "jvm_gc_duration_seconds_count")) {
        assertThat(prometheus.awaitSingle("sum(" + family + job + "})")).as(family).isPositive();
      }
      assertThat(prometheus.awaitLabelValues("jvm_thread_count" + job + "}", "jvm_thread_state"))
          .as("thread states").contains("runnable");
      assertThat(prometheus.awaitLabelValues("jvm_gc_duration_seconds_count" + job + "}", "jvm_gc_name"))
          .as("collectors").isNotEmpty();
      Set<String> families = Await.until("the JVM families a Jolokia read gives too", DEADLINE,
          () -> prometheus.names("{job=\"" + JOB + "\"}"), f -> f.containsAll(JvmExposition.SHARED_FAMILIES));
      assertThat(app.isAlive()).as("the SDK JVM is running").isTrue();

      Exposition self = rosetta.metrics();
      assertThat(self.sum("rosetta_receiver_accepted_points_total", Map.of("transport", "grpc")))
          .as("points accepted over OTLP/gRPC").isPositive();
      assertThat(self.sum("rosetta_receiver_refused_points_total")).as("points refused").isZero();
      System.out.println("families from the OpenTelemetry SDK: " + families);
      JvmExposition.assertPromtoolFindingsAreKnown(rosetta.scrape());
      app.stop();
      rosetta.stopCleanly();
    }
  }
}
