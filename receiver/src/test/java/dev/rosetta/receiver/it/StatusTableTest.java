package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import dev.rosetta.receiver.otlp.OtlpJson;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The OTLP status table, one case per row, over HTTP and gRPC. The body limit here is 1 MiB. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusTableTest {
  RunningRosetta rosetta;
  ManagedChannel channel;
  MetricsServiceGrpc.MetricsServiceBlockingStub grpc;

  @BeforeAll
  void start() throws Exception {
    rosetta = new RunningRosetta("");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", rosetta.service.grpcAddress().orElseThrow().getPort())
        .usePlaintext().build();
    grpc = MetricsServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    rosetta.close();
  }

  static ExportMetricsServiceRequest valid(int points, boolean withInvalid) {
    Gauge.Builder g = Gauge.newBuilder();
    for (int i = 0; i < points; i++) {
      g.addDataPoints(NumberDataPoint.newBuilder().setAsInt(i).addAttributes(
          io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("i")
              .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("v" + i))));
    }
    if (withInvalid) {
      g.addDataPoints(NumberDataPoint.newBuilder()); // no value
    }
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("status.test").setGauge(g))))
        .build();
  }

  HttpResponse<byte[]> post(String contentType, String encoding, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(rosetta.httpBase() + "/v1/metrics"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return rosetta.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] gzip(byte[] in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(in);
    }
    return out.toByteArray();
  }

  @Test
  void row_success_200_OK() throws Exception {
    var resp = post("application/x-protobuf", null, valid(3, false).toByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(ExportMetricsServiceResponse.parseFrom(resp.body()).hasPartialSuccess()).isFalse();
    assertThat(grpc.export(valid(3, false)).hasPartialSuccess()).isFalse();
    for (String enc : new String[] {"gzip", "zstd", "deflate"}) {
      byte[] body = switch (enc) {
        case "gzip" -> gzip(valid(3, false).toByteArray());
        case "zstd" -> com.github.luben.zstd.Zstd.compress(valid(3, false).toByteArray());
        default -> deflate(valid(3, false).toByteArray());
      };
      assertThat(post("application/x-protobuf", enc, body).statusCode()).as(enc).isEqualTo(200);
    }
  }

  static byte[] deflate(byte[] in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var d = new java.util.zip.DeflaterOutputStream(out)) {
      d.write(in);
    }
    return out.toByteArray();
  }

  @Test
  void row_invalidPoints_partialSuccess() throws Exception {
    var resp = post("application/x-protobuf", null, valid(2, true).toByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    var ps = ExportMetricsServiceResponse.parseFrom(resp.body()).getPartialSuccess();
    assertThat(ps.getRejectedDataPoints()).isEqualTo(1);
    assertThat(ps.getErrorMessage()).contains("data point has no value");
    var g = grpc.export(valid(2, true)).getPartialSuccess();
    assertThat(g.getRejectedDataPoints()).isEqualTo(1);
    String json = new String(post("application/json", null, OtlpJson.print(valid(2, true))
        .getBytes(StandardCharsets.UTF_8)).body(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"rejectedDataPoints\":\"1\"");
  }

  @Test
  void row_malformed_400_INVALID_ARGUMENT() throws Exception {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    var resp = post("application/x-protobuf", null, garbage);
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(resp.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    Status st = Status.parseFrom(resp.body());
    assertThat(st.getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT.value());
    assertThat(st.getMessage()).startsWith("invalid OTLP protobuf");

    var json = post("application/json", null, "{\"resourceMetrics\":".getBytes(StandardCharsets.UTF_8));
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("\"code\":3").contains("invalid JSON");

    var corruptGzip = post("application/x-protobuf", "gzip", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    assertThat(corruptGzip.statusCode()).isEqualTo(400);
  }

  @Test
  void row_malformedOverGrpc_INVALID_ARGUMENT() {
    try {
      io.grpc.stub.ClientCalls.blockingUnaryCall(channel,
          MetricsServiceGrpc.getExportMethod().toBuilder(rawBytes(), rawBytes()).build(),
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
          new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
      throw new AssertionError("expected INVALID_ARGUMENT");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    }
  }

  @Test
  void row_unsupportedMediaType_415() throws Exception {
    var resp = post("text/plain", null, "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(resp.statusCode()).isEqualTo(415);
    assertThat(new String(resp.body(), StandardCharsets.UTF_8)).contains("unsupported Content-Type");
    var noType = post(null, null, valid(1, false).toByteArray());
    assertThat(noType.statusCode()).isEqualTo(415);
    var badEncoding = post("application/x-protobuf", "br", valid(1, false).toByteArray());
    assertThat(badEncoding.statusCode()).isEqualTo(415);
  }

  @Test
  void row_wrongMethod_405() throws Exception {
    var resp = rosetta.http.send(HttpRequest.newBuilder(URI.create(rosetta.httpBase() + "/v1/metrics"))
        .header("Content-Type", "application/x-protobuf").GET().timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(405);
    assertThat(resp.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void row_tooLarge_413_RESOURCE_EXHAUSTED() throws Exception {
    ExportMetricsServiceRequest big = valid(60_000, false); // well over 1 MiB
    assertThat(big.getSerializedSize()).isGreaterThan(1 << 20);
    var resp = post("application/x-protobuf", null, big.toByteArray());
    assertThat(resp.statusCode()).isEqualTo(413);

    // A gzip bomb: small on the wire, over the limit once inflated; refused without inflating it all.
    byte[] bomb = gzip(new byte[64 << 20]);
    assertThat(bomb.length).isLessThan(1 << 20);
    var bombResp = post("application/x-protobuf", "gzip", bomb);
    assertThat(bombResp.statusCode()).isEqualTo(413);
    assertThat(Status.parseFrom(bombResp.body()).getMessage()).contains("once decoded");
    byte[] zstdBomb = com.github.luben.zstd.Zstd.compress(new byte[64 << 20]);
    assertThat(post("application/x-protobuf", "zstd", zstdBomb).statusCode()).isEqualTo(413);

    ExportMetricsServiceRequest overLimit = valid(1_200_000, false); // built before the deadline starts
    try {
      MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).export(overLimit);
      throw new AssertionError("expected RESOURCE_EXHAUSTED");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
    }
  }

  @Test
  void row_notFound_404() throws Exception {
    var resp = rosetta.http.send(HttpRequest.newBuilder(URI.create(rosetta.httpBase() + "/v1/traces"))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(404);
  }

  @Test
  void health_and_readiness() throws Exception {
    for (String path : new String[] {"/healthz", "/readyz"}) {
      var resp = rosetta.http.send(HttpRequest.newBuilder(URI.create(rosetta.metricsBase() + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).as(path).isEqualTo(200);
    }
  }

  static io.grpc.MethodDescriptor.Marshaller<byte[]> rawBytes() {
    return dev.rosetta.receiver.server.ByteArrayMarshaller.INSTANCE;
  }
}
