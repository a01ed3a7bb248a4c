package dev.rosetta.receiver.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Objects;

/**
 * Whether a connection of a {@link NettyHttpServer} may read the next message of a request. The
 * connection handling ({@link HttpExchangeHandler}) decides when input is wanted (the channel never
 * reads on its own); a handler placed before admission ({@link NettyHttpServer.Builder#beforeAdmission})
 * that needs time to decide about a request it was handed — authentication checking a stretched
 * password off the event loop — {@link #pause pauses} the gate, and nothing more is read for the
 * request until it {@link #resume resumes} it. While the connection is closing or dropping a body
 * after an early answer, reading goes on regardless (nothing read then reaches the handlers).
 *
 * <p>The request's read deadlines keep running while the gate is paused. Event loop only.
 */
public final class ReadGate {
  static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "readGate");

  private final Runnable opened;
  private int pauses;

  /** @param opened called when the last pause ends, to read again if input is wanted */
  ReadGate(Runnable opened) {
    this.opened = Objects.requireNonNull(opened, "opened");
  }

  /**
   * The gate of a connection accepted by a {@link NettyHttpServer}.
   *
   * @throws IllegalStateException for a channel that has none
   */
  public static ReadGate of(Channel channel) {
    ReadGate gate = channel.attr(KEY).get();
    if (gate == null) {
      throw new IllegalStateException("the channel has no read gate: not a connection of a NettyHttpServer");
    }
    return gate;
  }

  /** Stops reading for the current request until as many {@link #resume} calls follow. */
  public void pause() {
    pauses++;
  }

  /**
   * Ends one pause; when it was the last, reading goes on where the connection handling wants it.
   *
   * @throws IllegalStateException when the gate is not paused
   */
  public void resume() {
    if (pauses == 0) {
      throw new IllegalStateException("the read gate is not paused");
    }
    if (--pauses == 0) {
      opened.run();
    }
  }

  public boolean isOpen() {
    return pauses == 0;
  }
}
