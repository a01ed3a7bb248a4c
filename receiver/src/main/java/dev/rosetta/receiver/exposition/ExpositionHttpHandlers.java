package dev.rosetta.receiver.exposition;

import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.server.ChunkedResponseStream;
import dev.rosetta.receiver.server.HttpHandler;
import dev.rosetta.receiver.server.HttpResponses;
import dev.rosetta.receiver.telemetry.LabelledCounter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Netty adapters for {@code /metrics}, {@code /healthz} and {@code /readyz}. */
public final class ExpositionHttpHandlers {
  private static final Logger LOG = Logger.getLogger(ExpositionHttpHandlers.class.getName());
  private static final long LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

  private ExpositionHttpHandlers() {}

  /** Counts and logs failed scrapes; one per service. */
  public static final class ScrapeFailures {
    private final LabelledCounter failures = new LabelledCounter("rosetta_exposition_scrape_failures",
        "Scrapes of /metrics that failed, by reason (render: collecting or rendering failed; client: the"
            + " connection closed or the client stopped reading within write_timeout).", "reason");
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    public ScrapeFailures(CollectorRegistry registry) {
      registry.register(failures);
    }

    void failed(String reason, String message, Throwable cause) {
      failures.inc(1, reason);
      long now = System.nanoTime();
      long next = nextLog.get();
      if (now - next < 0 || !nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
        suppressed.incrementAndGet();
        return;
      }
      long n = suppressed.getAndSet(0);
      LOG.log(Level.WARNING, message + (n > 0 ? " (" + n + " more failed scrapes since the last message)" : ""),
          reason.equals("render") ? cause : null);
    }

    public double count(String reason) {
      return failures.get(reason);
    }
  }

  /**
   * {@code GET /metrics}, streamed: the head goes out with the first 64 KiB of body, and the body as
   * it is rendered (chunked). Runs on an exposition thread. A failure before anything was sent is answered
   * 500 with the reason; after that the connection is closed, which the scraper sees as a cut-off
   * body. Either way the failure is counted and logged with its reason.
   */
  public static HttpHandler metrics(ScrapeHandler scrape, Duration writeTimeout, ScrapeFailures failures) {
    return metrics(scrape, writeTimeout, failures, () -> { });
  }

  /**
   * {@link #metrics(ScrapeHandler, Duration, ScrapeFailures)}, running {@code beforeRender} (on the
   * exposition thread) before a body is rendered: Rosetta's own JVM metrics are read then.
   */
  public static HttpHandler metrics(ScrapeHandler scrape, Duration writeTimeout, ScrapeFailures failures,
      Runnable beforeRender) {
    return (ctx, req) -> {
      if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
        HttpResponses.send(ctx, req, 405, "text/plain; charset=utf-8",
            "use GET\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("Allow", "GET, HEAD"));
        return;
      }
      List<String> names = new QueryStringDecoder(req.uri()).parameters().getOrDefault("name[]", List.of());
      Set<String> filter = new HashSet<>(names);
      ScrapeHandler.Format f = scrape.negotiate(req.headers().get(HttpHeaderNames.ACCEPT),
          req.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (req.method().equals(HttpMethod.HEAD)) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        headers(resp, f);
        HttpUtil.setKeepAlive(resp, keepAlive);
        ctx.writeAndFlush(resp);
        return;
      }
      beforeRender.run();
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      headers(head, f);
      HttpUtil.setKeepAlive(head, keepAlive);
      ChunkedResponseStream out = new ChunkedResponseStream(ctx, head, writeTimeout);
      long start = System.nanoTime();
      try {
        scrape.write(f, filter, out);
      } catch (IOException | RuntimeException | StackOverflowError e) {
        out.abandon();
        boolean client = e instanceof IOException;
        String reason = client ? "client" : "render";
        failures.failed(reason, "scrape of /metrics from " + ctx.channel().remoteAddress() + " failed after "
            + out.bytesWritten() + " bytes and " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms: "
            + e, e);
        if (!out.headSent() && ctx.channel().isActive()) {
          HttpResponses.send(ctx, req, 500, "text/plain; charset=utf-8",
              io.netty.buffer.Unpooled.copiedBuffer("scrape failed: " + e + "\n",
                  java.nio.charset.StandardCharsets.UTF_8), Map.of(), true);
        } else {
          ctx.close();
        }
      }
    };
  }

  private static void headers(HttpResponse resp, ScrapeHandler.Format f) {
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
    if (!f.contentEncoding().isEmpty()) {
      resp.headers().set(HttpHeaderNames.CONTENT_ENCODING, f.contentEncoding());
    }
    resp.headers().set(HttpHeaderNames.VARY, "Accept, Accept-Encoding");
  }

  /**
   * {@code GET /status}: the status page, built and rendered on the exposition thread that runs
   * this handler. The page loads nothing (no script, no external resource), which the
   * Content-Security-Policy states; it is not cached. A failure to build it is answered 500 with the
   * reason and logged.
   */
  public static HttpHandler status(java.util.function.Supplier<String> page) {
    return (ctx, req) -> {
      if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
        HttpResponses.send(ctx, req, 405, "text/plain; charset=utf-8",
            "use GET\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("Allow", "GET, HEAD"));
        return;
      }
      String html;
      try {
        html = page.get();
      } catch (RuntimeException | StackOverflowError e) {
        LOG.log(Level.WARNING, "the status page failed", e);
        HttpResponses.text(ctx, req, 500, "status page failed: " + e + "\n");
        return;
      }
      byte[] body = req.method().equals(HttpMethod.HEAD) ? new byte[0]
          : html.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      HttpResponses.send(ctx, req, 200, "text/html; charset=utf-8", body, Map.of(
          "Cache-Control", "no-store",
          "X-Content-Type-Options", "nosniff",
          "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"));
    };
  }

  /** {@code /healthz}: 200 while healthy; 503 with the fault once a background thread or task failed. */
  public static HttpHandler healthz(ServiceHealth health) {
    return (ctx, req) -> {
      var fault = health.fault();
      if (fault.isEmpty()) {
        HttpResponses.text(ctx, req, 200, "ok\n");
      } else {
        HttpResponses.text(ctx, req, 503, "unhealthy: " + fault.get().describe() + "\n");
      }
    };
  }

  /**
   * The {@code health_check} extension's answer, as the Collector's: 200 with {@code {"status":
   * "Server available", "upSince": ..., "uptime": ...}} while healthy, 503 with {@code "Server not
   * available"} and the fault once a background thread or task failed.
   */
  public static HttpHandler healthCheck(ServiceHealth health) {
    java.time.Instant since = java.time.Instant.now();
    return (ctx, req) -> {
      var fault = health.fault();
      java.time.Duration up = java.time.Duration.between(since, java.time.Instant.now());
      String common = "\"upSince\":\"" + since + "\",\"uptime\":\"" + (up.toMillis() / 1000.0) + "s\"";
      String body = fault.isEmpty()
          ? "{\"status\":\"Server available\"," + common + "}\n"
          : "{\"status\":\"Server not available\"," + common + ",\"fault\":\"" + json(fault.get().describe())
              + "\"}\n";
      HttpResponses.send(ctx, req, fault.isEmpty() ? 200 : 503, "application/json",
          body.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of());
    };
  }

  /** {@code s} as the inside of a JSON string. */
  private static String json(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** The answer to any other path of the {@code health_check} listener. */
  public static HttpHandler healthCheckNotFound(String path) {
    return (ctx, req) -> HttpResponses.text(ctx, req, 404, "not found: the health check answers " + path + "\n");
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
    return (ctx, req) -> HttpResponses.text(ctx, req, 404, "not found: try /metrics, /status, /healthz or /readyz\n");
  }
}
