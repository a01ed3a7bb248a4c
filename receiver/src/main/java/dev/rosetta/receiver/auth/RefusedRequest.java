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
 * A request refused by {@link HttpAuthHandler}, in place of the original: the same method, URI and
 * headers, without body, credential, {@code Expect} or {@code Transfer-Encoding}, so that every
 * handler after the authentication (keep-alive, aggregation) passes it on untouched. The router
 * answers it with {@link #answer}, in its turn among pipelined requests. Event-loop confined.
 */
public final class RefusedRequest extends DefaultFullHttpRequest {
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

  public Verdict verdict() {
    return verdict;
  }

  /**
   * Writes the answer: 401 with the authenticator's challenge, 403 without a required client
   * certificate, or 503 with {@code Retry-After}.
   */
  public void answer(ChannelHandlerContext ctx) {
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
