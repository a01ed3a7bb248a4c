package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.config.ConfigException;
import dev.rosetta.receiver.config.ConfigLoader;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** relabel.input and relabel.output acting inside the running service. */
class RelabelPipelineTest {
  static final String RULES = """
      relabel:
        input:
          - source_labels: [__name__]
            regex: "debug\\\\..*"
            action: drop
          - source_labels: [service.name, tier]
            separator: "-"
            target_label: team
            replacement: "$1"
            regex: "(.*)-backend"
        output:
          - source_labels: [__name__]
            regex: "queue_depth"
            target_label: __name__
            replacement: "work_queue_depth"
          - action: labeldrop
            regex: "tier"
          - source_labels: [shard]
            regex: "7"
            action: drop
      """;

  static Metric gauge(String name, String... attrs) {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setAsDouble(3).setTimeUnixNano(1);
    for (int i = 0; i < attrs.length; i += 2) {
      p.addAttributes(ForwardingTest.kv(attrs[i], attrs[i + 1]));
    }
    return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addDataPoints(p)).build();
  }

  @Test
  void inputAndOutputRulesAct() throws Exception {
    try (RunningRosetta rosetta = new RunningRosetta(RULES)) {
      ExportMetricsServiceRequest req = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
          ResourceMetrics.newBuilder()
              .setResource(Resource.newBuilder().addAttributes(ForwardingTest.kv("service.name", "payments")))
              .addScopeMetrics(ScopeMetrics.newBuilder()
                  .addMetrics(gauge("debug.internal", "a", "b"))
                  .addMetrics(gauge("queue.depth", "tier", "backend", "shard", "1"))
                  .addMetrics(gauge("queue.depth", "tier", "backend", "shard", "7"))
                  .addMetrics(gauge("cache.size", "tier", "frontend"))))
          .build();
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1",
          rosetta.service.grpcAddress().orElseThrow().getPort()).usePlaintext().build();
      try {
        MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS).export(req);
      } finally {
        ch.shutdownNow();
      }
      String text = rosetta.scrape();
      assertThat(text)
          .doesNotContain("debug_internal")
          .contains("work_queue_depth{job=\"payments\",shard=\"1\",team=\"payments\",} 3.0")
          .doesNotContain("shard=\"7\"")
          .doesNotContain("\nqueue_depth{")
          .contains("cache_size{job=\"payments\",} 3.0")
          .contains("rosetta_pipeline_dropped_points_total{stage=\"relabel_input\",} 1.0")
          .contains("rosetta_pipeline_dropped_points_total{stage=\"relabel_output\",} 1.0");
    }
  }

  @Test
  void invalidRulesAreReportedWithTheirPath() {
    String yaml = """
        relabel:
          input:
            - action: keep
              regex: "("
          output:
            - action: hashmod
              target_label: shard
        """;
    try {
      ConfigLoader.parse(yaml, "rosetta.yaml", Map.of());
      throw new AssertionError("expected errors");
    } catch (ConfigException e) {
      assertThat(e.errors()).extracting(Object::toString).anySatisfy(s -> assertThat(s)
          .startsWith("rosetta.yaml:4:14: relabel.input[0].regex").contains("invalid regex"));
      assertThat(e.errors()).extracting(Object::toString).anySatisfy(s -> assertThat(s)
          .startsWith("rosetta.yaml:6:7: relabel.output[0].modulus"));
    }
  }
}
