package dev.rosetta.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {
  static final String BODY = """
      {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
        "scopeMetrics":[{"scope":{"name":"s"},"metrics":[
          {"name":"requests","unit":"1","sum":{"aggregationTemporality":2,"isMonotonic":true,
            "dataPoints":[{"asInt":"9007199254740993","timeUnixNano":"1700000000000000000",
              "exemplars":[{"asDouble":1,"timeUnixNano":"1","traceId":"5b8efff798038103d269b633813fc60c",
                "spanId":"eee19b7ec3c1b174"}]}]}},
          {"name":"temp","gauge":{"dataPoints":[{"asDouble":"NaN","attributes":[
            {"key":"n","value":{"intValue":"3"}}]}]}}],
        "futureField":{"x":1}}]}]}
      """;

  @Test
  void parsesLowerCamelCaseInt64StringsEnumIntsHexIdsAndIgnoresUnknownFields() throws Exception {
    var req = OtlpJson.parseRequest(BODY);
    var sum = req.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getSum();
    assertThat(sum.getAggregationTemporality()).isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(sum.getDataPoints(0).getAsInt()).isEqualTo(9007199254740993L);
    var ex = sum.getDataPoints(0).getExemplars(0);
    assertThat(java.util.HexFormat.of().formatHex(ex.getTraceId().toByteArray()))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(java.util.HexFormat.of().formatHex(ex.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
    var gauge = req.getResourceMetrics(0).getScopeMetrics(0).getMetrics(1).getGauge();
    assertThat(gauge.getDataPoints(0).getAsDouble()).isNaN();
    assertThat(gauge.getDataPoints(0).getAttributes(0).getValue().getIntValue()).isEqualTo(3);
  }

  @Test
  void acceptsOriginalFieldNamesAsTheCollectorDoes() throws Exception {
    var req = OtlpJson.parseRequest("{\"resource_metrics\":[{\"scope_metrics\":[{\"metrics\":[{\"name\":\"x\","
        + "\"gauge\":{\"data_points\":[{\"as_int\":\"1\"}]}}]}]}]}");
    assertThat(req.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getGauge().getDataPoints(0).getAsInt())
        .isEqualTo(1);
  }

  @Test
  void malformedInputSaysWhatIsWrong() {
    assertThatThrownBy(() -> OtlpJson.parseRequest("{\"resourceMetrics\": [")).hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> OtlpJson.parseRequest("[1,2]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> OtlpJson.parseRequest("")).hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> OtlpJson.parseRequest("{\"resourceMetrics\":\"nope\"}"))
        .hasMessageContaining("invalid OTLP/JSON");
    assertThatThrownBy(() -> OtlpJson.parseRequest("{} trailing")).hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> OtlpJson.parseRequest("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{"
        + "\"gauge\":{\"dataPoints\":[{\"exemplars\":[{\"spanId\":\"xyz\"}]}]}}]}]}]}"))
        .hasMessageContaining("spanId \"xyz\" is not a hex string");
  }

  @Test
  void printsResponsesWithInt64AsStrings() {
    var resp = ExportMetricsServiceResponse.newBuilder().setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
        .setRejectedDataPoints(3).setErrorMessage("bad")).build();
    assertThat(OtlpJson.print(resp)).isEqualTo("{\"partialSuccess\":{\"rejectedDataPoints\":\"3\",\"errorMessage\":\"bad\"}}");
  }

  @Test
  void aFieldGivenTwiceIsRefusedInEitherSpelling() {
    assertThatThrownBy(() -> OtlpJson.parseRequest("{\"resourceMetrics\": [], \"resourceMetrics\": []}"))
        .hasMessageContaining("duplicate key \"resourceMetrics\"");
    assertThatThrownBy(() -> OtlpJson.parseRequest("{\"resourceMetrics\": [], \"resource_metrics\": []}"))
        .hasMessageContaining("field resourceMetrics given twice");
  }

  @Test
  void bodiesMustBeUtf8() {
    byte[] body = "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"x\"}}]}}]}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    body[body.length - 12] = (byte) 0xFF;
    assertThatThrownBy(() -> OtlpJson.parseRequest(body)).hasMessageContaining("not valid UTF-8");
  }

  /** protobuf's parser reads numerals as exact decimals, in time that grows with their length squared. */
  @Test
  void numeralsInNumericFieldsAreBounded() {
    String digits = "1".repeat(100_000);
    for (String field : new String[] {"timeUnixNano", "asDouble", "asInt", "flags"}) {
      assertThatThrownBy(() -> OtlpJson.parseRequest("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{"
          + "\"name\":\"x\",\"gauge\":{\"dataPoints\":[{\"" + field + "\":\"" + digits + "\"}]}}]}]}]}"))
          .hasMessageContaining(field + " \"1111").hasMessageContaining("is not a number");
    }
    assertThatThrownBy(() -> OtlpJson.parseRequest("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{"
        + "\"name\":\"x\",\"histogram\":{\"dataPoints\":[{\"bucketCounts\":[\"1\",\"" + digits + "\"]}]}}]}]}]}"))
        .hasMessageContaining("is not a number");
    // strings elsewhere are strings, however long
    assertThat(catchParse("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":{"
        + "\"stringValue\":\"" + digits + "\"}}]}}]}")).isNull();
  }

  private static Exception catchParse(String body) {
    try {
      OtlpJson.parseRequest(body);
      return null;
    } catch (Exception e) {
      return e;
    }
  }
}
