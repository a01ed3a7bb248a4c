package dev.rosetta.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the receivers answer 400 / INVALID_ARGUMENT for: protobuf's own refusals of a body. */
class OtlpProtobufTest {

  static ExportMetricsServiceRequest named(String name) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(name)))).build();
  }

  @Test
  void stringsThatAreNotUtf8AreRefused() {
    byte[] body = named("abcd").toByteArray();
    byte[] name = "abcd".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + 4 <= body.length; i++) {
      if (body[i] == name[0] && body[i + 1] == name[1] && body[i + 2] == name[2] && body[i + 3] == name[3]) {
        body[i + 1] = (byte) 0xC3; // a lead byte followed by an ASCII byte
      }
    }
    assertThatThrownBy(() -> ExportMetricsServiceRequest.parseFrom(body))
        .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("UTF-8");
  }

  @Test
  void malformedVarintsAndLengthsAreRefused() {
    byte[] longVarint = {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
    assertThatThrownBy(() -> ExportMetricsServiceRequest.parseFrom(longVarint))
        .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("malformed varint");
    byte[] pastTheEnd = {0x0A, 0x10, 0x00};
    assertThatThrownBy(() -> ExportMetricsServiceRequest.parseFrom(pastTheEnd))
        .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("truncated");
  }

  @Test
  void nestingDeeperThanProtobufAllowsIsRefused() {
    AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < 120; i++) {
      v = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
          .addValues(KeyValue.newBuilder().setKey("k").setValue(v))).build();
    }
    byte[] body = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("deep").setValue(v))))
        .build().toByteArray();
    assertThatThrownBy(() -> ExportMetricsServiceRequest.parseFrom(body))
        .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("too many levels of nesting");
  }
}
