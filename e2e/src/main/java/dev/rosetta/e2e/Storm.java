package dev.rosetta.e2e;

import dev.rosetta.receiver.server.ByteArrayMarshaller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many clients sending the same large body at once, each on its own connection; every answer is
 * recorded: an HTTP status or gRPC code, or the failure a client saw instead (a closed connection,
 * a timeout).
 */
public final class Storm {
  private Storm() {}

  /** What each client got: {@code "200"}, {@code "UNAVAILABLE"}, or {@code "error: ..."}. */
  public record Result(List<String> answers, Duration took) {
    /** Answers counted by kind, sorted. */
    public Map<String, Integer> counts() {
      Map<String, Integer> m = new TreeMap<>();
      for (String a : answers) {
        m.merge(a.startsWith("error") ? a.replaceAll("(error: [^:]+).*", "$1") : a, 1, Integer::sum);
      }
      return m;
    }
  }

  /** {@code clients} POSTs of {@code body} to {@code url} at once. */
  public static Result http(URI url, byte[] body, String contentEncoding, int clients, Duration timeout)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch go = new CountDownLatch(1);
    long t0 = System.nanoTime();
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        futures.add(pool.submit(() -> {
          HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10)).build();
          HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout)
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
          if (contentEncoding != null) {
            rb.header("Content-Encoding", contentEncoding);
          }
          go.await();
          long start = System.nanoTime();
          try {
            return Integer.toString(client.send(rb.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
          } catch (java.io.IOException e) {
            return "error: " + e.getClass().getSimpleName() + ": " + e.getMessage() + " (after "
                + (System.nanoTime() - start) / 1_000_000 + " ms)";
          }
        }));
      }
      go.countDown();
      List<String> answers = new ArrayList<>();
      for (Future<String> f : futures) {
        try {
          answers.add(f.get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          answers.add("error: " + e);
        }
      }
      return new Result(answers, Duration.ofNanos(System.nanoTime() - t0));
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code clients} OTLP/gRPC exports of {@code body} at once, each on its own channel. */
  public static Result grpc(String host, int port, byte[] body, boolean gzip, int clients, Duration timeout)
      throws InterruptedException {
    MethodDescriptor<byte[], ExportMetricsServiceResponse> export = MetricsServiceGrpc.getExportMethod()
        .toBuilder(ByteArrayMarshaller.INSTANCE,
            io.grpc.protobuf.ProtoUtils.marshaller(ExportMetricsServiceResponse.getDefaultInstance()))
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch go = new CountDownLatch(1);
    List<ManagedChannel> channels = new ArrayList<>();
    long t0 = System.nanoTime();
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext()
            .maxInboundMessageSize(64 << 20).build();
        channels.add(ch);
        futures.add(pool.submit(() -> {
          go.await();
          try {
            CallOptions opts = CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (gzip) {
              opts = opts.withCompression("gzip");
            }
            ClientCalls.blockingUnaryCall(ch, export, opts, body);
            return "OK";
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
          }
        }));
      }
      go.countDown();
      List<String> answers = new ArrayList<>();
      for (Future<String> f : futures) {
        try {
          answers.add(f.get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          answers.add("error: " + e);
        }
      }
      return new Result(answers, Duration.ofNanos(System.nanoTime() - t0));
    } finally {
      pool.shutdownNow();
      for (ManagedChannel ch : channels) {
        ch.shutdownNow();
      }
    }
  }
}
