package dev.rosetta.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The wire decoder against its definition: for every body, the same result as
 * {@code OtlpDecoder.decode(ExportMetricsServiceRequest.parseFrom(body))}, or the same error. Bodies
 * are random requests in every shape the decoder reads directly or hands over (merged message fields,
 * unknown fields and groups, unpacked repeated fields, deep attribute values, invalid UTF-8), then
 * the same bodies with random bytes changed, inserted or cut.
 */
class OtlpWireDecoderTest {

  /** Decodes {@code body} both ways and checks they agree; true when the wire decoder read it itself. */
  static boolean agree(byte[] body) {
    ExportMetricsServiceRequest request;
    try {
      request = ExportMetricsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      assertThat(OtlpWireDecoder.decodeDirectly(body)).as("a body protobuf-java refuses: %s %s", e.getMessage(), java.util.HexFormat.of().formatHex(body)).isNull();
      assertThatThrownBy(() -> OtlpWireDecoder.decode(body))
          .isInstanceOf(InvalidProtocolBufferException.class).hasMessage(e.getMessage());
      return false;
    }
    OtlpDecoder.Result expected = OtlpDecoder.decode(request);
    OtlpDecoder.Result direct = OtlpWireDecoder.decodeDirectly(body);
    if (direct != null) {
      assertThat(direct.batch()).isEqualTo(expected.batch());
      assertThat(direct.acceptedPoints()).isEqualTo(expected.acceptedPoints());
      assertThat(direct.rejectedPoints()).isEqualTo(expected.rejectedPoints());
      assertThat(direct.errorMessage()).isEqualTo(expected.errorMessage());
    }
    return direct != null;
  }

  @Test
  void aPlainRequestIsReadDirectlyAndForwardedAsReceived() throws Exception {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("service.name", "api")))
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("go.runtime").setVersion("1"))
                .addMetrics(Metric.newBuilder().setName("/gc/heap/goal:bytes").setUnit("By")
                    .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                        .setTimeUnixNano(5).setAsInt(4_194_304).addAttributes(kv("pod", "a")))))
                .addMetrics(Metric.newBuilder().setName("/gc/pauses:seconds").setHistogram(Histogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(HistogramDataPoint.newBuilder().setCount(3).setSum(0.5)
                        .addAllExplicitBounds(java.util.List.of(0.1, 1.0)).addAllBucketCounts(
                            java.util.List.of(1L, 1L, 1L)))))))
        .build();
    byte[] body = request.toByteArray();
    assertThat(agree(body)).isTrue();
    OtlpWireDecoder.Decoded decoded = OtlpWireDecoder.decode(body);
    assertThat(decoded.result().acceptedPoints()).isEqualTo(2);
    assertThat(decoded.original()).isInstanceOf(OtlpEncoder.ProtobufBody.class);
    assertThat(OtlpEncoder.encode(decoded.result().batch(), decoded.original())).isEqualTo(request);
  }

  @Test
  void whatItDoesNotReadGoesThroughProtobufJava() throws Exception {
    Metric summary = Metric.newBuilder().setName("rpc").setSummary(Summary.newBuilder()
        .addDataPoints(SummaryDataPoint.newBuilder().setCount(1).setSum(2))).build();
    byte[] body = request(summary).toByteArray();
    assertThat(OtlpWireDecoder.decodeDirectly(body)).isNull();
    OtlpWireDecoder.Decoded decoded = OtlpWireDecoder.decode(body);
    assertThat(decoded.result().acceptedPoints()).isEqualTo(1);
    assertThat(decoded.original()).isInstanceOf(ExportMetricsServiceRequest.class);
    assertThat(agree(body)).isFalse();
  }

  @Test
  void aMalformedBodyGetsProtobufJavasError() {
    byte[] body = request(gauge(new Random(1), "m")).toByteArray();
    byte[] cut = Arrays.copyOf(body, body.length - 3);
    assertThat(agree(cut)).isFalse();
    assertThatThrownBy(() -> OtlpWireDecoder.decode(cut)).isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void attributeValuesNestedToTheRecursionLimitAreCheckedAtTheirDepth() {
    // the depth where protobuf-java stops lies within these nestings at every place attributes sit
    int direct = 0;
    int refused = 0;
    for (int nesting = 40; nesting <= 100; nesting++) {
      AnyValue deep = nested(nesting);
      KeyValue attr = KeyValue.newBuilder().setKey("deep").setValue(deep).build();
      Metric m = Metric.newBuilder().setName("m").setGauge(Gauge.newBuilder()
          .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1).addAttributes(attr)
              .addExemplars(Exemplar.newBuilder().setAsInt(1).addFilteredAttributes(attr)))).build();
      byte[] body = request(m).toByteArray();
      boolean read = agree(body);
      // read directly exactly when protobuf-java takes it: the same limit, not a stricter one
      assertThat(read).as("nesting %d read directly", nesting).isEqualTo(parses(body));
      direct += read ? 1 : 0;
      refused += OtlpWireDecoder.decodeDirectly(body) == null ? 1 : 0;
      agree(ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
          .setResource(Resource.newBuilder().addAttributes(attr))
          .addScopeMetrics(ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().addAttributes(attr))
              .addMetrics(m.toBuilder().addMetadata(attr)))).build().toByteArray());
    }
    assertThat(direct).as("nestings read directly").isPositive();
    assertThat(refused).as("nestings too deep for protobuf-java").isPositive();
  }

  /**
   * Random requests, then the same with random bytes changed: 4 × 1,000 bodies of each kind (more
   * with {@code -Dwire.seeds=N}).
   */
  @Test
  void randomBodiesDecodeAsProtobufJavaAndOtlpDecoderDo() {
    for (long seed = 0; seed < Long.getLong("wire.seeds", 4); seed++) {
      Random r = new Random(seed);
      int direct = 0;
      int valid = 0;
      for (int i = 0; i < 1000; i++) {
        byte[] body = randomBody(r);
        if (agree(body)) {
          direct++;
        }
        byte[] mutated = mutate(r, body);
        try {
          ExportMetricsServiceRequest.parseFrom(mutated);
          valid++;
        } catch (InvalidProtocolBufferException e) {
          // counted by agree's checks
        }
        agree(mutated);
      }
      // the generator's shapes reach both readers and the mutations both outcomes
      assertThat(direct).as("bodies read directly").isBetween(300, 950);
      assertThat(valid).as("mutated bodies still valid").isBetween(50, 950);
    }
  }

  static boolean parses(byte[] body) {
    try {
      ExportMetricsServiceRequest.parseFrom(body);
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  // ---- generator ----

  static ExportMetricsServiceRequest request(Metric m) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m))).build();
  }

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  /** A value {@code messages} nested messages deep (arrays nest by 2, maps by 3). */
  static AnyValue nested(int messages) {
    AnyValue v = AnyValue.newBuilder().setIntValue(messages).build();
    for (int left = messages; left > 1; ) {
      if (left == 3) {
        v = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(KeyValue.newBuilder().setKey("k").setValue(v))).build();
        left -= 3;
      } else {
        v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
        left -= 2;
      }
    }
    return v;
  }

  private static final String[] WORDS = {
      "", "a", "pod", "service.name", "/gc/heap/goal:bytes", "/sched/latencies:seconds", "é", "日本", "\u0000x",
      "x".repeat(130), "le", "class"};

  static String word(Random r) {
    return WORDS[r.nextInt(WORDS.length)];
  }

  static AnyValue value(Random r, int depth) {
    AnyValue.Builder b = AnyValue.newBuilder();
    switch (r.nextInt(depth > 2 ? 6 : 9)) {
      case 0, 1 -> b.setStringValue(word(r));
      case 2 -> b.setBoolValue(r.nextBoolean());
      case 3 -> b.setIntValue(r.nextInt(7) - 3 + (r.nextBoolean() ? 0 : Long.MIN_VALUE));
      case 4 -> b.setDoubleValue(new double[] {0.5, -0.0, 1e300, Double.NaN, 3, 1e15, Double.NEGATIVE_INFINITY}[r.nextInt(7)]);
      case 5 -> b.setBytesValue(ByteString.copyFrom(new byte[] {1, (byte) 0xff, 7}, 0, r.nextInt(4)));
      case 6 -> b.setArrayValue(ArrayValue.newBuilder().addValues(value(r, depth + 1)).addValues(value(r, depth + 1)));
      case 7 -> b.setKvlistValue(KeyValueList.newBuilder().addValues(KeyValue.newBuilder().setKey(word(r))
          .setValue(value(r, depth + 1))));
      default -> { } // no value
    }
    return b.build();
  }

  static void attributes(Random r, java.util.function.Consumer<KeyValue> add) {
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      KeyValue.Builder kv = KeyValue.newBuilder().setKey(word(r));
      if (r.nextInt(8) > 0) {
        kv.setValue(value(r, 0));
      }
      add.accept(kv.build());
    }
  }

  static Exemplar exemplar(Random r) {
    Exemplar.Builder e = Exemplar.newBuilder().setTimeUnixNano(r.nextLong()).setAsDouble(r.nextDouble());
    attributes(r, e::addFilteredAttributes);
    return e.build();
  }

  static long time(Random r) {
    return r.nextInt(3) == 0 ? 0 : r.nextLong();
  }

  static NumberDataPoint numberPoint(Random r) {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setStartTimeUnixNano(time(r)).setTimeUnixNano(time(r));
    switch (r.nextInt(5)) {
      case 0, 1 -> p.setAsDouble(new double[] {1.5, -0.0, Double.NaN, 1e308}[r.nextInt(4)]);
      case 2, 3 -> p.setAsInt(r.nextInt(2000) - 1000);
      default -> { } // no value
    }
    if (r.nextInt(6) == 0) {
      p.setFlags(r.nextInt(4));
    }
    if (r.nextInt(6) == 0) {
      p.addExemplars(exemplar(r));
    }
    attributes(r, p::addAttributes);
    return p.build();
  }

  static HistogramDataPoint histogramPoint(Random r) {
    HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setTimeUnixNano(time(r));
    int nb = r.nextInt(5);
    double bound = -1;
    for (int i = 0; i < nb; i++) {
      bound += r.nextInt(8) == 0 ? 0 : r.nextInt(3) + 0.5;
      p.addExplicitBounds(r.nextInt(30) == 0 ? Double.NaN : bound);
    }
    int nc = r.nextInt(10) == 0 ? nb + r.nextInt(3) - 1 : nb + 1;
    long total = 0;
    for (int i = 0; i < Math.max(0, nc); i++) {
      long c = r.nextInt(40) == 0 ? Long.MAX_VALUE : r.nextInt(5);
      p.addBucketCounts(c);
      total += c;
    }
    p.setCount(r.nextInt(8) == 0 ? total + 1 : total);
    if (r.nextBoolean()) {
      p.setSum(r.nextDouble());
    }
    if (r.nextBoolean()) {
      p.setMin(-1).setMax(r.nextInt(3) == 0 ? Double.NaN : 9);
    }
    if (r.nextInt(8) == 0) {
      p.setFlags(1);
    }
    if (r.nextInt(6) == 0) {
      p.addExemplars(exemplar(r));
    }
    attributes(r, p::addAttributes);
    return p.build();
  }

  static Metric gauge(Random r, String name) {
    Gauge.Builder g = Gauge.newBuilder();
    for (int i = r.nextInt(4); i > 0; i--) {
      g.addDataPoints(numberPoint(r));
    }
    return Metric.newBuilder().setName(name).setGauge(g).build();
  }

  static Metric metric(Random r) {
    String name = r.nextInt(15) == 0 ? "" : word(r).isEmpty() ? "m" : word(r);
    Metric.Builder m = Metric.newBuilder().setName(name);
    if (r.nextBoolean()) {
      m.setDescription(word(r)).setUnit(word(r));
    }
    int temporality = new int[] {0, 1, 2, 2, 2, 7}[r.nextInt(6)];
    switch (r.nextInt(9)) {
      case 0, 1, 2 -> m = gauge(r, name).toBuilder().setDescription(m.getDescription()).setUnit(m.getUnit());
      case 3, 4 -> {
        Sum.Builder s = Sum.newBuilder().setAggregationTemporalityValue(temporality).setIsMonotonic(r.nextBoolean());
        for (int i = r.nextInt(4); i > 0; i--) {
          s.addDataPoints(numberPoint(r));
        }
        m.setSum(s);
      }
      case 5, 6 -> {
        Histogram.Builder h = Histogram.newBuilder().setAggregationTemporalityValue(temporality);
        for (int i = r.nextInt(4); i > 0; i--) {
          h.addDataPoints(histogramPoint(r));
        }
        m.setHistogram(h);
      }
      case 7 -> m.setSummary(Summary.newBuilder().addDataPoints(SummaryDataPoint.newBuilder().setCount(2)));
      default -> { } // no data
    }
    if (r.nextInt(10) == 0) {
      m.addMetadata(kv(word(r), word(r)));
    }
    return m.build();
  }

  /** A random request, with merged message fields, unknown fields and unpacked counts in some. */
  static byte[] randomBody(Random r) {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (int i = r.nextInt(3); i >= 0; i--) {
      ResourceMetrics.Builder rm = ResourceMetrics.newBuilder();
      if (r.nextInt(4) > 0) {
        Resource.Builder res = Resource.newBuilder();
        attributes(r, res::addAttributes);
        if (r.nextInt(20) == 0) {
          res.addEntityRefs(EntityRef.newBuilder().setType("k8s.pod").addIdKeys("k8s.pod.uid"));
        }
        rm.setResource(res);
      }
      if (r.nextInt(10) == 0) {
        rm.setSchemaUrl(word(r));
      }
      for (int j = r.nextInt(3); j >= 0; j--) {
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
        if (r.nextBoolean()) {
          InstrumentationScope.Builder sc = InstrumentationScope.newBuilder().setName(word(r)).setVersion(word(r));
          attributes(r, sc::addAttributes);
          sm.setScope(sc);
        }
        for (int k = r.nextInt(5); k > 0; k--) {
          Metric m = metric(r);
          if (r.nextInt(25) == 0) {
            // two occurrences of the metric's fields: protobuf merges them into one metric
            sm.setUnknownFields(sm.getUnknownFields().toBuilder().mergeLengthDelimitedField(2,
                m.toByteString().concat(metric(r).toByteString())).build());
          } else {
            sm.addMetrics(unknowns(r, m.toBuilder()).build());
          }
        }
        rm.addScopeMetrics(sm);
      }
      req.addResourceMetrics(rm);
    }
    byte[] body = req.build().toByteArray();
    if (r.nextInt(20) == 0) {
      // a second resource_metrics' worth of unknown top-level field, a group among them sometimes
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(body);
      out.writeBytes(UnknownFieldSet.newBuilder()
          .mergeVarintField(9, r.nextInt(300))
          .addField(r.nextBoolean() ? 10 : 11, UnknownFieldSet.Field.newBuilder()
              .addGroup(UnknownFieldSet.newBuilder().addField(1, UnknownFieldSet.Field.newBuilder().addFixed32(5).build()).build()).build())
          .build().toByteArray());
      body = out.toByteArray();
    }
    return body;
  }

  /** Unknown fields of every scalar wire type; sometimes the unpacked form of a point's counts. */
  static Metric.Builder unknowns(Random r, Metric.Builder m) {
    if (r.nextInt(10) == 0) {
      m.setUnknownFields(UnknownFieldSet.newBuilder().mergeVarintField(99, r.nextInt(1 << 20))
          .mergeLengthDelimitedField(100, ByteString.copyFromUtf8("x"))
          .addField(101, UnknownFieldSet.Field.newBuilder().addFixed32(7).addFixed64(8).build()).build());
    }
    if (m.hasHistogram() && m.getHistogram().getDataPointsCount() > 0 && r.nextInt(5) == 0) {
      HistogramDataPoint p = m.getHistogram().getDataPoints(0);
      UnknownFieldSet.Field.Builder counts = UnknownFieldSet.Field.newBuilder();
      UnknownFieldSet.Field.Builder bounds = UnknownFieldSet.Field.newBuilder();
      p.getBucketCountsList().forEach(counts::addFixed64);
      p.getExplicitBoundsList().forEach(b -> bounds.addFixed64(Double.doubleToRawLongBits(b)));
      HistogramDataPoint unpacked = p.toBuilder().clearBucketCounts().clearExplicitBounds()
          .setUnknownFields(UnknownFieldSet.newBuilder().addField(6, counts.build()).addField(7, bounds.build()).build())
          .build();
      m.setHistogram(m.getHistogram().toBuilder().setDataPoints(0, unpacked));
    }
    return m;
  }

  /** The body with a few bytes changed, inserted, removed or cut off. */
  static byte[] mutate(Random r, byte[] body) {
    byte[] b = body.clone();
    if (b.length == 0) {
      return new byte[] {(byte) r.nextInt(256)};
    }
    switch (r.nextInt(5)) {
      case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      case 1 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
      case 2 -> {
        int at = r.nextInt(b.length);
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = (byte) r.nextInt(256);
        System.arraycopy(b, at, c, at + 1, b.length - at);
        b = c;
      }
      case 3 -> {
        int at = r.nextInt(b.length);
        byte[] c = new byte[b.length - 1];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
        b = c;
      }
      default -> b = Arrays.copyOf(b, r.nextInt(b.length));
    }
    return b;
  }
}
