package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.ComponentId;
import dev.rosetta.receiver.config.FileStorageConfig;
import dev.rosetta.receiver.config.QueueConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A sending queue kept on disk by the {@code file_storage} extension, in a {@link SegmentedLog}
 * under {@code <directory>/exporter_otlp[_<name>]_metrics}: keyed by the exporter's id, so that the
 * queue survives a change of the downstream's address, and two exporters never share a log.
 *
 * <p>A request is written (and with {@code fsync: true} forced to the device) by {@link #reserve},
 * before its sender is answered; after a crash or a stop, the next start delivers every record that
 * is not marked done, in order, at least once. What {@link #reserve} writes and is then {@linkplain
 * #abort aborted} is marked done at once. See {@link ExportQueue} for the contract.
 *
 * <p>Thread-safe. {@link #reserve} runs on ingest threads and may wait up to {@code
 * file_storage.timeout} for the write lock and the group commit; past it the request is refused
 * ({@link RefusalReason#STORAGE_ERROR}), as it is when the disk is full ({@link
 * RefusalReason#STORAGE_FULL}): back-pressure, never a request accepted and lost. {@link #load}
 * reads on the batcher thread, {@link #done} writes acks on sender threads. It starts no thread.
 */
final class FileQueue extends WaitingLine {
  private static final Logger LOG = Logger.getLogger(FileQueue.class.getName());

  private final SegmentedLog log;
  private final Duration timeout;
  private final String exporter;
  private final RateLimitedLog writeLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final RateLimitedLog ackLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  private static final class Entry extends QueueEntry {
    final SegmentedLog.Record record;

    Entry(SegmentedLog.Record record, long units) {
      super(record.points(), units);
      this.record = record;
    }
  }

  private FileQueue(SegmentedLog log, Capacity capacity, Duration timeout, String exporter) {
    super(capacity);
    this.log = log;
    this.timeout = timeout;
    this.exporter = exporter;
  }

  /**
   * Opens the queue of {@code exporter}, and puts what an earlier run left in it back in the
   * queue, counted as recovered (and what is unreadable as corrupted) in {@code books}.
   *
   * @throws IOException when the directory is missing (and not to be created), not writable, or
   *     locked by another process; the message says which and where
   */
  static FileQueue open(ComponentId exporter, FileStorageConfig storage, QueueConfig queue,
      ExportAccounting books) throws IOException {
    Path base = storage.directory();
    if (!Files.isDirectory(base)) {
      if (Files.exists(base)) {
        throw new IOException("file_storage " + storage.id() + ": " + base + " is not a directory");
      }
      if (!storage.createDirectory()) {
        throw new IOException("file_storage " + storage.id() + ": directory " + base
            + " does not exist (create it, or set create_directory: true)");
      }
      createDirectories(base, storage.directoryPermissions());
    }
    Path dir = base.resolve(directoryName(exporter));
    if (!Files.isDirectory(dir)) {
      createDirectories(dir, storage.directoryPermissions());
    }
    if (!Files.isWritable(dir)) {
      throw new IOException("file_storage " + storage.id() + ": directory " + dir + " is not writable by this"
          + " process");
    }
    SegmentedLog.Recovery found = new SegmentedLog.Recovery();
    SegmentedLog log;
    try {
      log = SegmentedLog.open(dir, new SegmentedLog.Options(storage.fsync(), SegmentedLog.DEFAULT_SEGMENT_BYTES,
          books::synced), found);
    } catch (IOException e) {
      throw new IOException("file_storage " + storage.id() + " for exporter " + exporter + ": " + e.getMessage(), e);
    }
    FileQueue q = new FileQueue(log, new Capacity(queue.sizer(), queue.queueSize()), storage.timeout(),
        exporter.toString());
    q.restore(found, books, dir);
    return q;
  }

  /** The subdirectory of exporter {@code id}: {@code exporter_<type>[_<name>]_metrics}, escaped. */
  static String directoryName(ComponentId id) {
    StringBuilder b = new StringBuilder("exporter_").append(id.type());
    if (!id.name().isEmpty()) {
      b.append('_');
      for (byte c : id.name().getBytes(StandardCharsets.UTF_8)) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
          b.append((char) c);
        } else {
          b.append('~').append(String.format(Locale.ROOT, "%02x", c & 0xff));
        }
      }
    }
    return b.append("_metrics").toString();
  }

  /**
   * Logs the queue directories under {@code base} that belong to no configured exporter: what they
   * hold is not delivered, and they are left as they are.
   */
  static void reportUnused(Path base, Set<String> used) {
    if (!Files.isDirectory(base)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, "exporter_*_metrics")) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!used.contains(n) && Files.isDirectory(p)) {
          long bytes = 0;
          try (DirectoryStream<Path> files = Files.newDirectoryStream(p, "*" + SegmentedLog.SEGMENT_SUFFIX)) {
            for (Path f : files) {
              bytes += Files.size(f);
            }
          }
          if (bytes > 0) {
            LOG.warning("file queue " + p + " belongs to no configured exporter: its " + bytes
                + " bytes are not delivered (restore the exporter's id to deliver them, or delete the directory)");
          }
        }
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "could not list " + base, e);
    }
  }

  private static void createDirectories(Path dir, int mode) throws IOException {
    try {
      Files.createDirectories(dir);
      try {
        Files.setPosixFilePermissions(dir, permissions(mode));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its defaults apply
      }
    } catch (FileAlreadyExistsException e) {
      throw new IOException(dir + " exists and is not a directory", e);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    String rwx = "rwxrwxrwx";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    out.addAll(PosixFilePermissions.fromString(s.toString()));
    return out;
  }

  private void restore(SegmentedLog.Recovery found, ExportAccounting books, Path dir) {
    long points = 0;
    for (SegmentedLog.Record r : found.records) {
      long units = switch (capacity.sizer()) {
        case REQUESTS -> 1;
        case ITEMS -> r.points();
        case BYTES -> r.length();
      };
      capacity.force(units);
      books.recovered(r.points());
      points += r.points();
      commit(new Entry(r, units));
    }
    for (int p : found.corruptedPoints) {
      books.recovered(p);
      books.droppedFromQueue(DropReason.CORRUPTED, p);
    }
    books.corrupted(found.corruptedRecords, found.corruptedBytes);
    if (!found.records.isEmpty()) {
      LOG.info("exporter " + exporter + ": file queue " + dir + " holds " + found.records.size()
          + " requests (" + points + " points) from an earlier run; delivering them first");
    }
    for (String problem : found.problems) {
      LOG.warning("exporter " + exporter + ": file queue " + dir + ": " + problem);
    }
    if (found.corruptedRecords > 0) {
      LOG.warning("exporter " + exporter + ": file queue " + dir + ": " + found.corruptedRecords
          + " records (" + found.corruptedBytes + " bytes) were unreadable and are not delivered;"
          + " the intact records are");
    }
  }

  @Override
  public QueueEntry reserve(ExportMetricsServiceRequest request, int points) throws QueueRefusal {
    long units = capacity.units(request, points, -1);
    if (!capacity.tryTake(units)) {
      throw new QueueRefusal(RefusalReason.QUEUE_FULL, "the sending queue is full");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    SegmentedLog.Record r = null;
    try {
      r = log.append(points, request.toByteArray(), deadline);
      log.sync(r, deadline);
      return new Entry(r, units);
    } catch (TimeoutException | IOException e) {
      capacity.release(units);
      if (r != null) {
        releaseQuietly(r);
      }
      boolean full = SegmentedLog.isNoSpace(e);
      String why = full ? "the file system is full" : e instanceof TimeoutException
          ? "the write did not finish within " + timeout.toMillis() + "ms" : e.toString();
      writeLog.log(Level.WARNING, () -> "exporter " + exporter + ": file queue " + log.directory()
          + " cannot take requests (" + why + "); senders are told to retry later");
      throw new QueueRefusal(full ? RefusalReason.STORAGE_FULL : RefusalReason.STORAGE_ERROR, why);
    }
  }

  @Override
  public void abort(QueueEntry entry) {
    capacity.release(entry.units());
    releaseQuietly(((Entry) entry).record);
  }

  @Override
  public Payload load(QueueEntry entry) throws UnreadableEntry {
    SegmentedLog.Record r = ((Entry) entry).record;
    try {
      return new Payload.Bytes(log.read(r));
    } catch (SegmentedLog.CorruptRecordException e) {
      throw new UnreadableEntry(DropReason.CORRUPTED, e.getMessage(), e);
    } catch (IOException e) {
      throw new UnreadableEntry(DropReason.STORAGE_ERROR, "record " + r.seq() + " could not be read: " + e, e);
    }
  }

  @Override
  public void done(QueueEntry entry) {
    releaseQuietly(((Entry) entry).record);
  }

  private void releaseQuietly(SegmentedLog.Record r) {
    try {
      log.release(r);
    } catch (IOException e) {
      ackLog.log(Level.WARNING, () -> "exporter " + exporter + ": file queue " + log.directory()
          + ": cannot mark delivered requests as done (" + e + "); they will be delivered again after a restart");
    }
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public long storageBytes() {
    return log.bytes();
  }

  /** Entries left are kept on disk for the next start. */
  @Override
  public void close() throws IOException {
    log.close();
  }
}
