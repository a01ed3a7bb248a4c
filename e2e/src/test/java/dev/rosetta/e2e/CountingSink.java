package dev.rosetta.e2e;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A downstream OTLP/gRPC receiver, run as a process of its own ({@code CountingSink PORT FILE}),
 * that writes one line per request it receives, the request's data points, to {@code FILE} before
 * it answers. The file survives the process being killed: whatever the sink may have applied and
 * acknowledged is in it, which a downstream's own counters would not tell after a kill -9.
 */
public final class CountingSink {
  private CountingSink() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    FileOutputStream out = new FileOutputStream(args[1], true);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .withOption(ChannelOption.SO_REUSEADDR, true)
        .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> obs) {
            synchronized (out) {
              try {
                out.write((points(request) + "\n").getBytes(StandardCharsets.US_ASCII));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
            obs.onNext(ExportMetricsServiceResponse.getDefaultInstance());
            obs.onCompleted();
          }
        })
        .build()
        .start();
    System.out.println("counting sink listening on 127.0.0.1:" + port);
    server.awaitTermination();
  }

  static long points(ExportMetricsServiceRequest request) {
    long n = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          n += m.getGauge().getDataPointsCount() + m.getSum().getDataPointsCount()
              + m.getHistogram().getDataPointsCount() + m.getExponentialHistogram().getDataPointsCount()
              + m.getSummary().getDataPointsCount();
        }
      }
    }
    return n;
  }

  /** The points recorded in {@code file}, whole lines only. */
  static long recorded(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    long n = 0;
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return 0;
    }
    for (String line : text.substring(0, end).split("\n")) {
      if (!line.isBlank()) {
        n += Long.parseLong(line.trim());
      }
    }
    return n;
  }
}
