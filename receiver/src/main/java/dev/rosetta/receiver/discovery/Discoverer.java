package dev.rosetta.receiver.discovery;

import java.util.List;
import java.util.function.Consumer;

/**
 * A source of target groups. {@link #start} hands the initial groups and then every change to
 * {@code updates}, from the discoverer's own thread (never concurrently for one discoverer); {@link
 * #close} stops it. A discoverer that cannot reach its source keeps the groups it gave last, logs
 * the problem (once per kind) and tries again.
 */
public interface Discoverer extends AutoCloseable {
  /** Starts discovering. Called once. */
  void start(Consumer<List<TargetGroup>> updates);

  /** Stops; idempotent. */
  @Override
  void close();

  /** What the discoverer watches, for logs. */
  String describe();
}
