package dev.rosetta.receiver.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Handles one complete HTTP request and writes exactly one response (see {@link HttpResponses}),
 * on the thread its {@link Route} names: the event loop for {@link Route.Inline} (must not block),
 * an executor for {@link Route.OnExecutor}. The request is released by the caller afterwards.
 */
@FunctionalInterface
public interface HttpHandler {
  void handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
