package dev.rosetta.receiver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.config.HttpServerSettings;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection handling's reads and a handler before admission that pauses the {@link ReadGate}
 * (as authentication does while it checks a password): nothing is read while the gate is paused,
 * reading resumes with the gate, and a connection that is closing drains regardless.
 */
class ReadGateTest {
  static final HttpServerSettings SETTINGS = new HttpServerSettings(10, Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(5), Duration.ofSeconds(5));

  /** Counts the reads asked of the channel. */
  static final class ReadCounter extends ChannelOutboundHandlerAdapter {
    int reads;

    @Override
    public void read(ChannelHandlerContext ctx) {
      reads++;
      ctx.read();
    }
  }

  /** Pauses the gate at every request head, as a handler deciding off the event loop does; keeps what it sees. */
  static final class Pauser extends ChannelInboundHandlerAdapter {
    final List<Object> seen = new ArrayList<>();
    ReadGate gate;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        gate = ReadGate.of(ctx.channel());
        gate.pause();
      }
      seen.add(msg);
    }
  }

  ReadCounter counter;
  Pauser pauser;
  EmbeddedChannel ch;

  @BeforeEach
  void connect() throws Exception {
    counter = new ReadCounter();
    pauser = new Pauser();
    HttpExchangeHandler exchange = new HttpExchangeHandler("test", SETTINGS, ServerMetrics.unregistered(), 1 << 20);
    ch = new EmbeddedChannel(false, false, counter, exchange, pauser);
    ch.config().setAutoRead(false);
    ch.register();
  }

  @AfterEach
  void close() {
    pauser.seen.forEach(ReferenceCountUtil::release);
    ch.finishAndReleaseAll();
  }

  static HttpRequest post(int length) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/metrics");
    req.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    return req;
  }

  @Test
  void nothingIsReadWhileTheGateIsPausedAndReadingResumesWithIt() {
    assertThat(counter.reads).as("a fresh connection reads its first request").isEqualTo(1);
    ch.writeInbound(post(8));
    assertThat(pauser.gate).isNotNull();
    assertThat(pauser.gate.isOpen()).isFalse();
    assertThat(counter.reads).as("the head was handed on and the gate paused: no read for the body").isEqualTo(1);
    ch.runPendingTasks();
    assertThat(counter.reads).isEqualTo(1);

    pauser.gate.resume();
    assertThat(counter.reads).as("the verdict came: the body is read").isEqualTo(2);
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[4])));
    assertThat(counter.reads).isGreaterThan(2);
    int before = counter.reads;
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[4])));
    assertThat(counter.reads).as("the request is complete: nothing is read until it is answered").isEqualTo(before);
    assertThat(pauser.seen).hasSize(3);
    assertThatThrownBy(pauser.gate::resume).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aDeadlinePassingWhileTheGateIsPausedIsAnsweredAndTheConnectionDrains() {
    ch.writeInbound(post(8));
    assertThat(pauser.gate.isOpen()).isFalse();
    int before = counter.reads;
    // the read deadline runs while the gate is paused: the request is answered 408 and closed
    ch.advanceTimeBy(SETTINGS.readTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();
    FullHttpResponse resp = ch.readOutbound();
    assertThat(resp).isNotNull();
    assertThat(resp.status().code()).isEqualTo(408);
    resp.release();
    assertThat(counter.reads).as("closing: what the client still sends is read and dropped, gate or not")
        .isGreaterThan(before);
    int seen = pauser.seen.size();
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[8])));
    assertThat(pauser.seen).as("nothing more reaches the handlers").hasSize(seen);
  }

  @Test
  void aGateResumedAfterTheConnectionClosedReadsNothing() {
    ch.writeInbound(post(8));
    ch.close();
    int before = counter.reads;
    pauser.gate.resume();
    assertThat(counter.reads).isEqualTo(before);
  }
}
