package dev.rosetta.receiver.server;

import dev.rosetta.receiver.lifecycle.ServiceHealth;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.Errors;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Netty event loop groups for the listeners, whose threads report uncaught failures to {@link
 * ServiceHealth}, and the server channels that go with them: Linux's epoll where Netty's native
 * transport loads (Linux on x86-64), which costs fewer system calls and less CPU per request than
 * Java NIO; Java NIO everywhere else, and when {@code -Dio.netty.transport.noNative=true} turns the
 * native transport off.
 */
public final class EventLoops {
  private static final Logger LOG = Logger.getLogger(EventLoops.class.getName());
  private static final java.util.concurrent.atomic.AtomicBoolean REPORTED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private EventLoops() {}

  /** Whether the listeners use epoll. */
  public static boolean epoll() {
    return Epoll.isAvailable();
  }

  /** The transport in use: {@code epoll} or {@code nio}. */
  public static String transport() {
    return epoll() ? "epoll" : "nio";
  }

  /** A group of {@code threads} threads named {@code name-N}, of the transport {@link #epoll()} picks. */
  public static EventLoopGroup group(String name, int threads, ServiceHealth health) {
    if (REPORTED.compareAndSet(false, true)) {
      LOG.info(() -> epoll() ? "listeners use Linux's epoll (Netty's native transport)"
          : "listeners use Java NIO: " + String.valueOf(Epoll.unavailabilityCause()));
    }
    IoHandlerFactory io = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, threadFactory(name, health), io);
  }

  /** A new server channel for {@link #group}'s groups. */
  public static ServerSocketChannel newServerChannel() {
    return epoll() ? new EpollServerSocketChannel() : new NioServerSocketChannel();
  }

  /**
   * Whether {@code cause}, a failure to bind a listener, means the address cannot be had (in use,
   * not local, not permitted): what Java NIO reports as a {@link java.net.BindException}, and the
   * native transport as the {@code bind} call's errno (Linux's EADDRINUSE, EADDRNOTAVAIL, EACCES).
   */
  static boolean addressUnavailable(Throwable cause) {
    if (cause instanceof java.net.BindException) {
      return true;
    }
    if (cause instanceof Errors.NativeIoException n) {
      int errno = -n.expectedErr();
      return errno == 98 || errno == 99 || errno == 13;
    }
    return false;
  }

  /** The reason in a bind failure's message, without the native transport's call and errno. */
  static String bindReason(Throwable cause) {
    String m = String.valueOf(cause.getMessage());
    return cause instanceof Errors.NativeIoException
        ? m.replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "") : m;
  }

  /** Daemon {@link FastThreadLocalThread}s (Netty's thread-locals are faster on them). */
  static ThreadFactory threadFactory(String name, ServiceHealth health) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new FastThreadLocalThread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setUncaughtExceptionHandler(health.uncaughtExceptionHandler());
      return t;
    };
  }
}
