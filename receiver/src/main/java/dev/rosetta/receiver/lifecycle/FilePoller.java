package dev.rosetta.receiver.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checks the {@link WatchedFiles} of the service (bearer token files, htpasswd files, TLS
 * certificates, keys and client CAs) for changes every {@code interval}, on one thread named
 * {@code rosetta-file-watch}. The thread only reads small files and swaps references; a check that
 * throws unexpectedly is a fatal fault ({@link ServiceHealth#guard}). Start and close are
 * idempotent; close is safe before start.
 */
public final class FilePoller implements AutoCloseable {
  private final ServiceHealth health;
  private final Duration interval;
  private final List<WatchedFiles<?>> watched = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService executor;
  private boolean closed;

  public FilePoller(ServiceHealth health, Duration interval) {
    this.health = Objects.requireNonNull(health, "health");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.interval = interval;
  }

  /** Adds files to check; returns them. */
  public <T> WatchedFiles<T> watch(WatchedFiles<T> files) {
    watched.add(Objects.requireNonNull(files, "files"));
    return files;
  }

  /** Starts checking (nothing is started when there is nothing to watch). */
  public synchronized void start() {
    if (executor != null || closed || watched.isEmpty()) {
      return;
    }
    executor = Executors.newSingleThreadScheduledExecutor(health.threadFactory("rosetta-file-watch"));
    long ms = interval.toMillis();
    executor.scheduleWithFixedDelay(health.guard("checking credential files", this::checkAll), ms, ms,
        TimeUnit.MILLISECONDS);
  }

  /** Checks every watched file now, on the calling thread. */
  public void checkAll() {
    for (WatchedFiles<?> w : watched) {
      w.check();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }
}
