package dev.rosetta.receiver.server;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How a path of a {@link NettyHttpServer} is served, and on which thread.
 *
 * <ul>
 *   <li>{@link Inline}: on the connection's event loop. For answers that cost nothing and never
 *       block ({@code /healthz}, 404).
 *   <li>{@link OnExecutor}: on the given executor ({@code /metrics} renders on its own threads and
 *       streams the body as it is produced).
 *   <li>{@link Ingest}: a data endpoint. Admitted by memory at the request head, before the body is
 *       read; the body is then received on the event loop and decoded and applied on an ingest lane.
 * </ul>
 */
public sealed interface Route {
  /** Answered on the event loop. */
  record Inline(HttpHandler handler) implements Route {
    public Inline {
      Objects.requireNonNull(handler, "handler");
    }
  }

  /** Answered on {@code executor}. */
  record OnExecutor(Executor executor, HttpHandler handler) implements Route {
    public OnExecutor {
      Objects.requireNonNull(executor, "executor");
      Objects.requireNonNull(handler, "handler");
    }
  }

  /** A data endpoint, admitted before its body is read. */
  record Ingest(IngestRoute handler) implements Route {
    public Ingest {
      Objects.requireNonNull(handler, "handler");
    }
  }

  static Route inline(HttpHandler handler) {
    return new Inline(handler);
  }

  static Route onExecutor(Executor executor, HttpHandler handler) {
    return new OnExecutor(executor, handler);
  }

  static Route ingest(IngestRoute handler) {
    return new Ingest(handler);
  }
}
