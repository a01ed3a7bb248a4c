package dev.rosetta.receiver.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Status;
import dev.rosetta.receiver.otlp.OtlpJson;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * OTLP/HTTP {@code POST /v1/metrics}: binary protobuf or JSON by Content-Type, gzip/deflate by
 * Content-Encoding, answered in the request's encoding (errors as a {@code google.rpc.Status}), with
 * the statuses of {@link IngestStatus}.
 */
public final class OtlpHttpHandler implements HttpHandler {
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

  private static boolean isJson(FullHttpRequest req) {
    return mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE)).equals(JSON);
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    String media = mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
    boolean json = media.equals(JSON);
    String transport = json ? "http_json" : "http_protobuf";
    if (!req.method().equals(HttpMethod.POST)) {
      fail(ctx, req, transport, json, IngestStatus.METHOD_NOT_ALLOWED,
          "method " + req.method() + " is not allowed; use POST", Map.of("Allow", "POST"));
      return;
    }
    if (!json && !media.equals(PROTOBUF)) {
      fail(ctx, req, "http", true, IngestStatus.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Type \"" + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "\": use application/x-protobuf or application/json", Map.of());
      return;
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    byte[] body;
    try {
      body = BodyDecoder.decode(req.content(), encoding, maxBodyBytes);
    } catch (BodyDecoder.TooLargeException e) {
      fail(ctx, req, transport, json, IngestStatus.TOO_LARGE, e.getMessage(), Map.of());
      return;
    } catch (BodyDecoder.UnsupportedEncodingException e) {
      fail(ctx, req, transport, json, IngestStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), Map.of());
      return;
    } catch (BodyDecoder.CorruptBodyException e) {
      fail(ctx, req, transport, json, IngestStatus.MALFORMED, e.getMessage(), Map.of());
      return;
    }
    ExportMetricsServiceRequest request;
    try {
      request = json
          ? OtlpJson.parseRequest(body)
          : ExportMetricsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      fail(ctx, req, transport, false, IngestStatus.MALFORMED,
          "invalid OTLP protobuf: " + e.getMessage(), Map.of());
      return;
    } catch (OtlpJson.MalformedJsonException e) {
      fail(ctx, req, transport, true, IngestStatus.MALFORMED, e.getMessage(), Map.of());
      return;
    }
    IngestService.Outcome outcome = ingest.ingest(request, transport);
    if (outcome.status() == IngestStatus.OVERLOADED) {
      long secs = Math.max(1, outcome.retryAfter().toSeconds());
      respond(ctx, req, json, outcome.status().httpStatus,
          status(outcome.status(), outcome.message()), Map.of("Retry-After", Long.toString(secs)));
      return;
    }
    respond(ctx, req, json, 200, outcome.response(), Map.of());
  }

  /** Answers a request refused before the pipeline, counting it. */
  public void fail(ChannelHandlerContext ctx, FullHttpRequest req, String transport, boolean json,
      IngestStatus status, String message, Map<String, String> headers) {
    ingest.refusedRequest(transport, status);
    respond(ctx, req, json, status.httpStatus, status(status, message), headers);
  }

  /** The handler for bodies over the wire limit, before they are read. */
  public HttpHandler oversized() {
    return (ctx, req) -> {
      boolean json = isJson(req);
      ingest.refusedRequest(json ? "http_json" : "http_protobuf", IngestStatus.TOO_LARGE);
      Message body = status(IngestStatus.TOO_LARGE, "request body exceeds the limit of " + maxBodyBytes + " bytes");
      byte[] bytes = json ? OtlpJson.print(body).getBytes(StandardCharsets.UTF_8) : body.toByteArray();
      HttpResponses.send(ctx, req, IngestStatus.TOO_LARGE.httpStatus, json ? JSON : PROTOBUF,
          io.netty.buffer.Unpooled.wrappedBuffer(bytes), Map.of(), true);
    };
  }

  private static Status status(IngestStatus s, String message) {
    return Status.newBuilder().setCode(s.grpcCode.value()).setMessage(message).build();
  }

  private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, boolean json, int code, Message body,
      Map<String, String> headers) {
    byte[] bytes = json ? OtlpJson.print(body).getBytes(StandardCharsets.UTF_8) : body.toByteArray();
    HttpResponses.send(ctx, req, code, json ? JSON : PROTOBUF, bytes, headers);
  }
}
