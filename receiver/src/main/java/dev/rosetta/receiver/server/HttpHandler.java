package dev.rosetta.receiver.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Handles one complete HTTP request on a Netty event loop and writes exactly one response (see
 * {@link HttpResponses}). Must not block. The request is released by the caller afterwards.
 */
@FunctionalInterface
public interface HttpHandler {
  void handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
