package dev.rosetta.receiver.nativeformat;

import com.google.protobuf.Message;
import com.google.rpc.Status;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.admission.RequestBudget;
import dev.rosetta.receiver.otlp.OtlpEncoder;
import dev.rosetta.receiver.otlp.OtlpJson;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import dev.rosetta.receiver.server.BodyDecoder;
import dev.rosetta.receiver.server.HttpResponses;
import dev.rosetta.receiver.server.IngestRoute;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A native JSON ingestion endpoint ({@code /v1/go/runtime-metrics}, {@code /v1/jvm/jolokia}) with
 * the same status table as OTLP/HTTP: JSON only (415 otherwise), POST only (405), the same body
 * limit after decompression (413), a malformed body rejected whole (400, nothing applied), a full
 * forward queue answered 503 with Retry-After. Answers are OTLP/JSON: an
 * {@code ExportMetricsServiceResponse} (with {@code partialSuccess} when anything was refused or
 * skipped) or a {@code google.rpc.Status}. Query parameters are resource attributes. The method,
 * media type and encoding are checked at the head, before the body is read; the body is decoded on
 * an ingest thread.
 */
public final class NativeHttpHandler implements IngestRoute {
  /** Decodes a body with the resource attributes of the query into a batch. */
  @FunctionalInterface
  public interface Decoder {
    Decoded decode(String body, Map<String, String> resource, long nowNanos) throws MalformedBodyException;
  }

  /** A decoded body: the batch and what was skipped, with a note for the sender. */
  public record Decoded(MetricBatch batch, int skipped, String note) {}

  private final String transport;
  private final Decoder decoder;
  private final IngestService ingest;
  private final long maxBodyBytes;

  public NativeHttpHandler(String transport, Decoder decoder, IngestService ingest, long maxBodyBytes) {
    this.transport = transport;
    this.decoder = decoder;
    this.ingest = ingest;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The Go runtime/metrics endpoint. */
  public static NativeHttpHandler goRuntime(IngestService ingest, long maxBodyBytes) {
    return new NativeHttpHandler("go_runtime", (body, resource, now) -> {
      GoRuntimeDecoder.Result r = GoRuntimeDecoder.decode(body, resource, now);
      return new Decoded(r.batch(), r.skipped(),
          r.skipped() > 0 ? r.skipped() + " samples of kind bad skipped" : "");
    }, ingest, maxBodyBytes);
  }

  /** The Jolokia endpoint. */
  public static NativeHttpHandler jolokia(IngestService ingest, long maxBodyBytes) {
    return new NativeHttpHandler("jolokia", (body, resource, now) -> {
      JolokiaDecoder.Result r = JolokiaDecoder.decode(body, resource, now);
      return new Decoded(r.batch(), r.errorEntries(),
          r.errorEntries() > 0 ? r.errorEntries() + " response entries with an error status skipped" : "");
    }, ingest, maxBodyBytes);
  }

  @Override
  public HeadDecision checkHead(HttpRequest req) {
    if (!req.method().equals(HttpMethod.POST)) {
      return new Refuse(transport, IngestStatus.METHOD_NOT_ALLOWED, "method " + req.method()
          + " is not allowed; use POST", Map.of("Allow", "POST"));
    }
    String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      return new Refuse(transport, IngestStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Type \"" + type
          + "\": use application/json", Map.of());
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (!BodyDecoder.supports(encoding)) {
      return new Refuse(transport, IngestStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Encoding \""
          + encoding + "\": use gzip, zstd, deflate or identity", Map.of());
    }
    return new Accept(transport, Admission.Format.JSON);
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
    byte[] body;
    try {
      body = BodyDecoder.decode(req.content(), req.headers().get(HttpHeaderNames.CONTENT_ENCODING), maxBodyBytes,
          budget::growDecoded);
    } catch (BodyDecoder.TooLargeException e) {
      return () -> fail(ctx, req, IngestStatus.TOO_LARGE, e.getMessage(), Map.of());
    } catch (BodyDecoder.UnsupportedEncodingException e) {
      return () -> fail(ctx, req, IngestStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), Map.of());
    } catch (BodyDecoder.CorruptBodyException e) {
      return () -> fail(ctx, req, IngestStatus.MALFORMED, e.getMessage(), Map.of());
    } catch (RequestBudget.OverBudgetException e) {
      Admission.Refusal r = e.refusal();
      return () -> fail(ctx, req, r.status(), r.message(), r.retryAfter().isZero() ? Map.of()
          : Map.of("Retry-After", Long.toString(Math.max(1, r.retryAfter().toSeconds()))));
    }
    Map<String, String> resource = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : new QueryStringDecoder(req.uri()).parameters().entrySet()) {
      List<String> v = e.getValue();
      resource.put(e.getKey(), v.get(v.size() - 1));
    }
    Decoded decoded;
    try {
      decoded = decoder.decode(JsonTrees.utf8(body), resource,
          System.currentTimeMillis() * 1_000_000L);
    } catch (MalformedBodyException e) {
      return () -> fail(ctx, req, IngestStatus.MALFORMED, e.getMessage(), Map.of());
    }
    IngestService.Outcome outcome = ingest.ingest(decoded.batch(), decoded.skipped(), decoded.note(), null, transport);
    if (outcome.status() == IngestStatus.OVERLOADED) {
      return () -> respond(ctx, req, outcome.status().httpStatus, status(outcome.status(), outcome.message()),
          Map.of("Retry-After", Long.toString(Math.max(1, outcome.retryAfter().toSeconds()))));
    }
    return () -> respond(ctx, req, 200, OtlpEncoder.response(outcome.rejectedPoints(), outcome.message()), Map.of());
  }

  @Override
  public void refuse(ChannelHandlerContext ctx, HttpRequest head, String transport, IngestStatus status,
      String message, Map<String, String> headers) {
    ingest.refusedRequest(transport, status);
    respond(ctx, head, status.httpStatus, status(status, message), headers);
  }

  private void fail(ChannelHandlerContext ctx, HttpRequest req, IngestStatus status, String message,
      Map<String, String> headers) {
    refuse(ctx, req, transport, status, message, headers);
  }

  private static Status status(IngestStatus s, String message) {
    return Status.newBuilder().setCode(s.grpcCode.value()).setMessage(message).build();
  }

  private static void respond(ChannelHandlerContext ctx, HttpRequest req, int code, Message body,
      Map<String, String> headers) {
    HttpResponses.send(ctx, req, code, "application/json",
        OtlpJson.print(body).getBytes(StandardCharsets.UTF_8), headers);
  }
}
