package dev.rosetta.receiver.exposition;

import dev.rosetta.receiver.server.HttpHandler;
import dev.rosetta.receiver.server.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** Netty adapters for {@code /metrics}, {@code /healthz} and {@code /readyz}. */
public final class ExpositionHttpHandlers {
  private ExpositionHttpHandlers() {}

  public static HttpHandler metrics(ScrapeHandler scrape) {
    return (ctx, req) -> {
      if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
        HttpResponses.send(ctx, req, 405, "text/plain; charset=utf-8",
            "use GET\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("Allow", "GET, HEAD"));
        return;
      }
      List<String> names = new QueryStringDecoder(req.uri()).parameters().getOrDefault("name[]", List.of());
      Set<String> filter = new HashSet<>(names);
      ScrapeHandler.Response r = scrape.scrape(req.headers().get(HttpHeaderNames.ACCEPT),
          req.headers().get(HttpHeaderNames.ACCEPT_ENCODING), filter);
      Map<String, String> headers = new HashMap<>();
      if (!r.contentEncoding().isEmpty()) {
        headers.put("Content-Encoding", r.contentEncoding());
      }
      headers.put("Vary", "Accept, Accept-Encoding");
      byte[] body = req.method().equals(HttpMethod.HEAD) ? new byte[0] : r.body();
      HttpResponses.send(ctx, req, 200, r.contentType(), Unpooled.wrappedBuffer(body), headers, false);
    };
  }

  public static HttpHandler healthz() {
    return (ctx, req) -> HttpResponses.text(ctx, req, 200, "ok\n");
  }

  public static HttpHandler readyz(BooleanSupplier ready) {
    return (ctx, req) -> {
      if (ready.getAsBoolean()) {
        HttpResponses.text(ctx, req, 200, "ready\n");
      } else {
        HttpResponses.text(ctx, req, 503, "not ready\n");
      }
    };
  }

  public static HttpHandler notFound() {
    return (ctx, req) -> HttpResponses.text(ctx, req, 404, "not found: try /metrics, /healthz or /readyz\n");
  }
}
