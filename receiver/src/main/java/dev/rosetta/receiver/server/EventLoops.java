package dev.rosetta.receiver.server;

import dev.rosetta.receiver.lifecycle.ServiceHealth;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Netty event loop groups whose threads report uncaught failures to {@link ServiceHealth}. */
public final class EventLoops {
  private EventLoops() {}

  /** A NIO group of {@code threads} threads named {@code name-N}. */
  public static EventLoopGroup nio(String name, int threads, ServiceHealth health) {
    return new MultiThreadIoEventLoopGroup(threads, threadFactory(name, health), NioIoHandler.newFactory());
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
