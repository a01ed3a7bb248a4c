package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Forwarded OTLP carries the semantic names, units, types and attributes: a second Rosetta that
 * receives it derives the same families and labels as the first one's /metrics.
 */
class SemanticForwardingTest {

  static String forwardTo(int port) {
    return """
          otlp:
            endpoint: http://127.0.0.1:%d
            retry_on_failure: {initial_interval: 100ms, max_interval: 300ms}
            batch: {timeout: 20ms}
        relabel:
          output:
            - source_labels: [__name__]
              regex: go_gc_gogc_percent
              target_label: __name__
              replacement: go_gogc
        service:
          shutdown_timeout: 2s
          telemetry: {metrics: {own_jvm: false}}
        """.formatted(port);
  }

  @Test
  void aDownstreamRosettaDerivesTheSameFamiliesAndLabels() throws Exception {
    try (RunningRosetta downstream = new RunningRosetta(RunningRosetta.NO_OWN_JVM);
        RunningRosetta upstream = new RunningRosetta(forwardTo(downstream.service.grpcAddress().orElseThrow()
            .getPort()))) {
      HttpResponse<String> resp = SemanticPipelineTest.postJson(upstream, "/v1/go/runtime-metrics",
          SemanticPipelineTest.goNativeBody());
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      HttpResponse<String> jvm = SemanticPipelineTest.postJson(upstream,
          "/v1/jvm/jolokia?service.name=orders&service.instance.id=jvm-1",
          SemanticPipelineTest.jolokiaBulkFromThisJvm());
      assertThat(jvm.statusCode()).as(jvm.body()).isEqualTo(200);
      String expected = SemanticPipelineTest.userSeries(upstream.scrape());
      assertThat(expected).contains("go_gogc{").contains("jvm_memory_used_bytes{");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      String got = "";
      while (System.nanoTime() < deadline) {
        got = SemanticPipelineTest.userSeries(downstream.scrape());
        if (got.equals(expected)) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(got).isEqualTo(expected);
    }
  }
}
