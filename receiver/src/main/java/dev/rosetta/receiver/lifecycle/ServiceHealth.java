package dev.rosetta.receiver.lifecycle;

import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the service can still do its work. A background thread that dies of an uncaught
 * exception or an {@link Error}, or a periodic task that throws, is a fault the service cannot
 * recover from by itself: the first one is logged (once, with its stack trace) and makes the
 * service unhealthy for good, so that {@code /healthz} fails and the orchestrator restarts it.
 *
 * <p>Every thread the service starts for itself comes from {@link #threadFactory}; every task
 * given to a scheduled executor is wrapped by {@link #guard} (a scheduled executor would otherwise
 * swallow the exception and silently stop running the task). Thread-safe.
 */
public final class ServiceHealth {
  private static final Logger LOG = Logger.getLogger(ServiceHealth.class.getName());

  /** What made the service unhealthy. */
  public record Fault(String where, Throwable cause) {
    /** One line: where, exception class and message. */
    public String describe() {
      String m = cause.getMessage();
      return where + ": " + cause.getClass().getName() + (m == null ? "" : ": " + m);
    }
  }

  private final AtomicReference<Fault> fault = new AtomicReference<>();

  /** True until a fatal fault was reported. */
  public boolean isHealthy() {
    return fault.get() == null;
  }

  /** The first fatal fault, if any. */
  public Optional<Fault> fault() {
    return Optional.ofNullable(fault.get());
  }

  /** Records a fatal fault; only the first is logged. */
  public void fatal(String where, Throwable cause) {
    Fault f = new Fault(where, cause);
    if (fault.compareAndSet(null, f)) {
      LOG.log(Level.SEVERE, "fatal: " + f.describe() + "; the service is unhealthy and must be restarted", cause);
    } else {
      LOG.log(Level.FINE, "another fatal fault in " + where, cause);
    }
  }

  /** Reports a thread's uncaught exception as fatal; for threads made by other factories. */
  public Thread.UncaughtExceptionHandler uncaughtExceptionHandler() {
    return (th, e) -> fatal("thread " + th.getName(), e);
  }

  /**
   * A factory of daemon threads named {@code prefix-N} whose uncaught exceptions are reported as
   * fatal.
   */
  public ThreadFactory threadFactory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setUncaughtExceptionHandler((th, e) -> fatal("thread " + th.getName(), e));
      return t;
    };
  }

  /** One daemon thread named exactly {@code name}, reporting uncaught exceptions as fatal. */
  public Thread newThread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.setUncaughtExceptionHandler((th, e) -> fatal("thread " + th.getName(), e));
    return t;
  }

  /**
   * Wraps a periodic task: anything it throws is reported as fatal (and rethrown, which ends
   * the schedule).
   */
  public Runnable guard(String task, Runnable body) {
    return () -> {
      try {
        body.run();
      } catch (RuntimeException | Error e) {
        fatal("task " + task, e);
        throw e;
      }
    };
  }
}
