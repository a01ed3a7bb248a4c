package dev.rosetta.receiver.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes a serialized {@code ExportMetricsServiceRequest} straight into the model, without building
 * the protobuf message first: the same {@link OtlpDecoder.Result} as
 * {@code OtlpDecoder.decode(ExportMetricsServiceRequest.parseFrom(body))}, at a fraction of the
 * allocation.
 *
 * <p>The direct reading covers the requests senders write: gauges, sums and histograms with their
 * attributes, exemplars and metadata, unknown fields of any scalar or length-delimited wire type,
 * packed and unpacked repeated fields, scalar fields repeated (the last one counts). Whatever else it
 * meets — an exponential histogram or a summary, a group, a message field that occurs twice (which
 * protobuf merges), bytes protobuf would refuse — sends the whole body through protobuf-java and
 * {@link OtlpDecoder}, so every body gets exactly the answer, and every malformed body exactly the
 * error, protobuf-java gives it. Nested values it does not read itself (exemplars, array and map
 * attribute values, entity references, metadata) are checked by protobuf-java's parsers with the
 * recursion depth they have in the whole request.
 *
 * <p>Stateless and thread-safe.
 */
public final class OtlpWireDecoder {

  /** What a body decoded to, and the handle to forward it as received. */
  public record Decoded(OtlpDecoder.Result result, Object original) {}

  /** protobuf-java's default recursion limit, which {@code parseFrom(byte[])} applies. */
  private static final int RECURSION_LIMIT = 100;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private OtlpWireDecoder() {}

  /**
   * Decodes {@code body}.
   *
   * @throws InvalidProtocolBufferException as {@code ExportMetricsServiceRequest.parseFrom} does
   */
  public static Decoded decode(byte[] body) throws InvalidProtocolBufferException {
    OtlpDecoder.Result direct = decodeDirectly(body);
    if (direct != null) {
      return new Decoded(direct, new OtlpEncoder.ProtobufBody(body));
    }
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
    return new Decoded(OtlpDecoder.decode(request), request);
  }

  /** The body's result read directly, or null when the body needs protobuf-java. */
  static OtlpDecoder.Result decodeDirectly(byte[] body) {
    try {
      return new Reader(body).request();
    } catch (NotDirect e) {
      return null;
    }
  }

  /** Thrown where the direct reading stops and protobuf-java takes the body. */
  private static final class NotDirect extends Exception {
    private static final long serialVersionUID = 1L;
    static final NotDirect INSTANCE = new NotDirect();

    private NotDirect() {
      super("not read directly", null, false, false);
    }
  }

  // wire types
  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;
  private static final int I32 = 5;

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  private static final class Reader {
    final byte[] b;
    int pos;
    /** Where refused points are counted (a scratch one while a refused metric's points are checked). */
    OtlpDecoder.Errors errors = new OtlpDecoder.Errors();
    int accepted;
    /** A histogram point's counts and bounds as read, before they are copied to their exact size. */
    long[] countsScratch = new long[32];
    double[] boundsScratch = new double[32];

    Reader(byte[] b) {
      this.b = b;
    }

    // ---- wire primitives: anything protobuf-java might judge differently is NotDirect ----

    int tag(int end) throws NotDirect {
      int t = (int) varint(end);
      if (t >>> 3 == 0) {
        throw NotDirect.INSTANCE; // field number 0: protobuf-java's "invalid tag"
      }
      return t;
    }

    long varint(int end) throws NotDirect {
      long r = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw NotDirect.INSTANCE;
        }
        byte x = b[pos++];
        r |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return r;
        }
      }
      throw NotDirect.INSTANCE;
    }

    long fixed64(int end) throws NotDirect {
      if (end - pos < 8) {
        throw NotDirect.INSTANCE;
      }
      long v = (long) LONG_LE.get(b, pos);
      pos += 8;
      return v;
    }

    double float64(int end) throws NotDirect {
      return Double.longBitsToDouble(fixed64(end));
    }

    /** A length prefix: the end of the bytes it announces. */
    int lengthEnd(int end) throws NotDirect {
      int n = (int) varint(end);
      if (n < 0 || n > end - pos) {
        throw NotDirect.INSTANCE;
      }
      return pos + n;
    }

    String string(int end) throws NotDirect {
      int e = lengthEnd(end);
      String s = WireStrings.utf8(b, pos, e - pos);
      if (s == null) {
        throw NotDirect.INSTANCE;
      }
      pos = e;
      return s;
    }

    void skip(int tag, int end) throws NotDirect {
      switch (tag & 7) {
        case VARINT -> varint(end);
        case I64 -> skipBytes(8, end);
        case LEN -> pos = lengthEnd(end);
        case I32 -> skipBytes(4, end);
        default -> throw NotDirect.INSTANCE; // groups and invalid wire types
      }
    }

    void skipBytes(int n, int end) throws NotDirect {
      if (end - pos < n) {
        throw NotDirect.INSTANCE;
      }
      pos += n;
    }

    /**
     * Checks the message at {@code [pos, end)} with protobuf-java's parser, its content at
     * {@code depth} nested messages from the request as in a whole parse, and returns it.
     */
    <T> T parsed(Parser<T> parser, int end, int depth) throws NotDirect {
      try {
        CodedInputStream in = CodedInputStream.newInstance(b, pos, end - pos);
        in.setRecursionLimit(RECURSION_LIMIT - depth);
        T message = parser.parsePartialFrom(in, ExtensionRegistryLite.getEmptyRegistry());
        in.checkLastTagWas(0);
        pos = end;
        return message;
      } catch (InvalidProtocolBufferException e) {
        throw NotDirect.INSTANCE;
      }
    }

    // ---- messages; depth comments give the nesting of a message's content in the request ----

    OtlpDecoder.Result request() throws NotDirect {
      int end = b.length;
      List<ResourceMetrics> resources = new ArrayList<>();
      while (pos < end) {
        int t = tag(end);
        if (t == OtlpWireDecoder.tag(1, LEN)) {
          ResourceMetrics rm = resourceMetrics(lengthEnd(end));
          if (rm != null) {
            resources.add(rm);
          }
        } else {
          skip(t, end);
        }
      }
      return new OtlpDecoder.Result(new MetricBatch(resources), accepted, errors.count, errors.message());
    }

    /** Depth 1. */
    ResourceMetrics resourceMetrics(int end) throws NotDirect {
      int resourceStart = -1;
      int resourceEnd = -1;
      List<ScopeMetrics> scopes = new ArrayList<>(1);
      while (pos < end) {
        int t = tag(end);
        if (t == OtlpWireDecoder.tag(1, LEN)) {
          if (resourceStart >= 0) {
            throw NotDirect.INSTANCE; // a message field twice: protobuf merges them
          }
          resourceEnd = lengthEnd(end);
          resourceStart = pos;
          pos = resourceEnd;
        } else if (t == OtlpWireDecoder.tag(2, LEN)) {
          ScopeMetrics sm = scopeMetrics(lengthEnd(end));
          if (sm != null) {
            scopes.add(sm);
          }
        } else if (t == OtlpWireDecoder.tag(3, LEN)) {
          string(end); // schema_url
        } else {
          skip(t, end);
        }
      }
      Labels resource = Labels.empty();
      if (resourceStart >= 0) {
        pos = resourceStart;
        resource = resource(resourceEnd); // read even when unused: protobuf-java checks it
      }
      pos = end;
      return scopes.isEmpty() ? null : new ResourceMetrics(resource, scopes);
    }

    /** Depth 2. */
    Labels resource(int end) throws NotDirect {
      Labels.Builder attributes = null;
      while (pos < end) {
        int t = tag(end);
        if (t == OtlpWireDecoder.tag(1, LEN)) {
          attributes = keyValue(lengthEnd(end), attributes, 3);
        } else if (t == OtlpWireDecoder.tag(3, LEN)) {
          parsed(EntityRef.parser(), lengthEnd(end), 3);
        } else {
          skip(t, end);
        }
      }
      return attributes == null ? Labels.empty() : attributes.build();
    }

    /** Depth 2. */
    ScopeMetrics scopeMetrics(int end) throws NotDirect {
      int scopeStart = -1;
      int scopeEnd = -1;
      List<Metric> metrics = new ArrayList<>();
      while (pos < end) {
        int t = tag(end);
        if (t == OtlpWireDecoder.tag(1, LEN)) {
          if (scopeStart >= 0) {
            throw NotDirect.INSTANCE;
          }
          scopeEnd = lengthEnd(end);
          scopeStart = pos;
          pos = scopeEnd;
        } else if (t == OtlpWireDecoder.tag(2, LEN)) {
          Metric m = metric(lengthEnd(end));
          if (m != null) {
            metrics.add(m);
            accepted += m.points().size();
          }
        } else if (t == OtlpWireDecoder.tag(3, LEN)) {
          string(end); // schema_url
        } else {
          skip(t, end);
        }
      }
      InstrumentationScope scope = InstrumentationScope.empty();
      if (scopeStart >= 0) {
        pos = scopeStart;
        scope = scope(scopeEnd);
      }
      pos = end;
      return metrics.isEmpty() ? null : new ScopeMetrics(scope, metrics);
    }

    /** Depth 3. */
    InstrumentationScope scope(int end) throws NotDirect {
      String name = "";
      String version = "";
      Labels.Builder attributes = null;
      while (pos < end) {
        int t = tag(end);
        if (t == OtlpWireDecoder.tag(1, LEN)) {
          name = string(end);
        } else if (t == OtlpWireDecoder.tag(2, LEN)) {
          version = string(end);
        } else if (t == OtlpWireDecoder.tag(3, LEN)) {
          attributes = keyValue(lengthEnd(end), attributes, 4);
        } else {
          skip(t, end);
        }
      }
      return new InstrumentationScope(name, version, attributes == null ? Labels.empty() : attributes.build());
    }

    /**
     * Adds the key-value at {@code [pos, end)}, its content at {@code depth}, to {@code attributes}
     * (made when null) and returns them.
     */
    Labels.Builder keyValue(int end, Labels.Builder attributes, int depth) throws NotDirect {
      String key = "";
      int valueStart = -1;
      int valueEnd = -1;
      while (pos < end) {
        int t = tag(end);
        if (t == OtlpWireDecoder.tag(1, LEN)) {
          key = string(end);
        } else if (t == OtlpWireDecoder.tag(2, LEN)) {
          if (valueStart >= 0) {
            throw NotDirect.INSTANCE;
          }
          valueEnd = lengthEnd(end);
          valueStart = pos;
          pos = valueEnd;
        } else {
          skip(t, end);
        }
      }
      String value = "";
      if (valueStart >= 0) {
        pos = valueStart;
        value = anyValue(valueEnd, depth + 1);
      }
      pos = end;
      Labels.Builder out = attributes == null ? Labels.builder() : attributes;
      out.put(key, value);
      return out;
    }

    /** The string form of the value at {@code [pos, end)}, as {@link OtlpDecoder#asString} gives it. */
    String anyValue(int end, int depth) throws NotDirect {
      int start = pos;
      int kind = 0; // the field number of the oneof case set last; 0: none
      String text = "";
      long number = 0;
      int bytesStart = 0;
      int bytesEnd = 0;
      while (pos < end) {
        int t = tag(end);
        switch (t) {
          case (1 << 3) | LEN -> {
            text = string(end);
            kind = 1;
          }
          case (2 << 3) | VARINT -> {
            number = varint(end) != 0 ? 1 : 0;
            kind = 2;
          }
          case (3 << 3) | VARINT -> {
            number = varint(end);
            kind = 3;
          }
          case (4 << 3) | I64 -> {
            number = fixed64(end);
            kind = 4;
          }
          case (7 << 3) | LEN -> {
            bytesEnd = lengthEnd(end);
            bytesStart = pos;
            pos = bytesEnd;
            kind = 7;
          }
          case (5 << 3) | LEN, (6 << 3) | LEN -> {
            // arrays and maps: protobuf-java builds them, with the oneof's merging rules
            pos = start;
            return OtlpDecoder.asString(parsed(AnyValue.parser(), end, depth));
          }
          default -> skip(t, end);
        }
      }
      return switch (kind) {
        case 1 -> text;
        case 2 -> number != 0 ? "true" : "false";
        case 3 -> Long.toString(number);
        case 4 -> OtlpDecoder.formatDouble(Double.longBitsToDouble(number));
        case 7 -> java.util.Base64.getEncoder().encodeToString(Arrays.copyOfRange(b, bytesStart, bytesEnd));
        default -> "";
      };
    }

    /** Depth 3: a metric, or null when it holds no accepted point. */
    Metric metric(int end) throws NotDirect {
      String name = "";
      String description = "";
      String unit = "";
      int dataField = 0;
      int dataStart = -1;
      int dataEnd = -1;
      while (pos < end) {
        int t = tag(end);
        switch (t) {
          case (1 << 3) | LEN -> name = string(end);
          case (2 << 3) | LEN -> description = string(end);
          case (3 << 3) | LEN -> unit = string(end);
          case (5 << 3) | LEN, (7 << 3) | LEN, (9 << 3) | LEN -> {
            if (dataField != 0) {
              throw NotDirect.INSTANCE; // the data oneof set twice: protobuf merges
            }
            dataField = t >>> 3;
            dataEnd = lengthEnd(end);
            dataStart = pos;
            pos = dataEnd;
          }
          case (10 << 3) | LEN, (11 << 3) | LEN -> throw NotDirect.INSTANCE; // exponential, summary
          case (12 << 3) | LEN -> parsed(KeyValue.parser(), lengthEnd(end), 4); // metadata
          default -> skip(t, end);
        }
      }
      String shown = OtlpDecoder.shown(name);
      if (dataField == 0) {
        errors.note("metric " + (name.isEmpty() ? "(unnamed)" : shown) + " has no data");
        return null;
      }
      // the data message (depth 4): its points' count and its fields other than the points
      pos = dataStart;
      int points = 0;
      int temporalityNumber = 0;
      boolean monotonic = false;
      while (pos < dataEnd) {
        int t = tag(dataEnd);
        if (t == OtlpWireDecoder.tag(1, LEN)) {
          points++;
          pos = lengthEnd(dataEnd);
        } else if (t == OtlpWireDecoder.tag(2, VARINT) && dataField != 5) {
          temporalityNumber = (int) varint(dataEnd);
        } else if (t == OtlpWireDecoder.tag(3, VARINT) && dataField == 7) {
          monotonic = varint(dataEnd) != 0;
        } else {
          skip(t, dataEnd);
        }
      }
      Temporality temporality = dataField == 5 ? Temporality.CUMULATIVE : OtlpDecoder.temporality(temporalityNumber);
      String refusal = name.isEmpty() ? "metric name is empty"
          : temporality == null ? "metric " + shown + ": aggregation temporality is unspecified"
          : null;
      MetricType type = switch (dataField) {
        case 5 -> MetricType.GAUGE;
        case 7 -> monotonic ? MetricType.COUNTER : MetricType.UP_DOWN_COUNTER;
        default -> MetricType.HISTOGRAM;
      };
      // a refused metric's points are still read: protobuf-java checks them all the same
      OtlpDecoder.Errors pointErrors = errors;
      if (refusal != null) {
        errors.reject(points, refusal);
        errors = new OtlpDecoder.Errors();
      }
      // most metrics have one point: kept in a list of one, not an array list Metric would copy
      List<Point> out = points == 1 ? null : new ArrayList<>(points);
      Point single = null;
      try {
        pos = dataStart;
        while (pos < dataEnd) {
          int t = tag(dataEnd);
          if (t == OtlpWireDecoder.tag(1, LEN)) {
            int pointEnd = lengthEnd(dataEnd);
            Point p = dataField == 9 ? histogramPoint(pointEnd, shown) : numberPoint(pointEnd, shown);
            if (p != null && out == null) {
              single = p;
            } else if (p != null) {
              out.add(p);
            }
            pos = pointEnd;
          } else {
            skip(t, dataEnd);
          }
        }
      } finally {
        errors = pointErrors;
      }
      if (refusal != null) {
        pos = end;
        return null;
      }
      pos = end;
      try {
        List<Point> kept = out != null ? out : single == null ? List.of() : List.of(single);
        Metric m = new Metric(name, description, unit, type, temporality, kept);
        return m.points().isEmpty() ? null : m;
      } catch (IllegalArgumentException e) {
        // the model refused what the checks let through: this metric only
        errors.reject(points, "metric " + shown + ": " + e.getMessage());
        return null;
      }
    }

    /** Depth 5. */
    Point numberPoint(int end, String shown) throws NotDirect {
      Labels.Builder attributes = null;
      long start = 0;
      long time = 0;
      int valueField = 0;
      long value = 0;
      int flags = 0;
      while (pos < end) {
        int t = tag(end);
        switch (t) {
          case (7 << 3) | LEN -> attributes = keyValue(lengthEnd(end), attributes, 6);
          case (2 << 3) | I64 -> start = fixed64(end);
          case (3 << 3) | I64 -> time = fixed64(end);
          case (4 << 3) | I64, (6 << 3) | I64 -> {
            valueField = t >>> 3;
            value = fixed64(end);
          }
          case (5 << 3) | LEN -> parsed(Exemplar.parser(), lengthEnd(end), 6);
          case (8 << 3) | VARINT -> flags = (int) varint(end);
          default -> skip(t, end);
        }
      }
      if (OtlpDecoder.noRecordedValue(flags)) {
        return null;
      }
      double v;
      if (valueField == 4) {
        v = Double.longBitsToDouble(value);
      } else if (valueField == 6) {
        v = value;
      } else {
        errors.reject(1, "metric " + shown + ": data point has no value");
        return null;
      }
      return new NumberPoint(attributes == null ? Labels.empty() : attributes.build(), start, time, v);
    }

    /** Depth 5. */
    Point histogramPoint(int end, String shown) throws NotDirect {
      Labels.Builder attributes = null;
      long start = 0;
      long time = 0;
      long count = 0;
      double sum = Double.NaN;
      double min = Double.NaN;
      double max = Double.NaN;
      long[] counts = countsScratch;
      int nc = 0;
      double[] bounds = boundsScratch;
      int nb = 0;
      int flags = 0;
      while (pos < end) {
        int t = tag(end);
        switch (t) {
          case (9 << 3) | LEN -> attributes = keyValue(lengthEnd(end), attributes, 6);
          case (2 << 3) | I64 -> start = fixed64(end);
          case (3 << 3) | I64 -> time = fixed64(end);
          case (4 << 3) | I64 -> count = fixed64(end);
          case (5 << 3) | I64 -> sum = float64(end);
          case (6 << 3) | I64 -> {
            counts = room(counts, nc, 1);
            counts[nc++] = fixed64(end);
          }
          case (6 << 3) | LEN -> {
            int e = packedEnd(end);
            counts = room(counts, nc, (e - pos) >>> 3);
            while (pos < e) {
              counts[nc++] = fixed64(e);
            }
          }
          case (7 << 3) | I64 -> {
            bounds = room(bounds, nb, 1);
            bounds[nb++] = float64(end);
          }
          case (7 << 3) | LEN -> {
            int e = packedEnd(end);
            bounds = room(bounds, nb, (e - pos) >>> 3);
            while (pos < e) {
              bounds[nb++] = float64(e);
            }
          }
          case (8 << 3) | LEN -> parsed(Exemplar.parser(), lengthEnd(end), 6);
          case (10 << 3) | VARINT -> flags = (int) varint(end);
          case (11 << 3) | I64 -> min = float64(end);
          case (12 << 3) | I64 -> max = float64(end);
          default -> skip(t, end);
        }
      }
      countsScratch = counts;
      boundsScratch = bounds;
      if (OtlpDecoder.noRecordedValue(flags)) {
        return null;
      }
      return OtlpDecoder.histogramPoint(shown, attributes == null ? Labels.empty() : attributes.build(), start, time,
          count, Arrays.copyOf(bounds, nb), Arrays.copyOf(counts, nc), sum, min, max, errors);
    }

    /** The end of a packed run of 8-byte values. */
    int packedEnd(int end) throws NotDirect {
      int e = lengthEnd(end);
      if (((e - pos) & 7) != 0) {
        throw NotDirect.INSTANCE; // protobuf-java reads past the run's end and fails
      }
      return e;
    }
  }

  private static long[] room(long[] a, int used, int more) {
    return used + more <= a.length ? a : Arrays.copyOf(a, Math.max(a.length * 2, used + more));
  }

  private static double[] room(double[] a, int used, int more) {
    return used + more <= a.length ? a : Arrays.copyOf(a, Math.max(a.length * 2, used + more));
  }
}
