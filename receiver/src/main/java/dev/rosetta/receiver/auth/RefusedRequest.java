package dev.rosetta.receiver.auth;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link HttpAuthHandler} keeps of a refused request to answer it: the same method, URI and
 * headers, without body, credential, {@code Expect} or {@code Transfer-Encoding}, and with {@code
 * Connection: close} when the connection is not to be kept. Event-loop confined.
 */
final class RefusedRequest extends DefaultFullHttpRequest {
  private final HttpAuth auth;
  private final Verdict verdict;

  RefusedRequest(HttpRequest original, HttpAuth auth, Verdict verdict, boolean close) {
    super(original.protocolVersion(), original.method(), original.uri(), Unpooled.EMPTY_BUFFER);
    this.auth = auth;
    this.verdict = verdict;
    headers().set(original.headers());
    headers().remove(HttpHeaderNames.AUTHORIZATION);
    auth.authenticator().ifPresent(a -> headers().remove(a.header()));
    headers().remove(HttpHeaderNames.EXPECT);
    headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (close) {
      headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  /**
   * Writes the answer: 401 with the authenticator's challenge, 403 without a required client
   * certificate, or 503 with {@code Retry-After}. The connection handling sees it go out and drops
   * the rest of the request's body.
   */
  void answer(ChannelHandlerContext ctx) {
    Map<String, String> headers = new LinkedHashMap<>();
    int status;
    if (verdict == Verdict.BUSY) {
      status = 503;
      headers.put("Retry-After", "1");
    } else if (verdict == Verdict.NO_CLIENT_CERTIFICATE) {
      status = 403;
    } else {
      status = 401;
      auth.authenticator().flatMap(Authenticator::challenge).ifPresent(c -> headers.put("WWW-Authenticate", c));
    }
    auth.writer().write(ctx, this, status, verdict.message, headers);
  }
}
