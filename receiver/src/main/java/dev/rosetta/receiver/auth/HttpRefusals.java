package dev.rosetta.receiver.auth;

import com.google.rpc.Status;
import dev.rosetta.receiver.otlp.OtlpJson;
import dev.rosetta.receiver.server.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** How HTTP listeners write and name refused requests. */
public final class HttpRefusals {
  private HttpRefusals() {}

  /**
   * The receiver's form: a {@code google.rpc.Status} (code UNAUTHENTICATED or UNAVAILABLE), as JSON
   * when the request is JSON (and on the native endpoints), else as binary protobuf, like every
   * other OTLP/HTTP error answer.
   */
  public static HttpAuth.RefusalWriter otlpStatus() {
    return (ctx, req, status, message, headers) -> {
      io.grpc.Status.Code code = status == 503 ? io.grpc.Status.Code.UNAVAILABLE : io.grpc.Status.Code.UNAUTHENTICATED;
      Status body = Status.newBuilder().setCode(code.value()).setMessage(message).build();
      boolean json = isJson(req) || !new QueryStringDecoder(req.uri()).path().equals("/v1/metrics");
      byte[] bytes = json ? OtlpJson.print(body).getBytes(StandardCharsets.UTF_8) : body.toByteArray();
      HttpResponses.send(ctx, req, status, json ? "application/json" : "application/x-protobuf",
          Unpooled.wrappedBuffer(bytes), headers, false);
    };
  }

  /** The exposition's form: plain text. */
  public static HttpAuth.RefusalWriter text() {
    return (ctx, req, status, message, headers) -> HttpResponses.send(ctx, req, status, "text/plain; charset=utf-8",
        Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8), headers, false);
  }

  /**
   * The {@code transport} label of a request to the OTLP/HTTP listener, as its handlers count it:
   * {@code http_json} / {@code http_protobuf} on {@code /v1/metrics}, {@code go_runtime} and {@code
   * jolokia} on the native endpoints, {@code http} elsewhere.
   */
  public static String receiverTransport(HttpRequest req) {
    return switch (new QueryStringDecoder(req.uri()).path()) {
      case "/v1/metrics" -> isJson(req) ? "http_json" : "http_protobuf";
      case "/v1/go/runtime-metrics" -> "go_runtime";
      case "/v1/jvm/jolokia" -> "jolokia";
      default -> "http";
    };
  }

  private static boolean isJson(HttpRequest req) {
    String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null) {
      return false;
    }
    int semi = type.indexOf(';');
    return (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT).equals("application/json");
  }
}
