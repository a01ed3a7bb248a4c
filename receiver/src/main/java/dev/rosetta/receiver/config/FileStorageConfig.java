package dev.rosetta.receiver.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code file_storage} extension, as the OpenTelemetry Collector declares it: a directory where
 * exporters whose {@code sending_queue.storage} names this extension keep their queue, so that what
 * the service acknowledged survives a crash or a restart.
 *
 * <p>Each exporter queues under its own subdirectory, named after the exporter's id ({@code
 * exporter_otlp_metrics}, {@code exporter_otlp_b_metrics}), never after its endpoint: the queue
 * survives a change of downstream address.
 *
 * @param id the id the extension was declared under
 * @param directory where the queues live; relative names resolve against the configuration file's
 *     directory
 * @param fsync {@code true}: a request is forced to the storage device ({@code fdatasync}, one
 *     group commit for the requests written meanwhile) before the sender gets its answer, so it
 *     survives a power loss or a kernel crash; {@code false} (the Collector's default): written to
 *     the file (the operating system's page cache) before the answer, which survives the process
 *     being killed but not the machine going down
 * @param timeout how long an export request may wait for its write (and sync) before it is
 *     refused with a retryable status
 * @param createDirectory create {@code directory} (and its parents) when missing
 * @param directoryPermissions the mode of directories this extension creates, e.g. {@code 0750}
 */
public record FileStorageConfig(
    ComponentId id,
    Path directory,
    boolean fsync,
    Duration timeout,
    boolean createDirectory,
    int directoryPermissions)
    implements ExtensionConfig {
  public static final String TYPE = "file_storage";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_DIRECTORY_PERMISSIONS = 0750;

  public FileStorageConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(timeout, "timeout");
    if (!id.type().equals(TYPE)) {
      throw new IllegalArgumentException("not a " + TYPE + " id: " + id);
    }
    if (directory.toString().isEmpty()) {
      throw new IllegalArgumentException("directory must not be empty");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (directoryPermissions < 0 || directoryPermissions > 0777) {
      throw new IllegalArgumentException(
          "directoryPermissions must be a mode 0000..0777: " + Integer.toOctalString(directoryPermissions));
    }
  }

  /** {@code directory} with every other setting on its default. */
  public static FileStorageConfig of(ComponentId id, Path directory) {
    return new FileStorageConfig(id, directory, false, DEFAULT_TIMEOUT, false, DEFAULT_DIRECTORY_PERMISSIONS);
  }

  /** These settings with {@code fsync} set as given. */
  public FileStorageConfig withFsync(boolean on) {
    return new FileStorageConfig(id, directory, on, timeout, createDirectory, directoryPermissions);
  }
}
