package dev.rosetta.receiver.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Caps the connections of one listener: a handler on the listening channel that sees each accepted
 * connection. At {@code max} it stops accepting (the listening channel stops reading, so further
 * connections wait in the kernel's listen backlog, and new ones beyond the backlog are not
 * completed) until a connection closes. The rare connection accepted past the cap in the same
 * accept burst is closed at once. Thread-safe.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(ConnectionLimiter.class.getName());

  private final String listener;
  private final int max;
  private final AtomicInteger open;
  private final ServerMetrics metrics;
  private volatile Channel server;
  private volatile boolean warned;

  ConnectionLimiter(String listener, int max, ServerMetrics metrics) {
    this.listener = listener;
    this.max = max;
    this.metrics = metrics;
    this.open = metrics.openConnections(listener);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Channel child)) {
      ctx.fireChannelRead(msg);
      return;
    }
    server = ctx.channel();
    int n = open.incrementAndGet();
    if (n > max) {
      open.decrementAndGet();
      child.unsafe().closeForcibly();
      return;
    }
    metrics.accepted(listener);
    child.closeFuture().addListener(f -> closed());
    if (n >= max) {
      // every change of the listening channel's reading happens on its event loop, from the count then
      ctx.channel().config().setAutoRead(open.get() < max);
      metrics.limitReached(listener);
      if (!warned) {
        warned = true;
        LOG.warning(listener + ": " + max + " connections open (max_connections): new connections wait until"
            + " one closes");
      }
    }
    ctx.fireChannelRead(child);
  }

  private void closed() {
    int n = open.decrementAndGet();
    Channel s = server;
    if (n < max && s != null && s.isOpen()) {
      s.eventLoop().execute(() -> {
        boolean resume = open.get() < max;
        if (resume != s.config().isAutoRead()) {
          s.config().setAutoRead(resume);
        }
      });
    }
  }
}
