package dev.rosetta.receiver.server;

import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.admission.RequestBudget;
import dev.rosetta.receiver.pipeline.IngestStatus;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Map;
import java.util.Objects;

/**
 * A data endpoint of the HTTP listener ({@code /v1/metrics}, the native endpoints), in three steps
 * that {@link NettyHttpServer} calls on the right threads:
 *
 * <ol>
 *   <li>{@link #checkHead} on the event loop, with the head only: a request refused for its method
 *       or media type is answered without reading its body; otherwise the route says how the body
 *       is encoded, and the server admits it by memory.
 *   <li>{@link #refuse} on any thread: the answer to a request refused before it was decoded (413,
 *       503 with {@code Retry-After}, ...), in the route's format, counted.
 *   <li>{@link #handle} on an ingest thread, with the whole body: decode it (growing the budget as
 *       it is decompressed), ingest it, write exactly one response. A body of at most {@value
 *       #INLINE_BODY_BYTES} bytes without a Content-Encoding is handled on the event loop that read
 *       it instead, when the route says its way cannot wait ({@link #mayWait}): its work is then
 *       bounded by its size, and handing it over would cost more than handling it.
 * </ol>
 */
public interface IngestRoute {
  /** What {@link #checkHead} decided. */
  sealed interface HeadDecision permits Accept, Refuse {}

  /** Read the body, as {@code format}; {@code transport} labels the request's metrics. */
  record Accept(String transport, Admission.Format format) implements HeadDecision {
    public Accept {
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(format, "format");
    }
  }

  /** Answer at once, without reading the body. */
  record Refuse(String transport, IngestStatus status, String message, Map<String, String> headers)
      implements HeadDecision {
    public Refuse {
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(message, "message");
      headers = Map.copyOf(headers);
    }
  }

  /** The largest plain body handled on the event loop (see {@link #mayWait}). */
  int INLINE_BODY_BYTES = 32 * 1024;

  HeadDecision checkHead(HttpRequest head);

  /**
   * Whether handling a request may wait for something other than the CPU (a pipeline stage that
   * says so, a file queue); when it cannot, small plain bodies are handled on the event loop.
   * Routes that do not say are handed to an ingest thread.
   */
  default boolean mayWait() {
    return true;
  }

  /** Answers a request refused before decoding, counting it under {@code transport}. Thread-safe. */
  void refuse(ChannelHandlerContext ctx, HttpRequest head, String transport, IngestStatus status, String message,
      Map<String, String> headers);

  /**
   * Decodes and ingests a complete request and writes one response. Runs on an ingest thread (or
   * the event loop, see {@link #mayWait}); the
   * request and the budget are released by the caller afterwards (releasing the budget is
   * idempotent: a handler gives it back before it writes its response, so that a sender that sends
   * its next request on the answer finds the budget free).
   */
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestBudget budget);
}
