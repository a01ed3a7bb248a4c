package dev.rosetta.e2e.bench;

import com.sun.net.httpserver.HttpServer;
import dev.rosetta.receiver.server.ByteArrayMarshaller;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * Where the receivers under test send on: an OTLP/gRPC metrics service (for Rosetta's {@code otlp}
 * exporter) and an HTTP endpoint for Prometheus remote write (for vmagent), both on loopback, both
 * acknowledging at once and keeping nothing. Writes {@code grpc=PORT http=PORT} to the file named by
 * the one argument and runs until it is stopped.
 */
public final class BenchSink {
  private static final byte[] EMPTY = new byte[0];

  private BenchSink() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: BenchSink PORTS_FILE");
      System.exit(2);
    }
    MethodDescriptor<byte[], byte[]> export = MetricsServiceGrpc.getExportMethod()
        .toBuilder(ByteArrayMarshaller.INSTANCE, ByteArrayMarshaller.INSTANCE).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(MetricsServiceGrpc.SERVICE_NAME)
        .addMethod(export, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(EMPTY); // an empty ExportMetricsServiceResponse: everything accepted
          response.onCompleted();
        }))
        .build();
    Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service)
        .directExecutor()
        .maxInboundMessageSize(64 << 20)
        .build()
        .start();

    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    http.setExecutor(Executors.newFixedThreadPool(2));
    http.start();

    Files.writeString(Path.of(args[0]), "grpc=" + grpc.getPort() + " http=" + http.getAddress().getPort() + "\n",
        StandardCharsets.UTF_8);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      http.stop(0);
      grpc.shutdownNow();
      stopped.countDown();
    }));
    stopped.await();
  }
}
