package dev.rosetta.receiver.it;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A downstream OTLP/gRPC endpoint on loopback that records what it receives. It can answer
 * UNAVAILABLE, or hold calls without answering, to play an outage.
 */
final class LoopbackOtlpSink implements AutoCloseable {
  enum Mode { ACCEPT, UNAVAILABLE, HANG }

  final List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
  final AtomicInteger refusedCalls = new AtomicInteger();
  volatile Mode mode = Mode.ACCEPT;
  private final List<StreamObserver<ExportMetricsServiceResponse>> held = new CopyOnWriteArrayList<>();
  private final Server server;

  LoopbackOtlpSink() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> obs) {
            switch (mode) {
              case ACCEPT -> {
                received.add(request);
                obs.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                obs.onCompleted();
              }
              case UNAVAILABLE -> {
                refusedCalls.incrementAndGet();
                obs.onError(Status.UNAVAILABLE.withDescription("sink is down").asRuntimeException());
              }
              case HANG -> held.add(obs);
            }
          }
        })
        .build()
        .start();
  }

  int port() {
    return server.getPort();
  }

  long points() {
    long n = 0;
    for (ExportMetricsServiceRequest r : received) {
      for (var rm : r.getResourceMetricsList()) {
        for (var sm : rm.getScopeMetricsList()) {
          for (var m : sm.getMetricsList()) {
            n += switch (m.getDataCase()) {
              case GAUGE -> m.getGauge().getDataPointsCount();
              case SUM -> m.getSum().getDataPointsCount();
              case HISTOGRAM -> m.getHistogram().getDataPointsCount();
              case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
              case SUMMARY -> m.getSummary().getDataPointsCount();
              default -> 0;
            };
          }
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    for (var obs : held) {
      try {
        obs.onError(Status.UNAVAILABLE.asRuntimeException());
      } catch (RuntimeException ignored) {
        // the call may be gone already
      }
    }
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
