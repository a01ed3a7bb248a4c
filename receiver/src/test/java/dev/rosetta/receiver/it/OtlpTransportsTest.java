package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenTelemetry Java SDK's own OTLP exporters (gRPC, HTTP/protobuf) and a plain HTTP/JSON client
 * send the same instruments; every transport must give the same Prometheus exposition.
 */
class OtlpTransportsTest {
  RunningRosetta rosetta;

  @BeforeEach
  void start() throws Exception {
    rosetta = new RunningRosetta("");
  }

  @AfterEach
  void stop() {
    rosetta.close();
  }

  static Stream<Arguments> sdkTransports() {
    Function<RunningRosetta, MetricExporter> grpc = r -> OtlpGrpcMetricExporter.builder()
        .setEndpoint(r.grpcEndpoint()).setCompression("gzip").setTimeout(Duration.ofSeconds(10)).build();
    Function<RunningRosetta, MetricExporter> grpcDelta = r -> OtlpGrpcMetricExporter.builder()
        .setEndpoint(r.grpcEndpoint()).setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
        .setTimeout(Duration.ofSeconds(10)).build();
    Function<RunningRosetta, MetricExporter> httpProto = r -> OtlpHttpMetricExporter.builder()
        .setEndpoint(r.httpBase() + "/v1/metrics").setCompression("gzip").setTimeout(Duration.ofSeconds(10)).build();
    Function<RunningRosetta, MetricExporter> httpExpo = r -> OtlpHttpMetricExporter.builder()
        .setEndpoint(r.httpBase() + "/v1/metrics").setTimeout(Duration.ofSeconds(10))
        .setDefaultAggregationSelector(DefaultAggregationSelector.getDefault()
            .with(InstrumentType.HISTOGRAM, Aggregation.base2ExponentialBucketHistogram()))
        .build();
    return Stream.of(
        Arguments.of("otlp-grpc (gzip)", grpc),
        Arguments.of("otlp-grpc (delta temporality)", grpcDelta),
        Arguments.of("otlp-http/protobuf (gzip)", httpProto),
        Arguments.of("otlp-http/protobuf (exponential histograms)", httpExpo));
  }

  /** Records the same instruments twice (two collections) through the given exporter. */
  static void record(MetricExporter exporter) {
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .setResource(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "checkout",
            AttributeKey.stringKey("service.namespace"), "shop",
            AttributeKey.stringKey("service.instance.id"), "pod-1",
            AttributeKey.stringKey("k8s.namespace.name"), "prod")))
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build();
    Meter meter = provider.get("checkout-instrumentation");
    var requests = meter.counterBuilder("http.server.requests").setUnit("{request}").build();
    var inflight = meter.upDownCounterBuilder("http.server.active_requests").setUnit("{request}").build();
    var duration = meter.histogramBuilder("http.server.request.duration").setUnit("s").build();
    var heap = meter.gaugeBuilder("process.memory.usage").setUnit("By").ofLongs().build();
    Attributes get = Attributes.of(AttributeKey.stringKey("http.request.method"), "GET");
    for (int round = 0; round < 2; round++) {
      requests.add(3, get);
      inflight.add(2, get);
      inflight.add(-1, get);
      duration.record(0.25, get);
      duration.record(1.5, get);
      heap.set(1024, get);
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("export succeeded").isTrue();
    }
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  static void assertExposition(String text) {
    String labels = "http_request_method=\"GET\",instance=\"pod-1\",job=\"shop/checkout\","
        + "otel_scope_name=\"checkout-instrumentation\",";
    assertThat(text)
        .contains("# TYPE http_server_requests_total counter")
        .contains("http_server_requests_total{" + labels + "} 6.0")
        .contains("# TYPE http_server_active_requests gauge")
        .contains("http_server_active_requests{" + labels + "} 2.0")
        .contains("# TYPE http_server_request_duration_seconds histogram")
        .contains("http_server_request_duration_seconds_count{" + labels + "} 4.0")
        .contains("http_server_request_duration_seconds_sum{" + labels + "} 3.5")
        .contains("http_server_request_duration_seconds_bucket{" + labels + "le=\"+Inf\",} 4.0")
        .contains("process_memory_usage_bytes{" + labels + "} 1024.0")
        .contains("target_info{instance=\"pod-1\",job=\"shop/checkout\",k8s_namespace_name=\"prod\",");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sdkTransports")
  void sdkExporterDataAppearsOnMetrics(String name, Function<RunningRosetta, MetricExporter> exporter)
      throws Exception {
    record(exporter.apply(rosetta));
    assertExposition(rosetta.scrape());
  }

  @org.junit.jupiter.api.Test
  void httpJsonGivesTheSameExposition() throws Exception {
    // The same data as the SDK sends, in OTLP/JSON, sent twice (cumulative), as a plain client would.
    String body = """
        {"resourceMetrics":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"checkout"}},
          {"key":"service.namespace","value":{"stringValue":"shop"}},
          {"key":"service.instance.id","value":{"stringValue":"pod-1"}},
          {"key":"k8s.namespace.name","value":{"stringValue":"prod"}}]},
          "scopeMetrics":[{"scope":{"name":"checkout-instrumentation"},"metrics":[
           {"name":"http.server.requests","unit":"{request}","sum":{"aggregationTemporality":2,"isMonotonic":true,
             "dataPoints":[{"asInt":"6","timeUnixNano":"%1$d","attributes":[
               {"key":"http.request.method","value":{"stringValue":"GET"}}]}]}},
           {"name":"http.server.active_requests","unit":"{request}","sum":{"aggregationTemporality":2,
             "dataPoints":[{"asInt":"2","timeUnixNano":"%1$d","attributes":[
               {"key":"http.request.method","value":{"stringValue":"GET"}}]}]}},
           {"name":"http.server.request.duration","unit":"s","histogram":{"aggregationTemporality":2,
             "dataPoints":[{"count":"4","sum":3.5,"bucketCounts":["2","2"],"explicitBounds":[1.0],
               "timeUnixNano":"%1$d","attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}}]}]}},
           {"name":"process.memory.usage","unit":"By","gauge":{
             "dataPoints":[{"asInt":"1024","timeUnixNano":"%1$d","attributes":[
               {"key":"http.request.method","value":{"stringValue":"GET"}}]}]}}]}]}]}
        """.formatted(System.currentTimeMillis() * 1_000_000L);
    HttpResponse<String> resp = rosetta.http.send(HttpRequest.newBuilder(URI.create(rosetta.httpBase() + "/v1/metrics"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(resp.body()).isEqualTo("{}");
    assertExposition(rosetta.scrape());
  }
}
