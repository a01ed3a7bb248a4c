package dev.rosetta.receiver.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Status;
import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.admission.RequestBudget;
import dev.rosetta.receiver.otlp.OtlpDecoder;
import dev.rosetta.receiver.otlp.OtlpEncoder;
import dev.rosetta.receiver.otlp.OtlpJson;
import dev.rosetta.receiver.otlp.OtlpWireDecoder;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * OTLP/HTTP {@code POST /v1/metrics}: binary protobuf or JSON by Content-Type, gzip/zstd/deflate by
 * Content-Encoding, answered in the request's encoding (errors as a {@code google.rpc.Status}), with
 * the statuses of {@link IngestStatus}. The method, media type and encoding are checked at the head,
 * before the body is read; the body is decoded on an ingest thread, or on the event loop when it is
 * small and plain and the request's way cannot wait ({@link IngestRoute#mayWait}).
 */
public final class OtlpHttpHandler implements IngestRoute {
  public static final String PROTOBUF = "application/x-protobuf";
  public static final String JSON = "application/json";

  private final IngestService ingest;
  private final long maxBodyBytes;

  public OtlpHttpHandler(IngestService ingest, long maxBodyBytes) {
    this.ingest = ingest;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The media type of a Content-Type value, lower case, without parameters. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isJson(HttpRequest req) {
    return mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE)).equals(JSON);
  }

  private static String transport(HttpRequest req) {
    return isJson(req) ? "http_json" : "http_protobuf";
  }

  @Override
  public HeadDecision checkHead(HttpRequest req) {
    String media = mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
    boolean json = media.equals(JSON);
    String transport = transport(req);
    if (!req.method().equals(HttpMethod.POST)) {
      return new Refuse(transport, IngestStatus.METHOD_NOT_ALLOWED,
          "method " + req.method() + " is not allowed; use POST", Map.of("Allow", "POST"));
    }
    if (!json && !media.equals(PROTOBUF)) {
      return new Refuse("http", IngestStatus.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Type \"" + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "\": use application/x-protobuf or application/json", Map.of());
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (!BodyDecoder.supports(encoding)) {
      return new Refuse(transport, IngestStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Encoding \""
          + encoding + "\": use gzip, zstd, deflate or identity", Map.of());
    }
    return new Accept(transport, json ? Admission.Format.JSON : Admission.Format.PROTOBUF);
  }

  @Override
  public boolean mayWait() {
    return ingest.mayWait();
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest req, RequestBudget budget) {
    Runnable answer = ingestBody(ctx, req, budget);
    // the request's memory is given back before its answer goes out: a sender that sends its next
    // request on the answer finds the budget free
    budget.release();
    answer.run();
  }

  /** Decodes and ingests the body; returns how to answer. */
  private Runnable ingestBody(ChannelHandlerContext ctx, FullHttpRequest req, RequestBudget budget) {
    boolean json = isJson(req);
    String transport = transport(req);
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    byte[] body;
    try {
      body = BodyDecoder.decode(req.content(), encoding, maxBodyBytes, budget::growDecoded);
    } catch (BodyDecoder.TooLargeException e) {
      return () -> refuse(ctx, req, transport, IngestStatus.TOO_LARGE, e.getMessage(), Map.of());
    } catch (BodyDecoder.UnsupportedEncodingException e) {
      return () -> refuse(ctx, req, transport, IngestStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), Map.of());
    } catch (BodyDecoder.CorruptBodyException e) {
      return () -> refuse(ctx, req, transport, IngestStatus.MALFORMED, e.getMessage(), Map.of());
    } catch (RequestBudget.OverBudgetException e) {
      Admission.Refusal r = e.refusal();
      return () -> refuse(ctx, req, transport, r.status(), r.message(), retryAfter(r));
    }
    OtlpWireDecoder.Decoded decoded;
    try {
      if (json) {
        ExportMetricsServiceRequest request = OtlpJson.parseRequest(body);
        decoded = new OtlpWireDecoder.Decoded(OtlpDecoder.decode(request), request);
      } else {
        decoded = OtlpWireDecoder.decode(body);
      }
    } catch (InvalidProtocolBufferException e) {
      return () -> refuse(ctx, req, transport, IngestStatus.MALFORMED, "invalid OTLP protobuf: " + e.getMessage(),
          Map.of());
    } catch (OtlpJson.MalformedJsonException e) {
      return () -> refuse(ctx, req, transport, IngestStatus.MALFORMED, e.getMessage(), Map.of());
    }
    body = null; // what was decoded holds what it needs
    IngestService.Outcome outcome = OtlpIngest.ingest(ingest, decoded, transport);
    if (outcome.status() == IngestStatus.OVERLOADED) {
      long secs = Math.max(1, outcome.retryAfter().toSeconds());
      return () -> respond(ctx, req, json, outcome.status().httpStatus,
          status(outcome.status(), outcome.message()), Map.of("Retry-After", Long.toString(secs)));
    }
    return () -> respond(ctx, req, json, 200, OtlpEncoder.response(outcome.rejectedPoints(), outcome.message()),
        Map.of());
  }

  /** The {@code Retry-After} header of a refusal (none for a refusal that is not retryable). */
  static Map<String, String> retryAfter(Admission.Refusal r) {
    return r.retryAfter().isZero() ? Map.of()
        : Map.of("Retry-After", Long.toString(Math.max(1, r.retryAfter().toSeconds())));
  }

  /** Answers a request refused before the pipeline, counting it. */
  @Override
  public void refuse(ChannelHandlerContext ctx, HttpRequest req, String transport, IngestStatus status,
      String message, Map<String, String> headers) {
    ingest.refusedRequest(transport, status);
    respond(ctx, req, isJson(req) || transport.equals("http"), status.httpStatus, status(status, message), headers);
  }

  private static Status status(IngestStatus s, String message) {
    return Status.newBuilder().setCode(s.grpcCode.value()).setMessage(message).build();
  }

  private static void respond(ChannelHandlerContext ctx, HttpRequest req, boolean json, int code, Message body,
      Map<String, String> headers) {
    byte[] bytes = json ? OtlpJson.print(body).getBytes(StandardCharsets.UTF_8) : body.toByteArray();
    HttpResponses.send(ctx, req, code, json ? JSON : PROTOBUF, bytes, headers);
  }
}
