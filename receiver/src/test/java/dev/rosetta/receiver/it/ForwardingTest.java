package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Forwarding over OTLP/gRPC to a downstream sink on loopback. */
class ForwardingTest {

  static String forwardTo(LoopbackOtlpSink sink, String queue) {
    return forwardTo(sink, queue, "{timeout: 20ms}");
  }

  static String forwardTo(LoopbackOtlpSink sink, String queue, String batch) {
    return """
          otlp:
            endpoint: http://127.0.0.1:%d
            compression: gzip
            timeout: 2s
            sending_queue: %s
            retry_on_failure: {initial_interval: 100ms, max_interval: 300ms, max_elapsed_time: 30s}
            batch: %s
        service:
          shutdown_timeout: 1s
        """.formatted(sink.port(), queue, batch);
  }

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static ExportMetricsServiceRequest counter(String instance, int points) {
    Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true)
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int i = 0; i < points; i++) {
      sum.addDataPoints(NumberDataPoint.newBuilder().setAsDouble(i).setTimeUnixNano(1_700_000_000_000_000_000L)
          .addAttributes(kv("shard", Integer.toString(i))));
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "billing"))
            .addAttributes(kv("service.instance.id", instance)).addAttributes(kv("host.name", "node-1")))
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("invoices.issued")
            .setUnit("{invoice}").setDescription("Invoices issued").setSum(sum))))
        .build();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  static ManagedChannel channel(RunningRosetta r) {
    return NettyChannelBuilder.forAddress("127.0.0.1", r.service.grpcAddress().orElseThrow().getPort())
        .usePlaintext().build();
  }

  @Test
  void forwardedContentKeepsResourceNamesUnitsTypesAndAttributes() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink();
        RunningRosetta rosetta = new RunningRosetta(forwardTo(sink, "{queue_size: 100}"))) {
      ManagedChannel ch = channel(rosetta);
      try {
        MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS).export(counter("pod-1", 3));
      } finally {
        ch.shutdownNow();
      }
      await("3 points at the sink", () -> sink.points() == 3);
      var rm = sink.received.get(0).getResourceMetrics(0);
      assertThat(rm.getResource().getAttributesList()).contains(kv("service.name", "billing"), kv("host.name", "node-1"));
      Metric m = rm.getScopeMetrics(0).getMetrics(0);
      assertThat(m.getName()).isEqualTo("invoices.issued");
      assertThat(m.getUnit()).isEqualTo("{invoice}");
      assertThat(m.getDescription()).isEqualTo("Invoices issued");
      assertThat(m.getSum().getIsMonotonic()).isTrue();
      assertThat(m.getSum().getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      assertThat(m.getSum().getDataPoints(2).getAsDouble()).isEqualTo(2.0);
      assertThat(m.getSum().getDataPoints(2).getAttributesList()).containsExactly(kv("shard", "2"));
    }
  }

  @Test
  void downstreamOutageLeadsToRetriesThenDeliveryOfEveryPoint() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink();
        RunningRosetta rosetta = new RunningRosetta(forwardTo(sink, "{queue_size: 100}"))) {
      sink.mode = LoopbackOtlpSink.Mode.UNAVAILABLE;
      ManagedChannel ch = channel(rosetta);
      try {
        var stub = MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
          stub.export(counter("pod-" + i, 10));
        }
      } finally {
        ch.shutdownNow();
      }
      await("some refused attempts", () -> sink.refusedCalls.get() >= 2);
      assertThat(sink.points()).isZero();
      sink.mode = LoopbackOtlpSink.Mode.ACCEPT;
      await("all 100 points delivered", () -> sink.points() >= 100);
      Thread.sleep(300);
      assertThat(sink.points()).isEqualTo(100);
      String metrics = rosetta.scrape();
      assertThat(metrics).contains("rosetta_exporter_sent_points_total{exporter=\"otlp\",} 100.0");
    }
  }

  @Test
  void fullForwardQueueIsAnsweredWithRetryHintsAndAppliesNothing() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink();
        RunningRosetta rosetta = new RunningRosetta(forwardTo(sink, "{queue_size: 1, num_consumers: 1}",
            "{send_batch_size: 1, send_batch_max_size: 1, timeout: 0s}"))) {
      sink.mode = LoopbackOtlpSink.Mode.HANG;
      ManagedChannel ch = channel(rosetta);
      try {
        var stub = MetricsServiceGrpc.newBlockingStub(ch);
        StatusRuntimeException refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
          try {
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).export(counter("pod-" + i, 1));
          } catch (StatusRuntimeException e) {
            refused = e;
          }
        }
        assertThat(refused).as("a request refused once the queue is full").isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
        RetryInfo info = StatusRuntimeExceptionDetails.retryInfo(refused);
        assertThat(info).isNotNull();
        assertThat(info.getRetryDelay().getSeconds()).isPositive();

        HttpResponse<byte[]> resp = null;
        String refusedInstance = null;
        for (int i = 0; i < 10; i++) {
          refusedInstance = "pod-http-" + i;
          resp = rosetta.http.send(HttpRequest.newBuilder(URI.create(rosetta.httpBase() + "/v1/metrics"))
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(counter(refusedInstance, 1).toByteArray()))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
          if (resp.statusCode() != 200) {
            break;
          }
        }
        assertThat(resp.statusCode()).isEqualTo(503);
        assertThat(resp.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v))
            .isPositive());
        assertThat(com.google.rpc.Status.parseFrom(resp.body()).getMessage()).contains("forward queue is full");
        // nothing of a refused request reached the store
        assertThat(rosetta.scrape()).doesNotContain("instance=\"" + refusedInstance + "\"");
      } finally {
        ch.shutdownNow();
      }
    }
  }

  /** Reads google.rpc details from a gRPC failure. */
  static final class StatusRuntimeExceptionDetails {
    static RetryInfo retryInfo(StatusRuntimeException e) throws Exception {
      com.google.rpc.Status st = StatusProto.fromThrowable(e);
      if (st == null) {
        return null;
      }
      for (var d : st.getDetailsList()) {
        if (d.is(RetryInfo.class)) {
          return d.unpack(RetryInfo.class);
        }
      }
      return null;
    }
  }
}
