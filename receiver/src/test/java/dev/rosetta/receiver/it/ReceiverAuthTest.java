package dev.rosetta.receiver.it;

import static dev.rosetta.receiver.it.AuthClients.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.telemetry.SecurityMetrics;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bearertokenauth} on both OTLP listeners (and so on the native endpoints) and {@code
 * basicauth} on {@code /metrics}, with the OpenTelemetry Java SDK's exporters as clients: a missing
 * or wrong credential is refused (401 / UNAUTHENTICATED), counted, and its body is never read.
 */
class ReceiverAuthTest {
  static final String TOKEN = "tok-" + UUID.randomUUID();
  static final String SCRAPE_PASSWORD = "scrape-" + UUID.randomUUID();
  static final String BEARER = "Bearer " + TOKEN;
  @TempDir static Path dir;
  static RosettaService rosetta;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("token"), TOKEN + "\n");
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(6, SCRAPE_PASSWORD.toCharArray());
    rosetta = AuthClients.start("""
        extensions:
          bearertokenauth: {filename: "%s"}
          basicauth/scrape:
            htpasswd:
              inline: |
                prometheus:%s
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0", max_recv_msg_size_mib: 1, auth: {authenticator: bearertokenauth}}
              http: {endpoint: "127.0.0.1:0", max_request_body_size: 1048576, auth: {authenticator: bearertokenauth}}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0", auth: {authenticator: basicauth/scrape}}
        service:
          extensions: [bearertokenauth, basicauth/scrape]
        """.formatted(dir.resolve("token"), hash));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", AuthClients.grpcPort(rosetta)).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (rosetta != null) {
      rosetta.stop();
    }
  }

  static SelfMetrics metrics() {
    return rosetta.components().metrics();
  }

  static SecurityMetrics security() {
    return rosetta.components().security().metrics();
  }

  String scrape() throws Exception {
    HttpResponse<String> r = AuthClients.get(rosetta, "/metrics", AuthClients.basic("prometheus", SCRAPE_PASSWORD));
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** One flush through {@code exporter}; whether the export succeeded. */
  static boolean export(MetricExporter exporter, String service) {
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build();
    provider.get("auth-test").counterBuilder("auth.test.requests").build().add(7);
    boolean ok = provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return ok;
  }

  static MetricExporter grpcExporter(String authorization) {
    var b = OtlpGrpcMetricExporter.builder().setEndpoint("http://127.0.0.1:" + AuthClients.grpcPort(rosetta))
        .setTimeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.addHeader("Authorization", authorization);
    }
    return b.build();
  }

  static MetricExporter httpExporter(String authorization) {
    var b = OtlpHttpMetricExporter.builder()
        .setEndpoint("http://127.0.0.1:" + AuthClients.httpPort(rosetta) + "/v1/metrics")
        .setTimeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.addHeader("Authorization", authorization);
    }
    return b.build();
  }

  @Test
  void sdkExportersWithTheTokenAreAccepted() throws Exception {
    assertThat(export(grpcExporter(BEARER), "via-grpc")).as("gRPC export with the token").isTrue();
    assertThat(export(httpExporter(BEARER), "via-http")).as("HTTP export with the token").isTrue();
    assertThat(scrape())
        .contains("auth_test_requests_total{job=\"via-grpc\",otel_scope_name=\"auth-test\",} 7.0")
        .contains("auth_test_requests_total{job=\"via-http\",otel_scope_name=\"auth-test\",} 7.0");
  }

  @Test
  void sdkExportersWithoutTheTokenOrWithAWrongOneAreRefusedAndCounted() {
    double acceptedBefore = accepted();
    double grpcBefore = metrics().requests("grpc", "unauthenticated");
    double missingBefore = security().authFailures("otlp_grpc", "missing");
    assertThat(export(grpcExporter(null), "no-token")).as("gRPC export without a token").isFalse();
    // the SDK exports once at the flush and once more at its shutdown: each is refused and counted
    double grpcRefused = metrics().requests("grpc", "unauthenticated") - grpcBefore;
    assertThat(grpcRefused).isGreaterThanOrEqualTo(1);
    assertThat(security().authFailures("otlp_grpc", "missing") - missingBefore).isEqualTo(grpcRefused);

    double httpBefore = metrics().requests("http_protobuf", "unauthenticated");
    double invalidBefore = security().authFailures("otlp_http", "invalid");
    assertThat(export(httpExporter("Bearer not-" + TOKEN), "wrong-token")).as("HTTP export, wrong token").isFalse();
    double httpRefused = metrics().requests("http_protobuf", "unauthenticated") - httpBefore;
    assertThat(httpRefused).isGreaterThanOrEqualTo(1);
    assertThat(security().authFailures("otlp_http", "invalid") - invalidBefore).isEqualTo(httpRefused);
    assertThat(accepted()).as("nothing of the refused exports was applied").isEqualTo(acceptedBefore);
  }

  private static double accepted() {
    return metrics().acceptedPoints("grpc") + metrics().acceptedPoints("http_protobuf");
  }

  @Test
  void grpcCallsAreRefusedBeforeTheirMessageIsRead() {
    // a control: with the token, an oversized message gets RESOURCE_EXHAUSTED and garbage INVALID_ARGUMENT
    byte[] oversized = new byte[2 * 1024 * 1024];
    byte[] garbage = ascii("\u00ff\u00ffnot protobuf");
    assertThatThrownBy(() -> AuthClients.rawExport(channel, oversized, BEARER))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> AuthClients.rawExport(channel, garbage, BEARER))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    double malformed = metrics().requests("grpc", "malformed");
    for (byte[] payload : new byte[][] {oversized, garbage}) {
      for (String authorization : new String[] {null, "Bearer wrong", "Basic " + TOKEN}) {
        assertThatThrownBy(() -> AuthClients.rawExport(channel, payload, authorization))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).doesNotContain(TOKEN);
            });
      }
    }
    assertThat(metrics().requests("grpc", "malformed")).as("no refused payload was parsed").isEqualTo(malformed);
  }

  @Test
  void httpRequestsAreRefusedAtTheirHeadBeforeTheBody() throws Exception {
    int port = AuthClients.httpPort(rosetta);
    double tooLarge = metrics().requests("http_protobuf", "too_large");
    // 50 MB announced, none sent: the answer comes from the head alone, and the connection closes
    AuthClients.Raw big = AuthClients.exchange(port, ascii("POST /v1/metrics HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/x-protobuf\r\nContent-Length: 50000000\r\nAuthorization: Bearer wrong\r\n\r\n"),
        Duration.ofSeconds(5));
    assertThat(big.statusLine()).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(big.text()).contains("WWW-Authenticate: Bearer realm=\"rosetta\"").contains("connection: close");
    assertThat(big.closed()).as("closed: the rest of the body will not be read").isTrue();
    assertThat(metrics().requests("http_protobuf", "too_large")).isEqualTo(tooLarge);

    // Expect: 100-continue gets no 100: the final 401 comes at once
    AuthClients.Raw expect = AuthClients.exchange(port, ascii("POST /v1/metrics HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/x-protobuf\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n"),
        Duration.ofSeconds(5));
    assertThat(expect.statusLine()).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(expect.text()).doesNotContain("100 Continue");

    // a small refused body is dropped, and the connection serves the next request
    double malformed = metrics().requests("http_protobuf", "malformed");
    byte[] valid = StatusTableTest.valid(1, false).toByteArray();
    String refused = "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        + "Content-Length: 12\r\n\r\nnot protobuf";
    String accepted = "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        + "Authorization: " + BEARER + "\r\nContent-Length: " + valid.length + "\r\nConnection: close\r\n\r\n";
    byte[] both = concat(ascii(refused), ascii(accepted), valid);
    AuthClients.Raw pipelined = AuthClients.exchange(port, both, Duration.ofSeconds(5));
    assertThat(pipelined.statusLine()).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(pipelined.text().indexOf("HTTP/1.1 200 OK")).as("then the next request, answered in order")
        .isGreaterThan(0);
    assertThat(metrics().requests("http_protobuf", "malformed")).as("the refused body was not parsed")
        .isEqualTo(malformed);
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void theNativeEndpointsFollowTheHttpProtocolsAuth() throws Exception {
    String go = """
        {"resource": {"service.name": "native-auth"}, "samples": [
          {"name": "/gc/heap/allocs:bytes", "kind": "uint64", "value": 4096, "cumulative": true}]}""";
    String jolokia = """
        {"request": {"mbean": "java.lang:type=Threading", "attribute": "ThreadCount", "type": "read"},
         "value": 12, "timestamp": 1700000000, "status": 200}""";
    double goBefore = metrics().requests("go_runtime", "unauthenticated");
    double jolokiaBefore = metrics().requests("jolokia", "unauthenticated");

    HttpResponse<String> r = AuthClients.post(rosetta, "/v1/go/runtime-metrics?service.name=native-auth",
        "application/json", go.getBytes(StandardCharsets.UTF_8), null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"rosetta\"");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"code\":16,\"message\":\"missing credentials\"}");
    r = AuthClients.post(rosetta, "/v1/jvm/jolokia?service.name=native-auth", "application/json",
        jolokia.getBytes(StandardCharsets.UTF_8), "Bearer wrong");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("invalid credentials").doesNotContain("wrong");
    assertThat(metrics().requests("go_runtime", "unauthenticated")).isEqualTo(goBefore + 1);
    assertThat(metrics().requests("jolokia", "unauthenticated")).isEqualTo(jolokiaBefore + 1);

    assertThat(AuthClients.post(rosetta, "/v1/go/runtime-metrics?service.name=native-auth", "application/json",
        go.getBytes(StandardCharsets.UTF_8), BEARER).statusCode()).isEqualTo(200);
    assertThat(AuthClients.post(rosetta, "/v1/jvm/jolokia?service.name=native-auth", "application/json",
        jolokia.getBytes(StandardCharsets.UTF_8), BEARER).statusCode()).isEqualTo(200);
    // a protobuf client gets its refusal as protobuf
    r = AuthClients.post(rosetta, "/v1/metrics", "application/x-protobuf", new byte[0], null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
  }

  @Test
  void metricsNeedsTheScrapeCredentialAndTheProbesStayOpen() throws Exception {
    double missing = security().authFailures("exposition", "missing");
    HttpResponse<String> r = AuthClients.get(rosetta, "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"rosetta\", charset=\"UTF-8\"");
    assertThat(r.body()).isEqualTo("missing credentials\n");
    assertThat(security().authFailures("exposition", "missing")).isEqualTo(missing + 1);
    assertThat(AuthClients.get(rosetta, "/metrics", AuthClients.basic("prometheus", "wrong")).statusCode())
        .isEqualTo(401);
    assertThat(AuthClients.get(rosetta, "/metrics", AuthClients.basic("grafana", SCRAPE_PASSWORD)).statusCode())
        .isEqualTo(401);
    assertThat(AuthClients.get(rosetta, "/metrics", BEARER).statusCode()).isEqualTo(401);
    assertThat(AuthClients.get(rosetta, "/nowhere", null).statusCode()).as("every other path too").isEqualTo(401);
    assertThat(AuthClients.get(rosetta, "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(AuthClients.get(rosetta, "/readyz", null).statusCode()).isEqualTo(200);
    String text = scrape();
    assertThat(text).contains("rosetta_auth_failures_total{listener=\"exposition\",reason=\"missing\",}")
        .doesNotContain(TOKEN).doesNotContain(SCRAPE_PASSWORD);
  }
}
