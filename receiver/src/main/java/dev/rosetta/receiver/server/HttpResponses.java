package dev.rosetta.receiver.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writing complete responses with Content-Length and keep-alive handled, on connections of a {@link
 * NettyHttpServer}.
 */
public final class HttpResponses {
  private HttpResponses() {}

  public static void send(ChannelHandlerContext ctx, HttpRequest req, int status, String contentType, byte[] body,
      Map<String, String> headers) {
    send(ctx, req, status, contentType, Unpooled.wrappedBuffer(body), headers, false);
  }

  public static void send(ChannelHandlerContext ctx, HttpRequest req, int status, String contentType, ByteBuf body,
      Map<String, String> headers, boolean close) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
    if (contentType != null) {
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    headers.forEach((k, v) -> resp.headers().set(k, v));
    HttpUtil.setContentLength(resp, body.readableBytes());
    boolean keepAlive = !close && req != null && HttpUtil.isKeepAlive(req);
    HttpUtil.setKeepAlive(resp, keepAlive);
    // a response without keep-alive closes the connection once written: the connection handling
    // (HttpExchangeHandler) does it, lingering while the request's body still arrives so that the
    // client reads the answer rather than a reset
    ctx.writeAndFlush(resp);
  }

  public static void text(ChannelHandlerContext ctx, HttpRequest req, int status, String text) {
    send(ctx, req, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
