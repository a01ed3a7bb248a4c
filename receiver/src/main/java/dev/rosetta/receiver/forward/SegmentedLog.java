package dev.rosetta.receiver.forward;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * An append-only log of records kept in segment files, each record with checksums: the storage of
 * {@link FileQueue}. The shape is that of Prometheus's write-ahead log and vmagent's persistent
 * queue: records are only ever appended, never rewritten, and space is freed a whole segment at a
 * time, once every record in it is done; unlike vmagent's, a record that cannot be read back is
 * detected by its checksum and skipped alone.
 *
 * <h2>Files</h2>
 *
 * <p>In its directory, guarded by an exclusive lock on the file {@value #LOCK_FILE} (one process, one
 * log): segments {@code <first-seq>.seg} (20 decimal digits) and, next to each, the {@code .ack}
 * file listing its records that are done. All integers are big-endian.
 *
 * <pre>
 * segment     = file-header record*
 * file-header = magic "ROSETQL1" (8) | version 1 (u32) | reserved 0 (u32) | first-seq (u64)
 * record      = header-crc (u32) | payload-length (u32) | seq (u64) | points (u32) | payload-crc (u32) | payload
 *               header-crc: CRC-32C of the 20 header bytes after it; payload-crc: CRC-32C of the payload
 * ack file    = (index (u32) | CRC-32C of first-seq (u64) and index (u32))*     index = seq - first-seq
 * </pre>
 *
 * <p>Records get consecutive sequence numbers. A new segment starts when a record would make the
 * current one larger than the segment size (a record larger than that gets a segment of its own),
 * and at every start: after a crash, nothing is appended to a segment whose tail may be torn.
 *
 * <h2>Durability</h2>
 *
 * <p>{@link #append} writes the whole record with one gathering write into the file: from then on it
 * survives the process being killed (the data is in the kernel's page cache). With {@code fsync},
 * {@link #sync} also forces it to the device, sharing one {@code fdatasync} among all records
 * appended meanwhile (group commit): the first caller that finds its record not yet durable forces
 * the file, the others wait for it; a new segment's directory entry is forced as well. Acks are
 * written but never forced: losing one to a power loss only delivers its record once more (at least
 * once), it never loses one.
 *
 * <h2>Recovery</h2>
 *
 * <p>{@link #open} reads every segment: records whose checksums hold and that are not acked are
 * handed back, in order; a record whose header holds but whose payload does not is reported with
 * its point count; a damaged header is skipped by searching forward for the next header whose
 * checksum holds and whose sequence number follows, the records in between reported as lost; a
 * record cut short at the end of a file (a torn write) is reported too. Nothing found unreadable
 * stops the start. Segments with no record left to deliver are deleted.
 *
 * <h2>Threads</h2>
 *
 * <p>Thread-safe. {@link #append} and {@link #sync} run on the caller's thread (ingest threads) and
 * wait at most until their deadline: for the writer lock (one append at a time) and for the group
 * commit; {@link #read} (the batcher) uses positional reads and takes no lock; {@link #release}
 * (senders) takes the segment's monitor to write the ack and, for a segment's last record, to delete
 * it. The log starts no thread.
 */
final class SegmentedLog implements Closeable {
  static final String LOCK_FILE = "LOCK";
  static final String SEGMENT_SUFFIX = ".seg";
  static final String ACK_SUFFIX = ".ack";
  static final int FILE_HEADER_BYTES = 24;
  static final int RECORD_HEADER_BYTES = 24;
  static final int ACK_BYTES = 8;
  static final long DEFAULT_SEGMENT_BYTES = 8L << 20;
  private static final long MAGIC = 0x524f534554514c31L; // "ROSETQL1"
  private static final int VERSION = 1;

  /**
   * @param fsync force records to the device before {@link #sync} returns
   * @param segmentBytes the size at which a new segment starts
   * @param syncTimes told the duration in nanoseconds of every force
   */
  record Options(boolean fsync, long segmentBytes, LongConsumer syncTimes) {
    Options {
      Objects.requireNonNull(syncTimes, "syncTimes");
      if (segmentBytes < FILE_HEADER_BYTES + RECORD_HEADER_BYTES) {
        throw new IllegalArgumentException("segmentBytes too small: " + segmentBytes);
      }
    }
  }

  /**
   * Where a record is.
   *
   * @param offset of its header in the segment file
   * @param length of its payload
   * @param logEnd the log's total length once it was appended (for the group commit)
   */
  record Record(Segment segment, long seq, long offset, int length, int points, long logEnd) {}

  /** What {@link #open} found. */
  static final class Recovery {
    /** Records to deliver, oldest first. */
    final List<Record> records = new ArrayList<>();
    /** Point counts of records whose header was intact but whose payload was not. */
    final List<Integer> corruptedPoints = new ArrayList<>();
    /** Records lost to damage, those above included. */
    long corruptedRecords;
    long corruptedBytes;
    /** One line per damaged segment. */
    final List<String> problems = new ArrayList<>();
  }

  /** One segment file and its ack file. */
  static final class Segment {
    final long firstSeq;
    final Path file;
    final Path ackFile;
    final FileChannel channel;
    /** Bytes in the file. Written by the writer under the write lock. */
    long size;
    /** Records appended to this segment in this run. Writer only. */
    int appended;
    /** Records not yet done. Guarded by this. */
    int pending;
    /** No more appends. Guarded by this. */
    boolean sealed;
    /** Guarded by this. */
    boolean deleted;
    /** Guarded by this. */
    FileChannel ackChannel;
    /** Guarded by this. */
    long ackSize;

    Segment(long firstSeq, Path file, Path ackFile, FileChannel channel, long size) {
      this.firstSeq = firstSeq;
      this.file = file;
      this.ackFile = ackFile;
      this.channel = channel;
      this.size = size;
    }
  }

  /** The current end of the log and the file it is in, for a sync leader. */
  private record Tail(FileChannel channel, long end) {}

  private final Path dir;
  private final Options options;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final AtomicLong bytes = new AtomicLong();

  // writer state, guarded by writeLock
  private final ReentrantLock writeLock = new ReentrantLock();
  private Segment active;
  private long nextSeq = 1;
  private long logEnd;
  private boolean closed;
  private volatile Tail tail = new Tail(null, 0);

  // group commit, guarded by syncLock
  private final ReentrantLock syncLock = new ReentrantLock();
  private final Condition syncDone = syncLock.newCondition();
  private long durable;
  private boolean syncing;

  /** Every segment, by first sequence number, for close(). Guarded by itself. */
  private final TreeMap<Long, Segment> segments = new TreeMap<>();

  private SegmentedLog(Path dir, Options options, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (and recovers) the log in {@code dir}, which must exist; fills {@code recovery}.
   *
   * @throws IOException when the directory cannot be used, or another process holds its lock
   */
  static SegmentedLog open(Path dir, Options options, Recovery recovery) throws IOException {
    FileChannel lockChannel =
        FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException(dir + " is in use by another process (its " + LOCK_FILE + " file is locked)");
    }
    SegmentedLog log = new SegmentedLog(dir, options, lockChannel, lock);
    try {
      log.recover(recovery);
      return log;
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // writing

  /**
   * Appends a record; it is in the file when this returns (call {@link #sync} for the device).
   *
   * @throws TimeoutException when the writer lock was not free before the deadline
   * @throws IOException when the write failed (nothing of the record stays in the log)
   */
  Record append(int points, byte[] payload, long deadlineNanos) throws IOException, TimeoutException {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    int payloadCrc = (int) crc.getValue();
    try {
      if (!writeLock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new TimeoutException("another write held the file queue past the timeout");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to write", e);
    }
    try {
      if (closed) {
        throw new ClosedChannelException();
      }
      long need = RECORD_HEADER_BYTES + (long) payload.length;
      Segment seg = active;
      if (seg != null && seg.appended > 0 && seg.size + need > options.segmentBytes()) {
        seal(seg);
        seg = null;
      }
      if (seg == null) {
        seg = newSegment(nextSeq);
        active = seg;
      }
      long seq = nextSeq;
      ByteBuffer header = recordHeader(seq, payload.length, points, payloadCrc);
      try {
        write(seg, header, payload);
      } catch (IOException e) {
        if (!isNoSpace(e) || !isIdle(seg)) {
          throw e;
        }
        // The file system is full, and the segment being written holds nothing left to deliver: it
        // never fills up to be sealed, so free it and start over in a new one.
        seal(seg);
        seg = newSegment(nextSeq);
        active = seg;
        header.rewind();
        write(seg, header, payload);
      }
      long start = seg.size;
      nextSeq++;
      seg.size += need;
      seg.appended++;
      synchronized (seg) {
        seg.pending++;
      }
      bytes.addAndGet(need);
      logEnd += need;
      tail = new Tail(seg.channel, logEnd);
      return new Record(seg, seq, start, payload.length, points, logEnd);
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes one record at the end of {@code seg}; on failure takes what was written back out. */
  private void write(Segment seg, ByteBuffer header, byte[] payload) throws IOException {
    long start = seg.size;
    try {
      ByteBuffer[] bufs = {header, ByteBuffer.wrap(payload)};
      while (bufs[1].hasRemaining()) {
        seg.channel.write(bufs);
      }
    } catch (IOException e) {
      undo(seg, start);
      throw e;
    }
  }

  private static boolean isIdle(Segment seg) {
    synchronized (seg) {
      return seg.pending == 0 && seg.appended > 0 && !seg.sealed;
    }
  }

  /** Whether {@code e} says the file system is full. */
  static boolean isNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * With {@code fsync}, returns once {@code r} is on the device (group commit); at once without.
   *
   * @throws TimeoutException when that did not happen before the deadline
   * @throws IOException when forcing the file failed
   */
  void sync(Record r, long deadlineNanos) throws IOException, TimeoutException {
    if (!options.fsync()) {
      return;
    }
    syncLock.lock();
    try {
      while (durable < r.logEnd()) {
        if (!syncing) {
          syncing = true;
          Tail t = tail;
          IOException failure = null;
          syncLock.unlock();
          long t0 = System.nanoTime();
          try {
            t.channel().force(false);
          } catch (ClosedChannelException e) {
            // its segment was sealed (and forced) meanwhile: `durable` already covers it
          } catch (IOException e) {
            failure = e;
          } finally {
            options.syncTimes().accept(System.nanoTime() - t0);
            syncLock.lock();
          }
          syncing = false;
          if (failure == null) {
            durable = Math.max(durable, t.end());
          }
          syncDone.signalAll();
          if (failure != null) {
            throw failure;
          }
        } else {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            throw new TimeoutException("the file queue's sync did not finish within the timeout");
          }
          try {
            syncDone.awaitNanos(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the sync", e);
          }
        }
      }
    } finally {
      syncLock.unlock();
    }
  }

  private void markDurable(long end) {
    syncLock.lock();
    try {
      durable = Math.max(durable, end);
      syncDone.signalAll();
    } finally {
      syncLock.unlock();
    }
  }

  private static ByteBuffer recordHeader(long seq, int length, int points, int payloadCrc) {
    ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER_BYTES);
    h.putInt(0).putInt(length).putLong(seq).putInt(points).putInt(payloadCrc);
    CRC32C crc = new CRC32C();
    crc.update(h.array(), 4, RECORD_HEADER_BYTES - 4);
    h.putInt(0, (int) crc.getValue());
    h.flip();
    return h;
  }

  /** A new, empty segment starting at {@code firstSeq}. Writer lock held. */
  private Segment newSegment(long firstSeq) throws IOException {
    Path file = dir.resolve(name(firstSeq, SEGMENT_SUFFIX));
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      ByteBuffer h = ByteBuffer.allocate(FILE_HEADER_BYTES);
      h.putLong(MAGIC).putInt(VERSION).putInt(0).putLong(firstSeq).flip();
      while (h.hasRemaining()) {
        ch.write(h);
      }
      if (options.fsync()) {
        ch.force(true);
        forceDirectory();
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(file);
      throw e;
    }
    Segment s = new Segment(firstSeq, file, dir.resolve(name(firstSeq, ACK_SUFFIX)), ch, FILE_HEADER_BYTES);
    bytes.addAndGet(FILE_HEADER_BYTES);
    synchronized (segments) {
      segments.put(firstSeq, s);
    }
    return s;
  }

  /** Ends appends to {@code seg} (forced first with fsync). Writer lock held. */
  private void seal(Segment seg) throws IOException {
    if (options.fsync()) {
      seg.channel.force(false);
      markDurable(logEnd);
    }
    if (active == seg) {
      active = null;
    }
    synchronized (seg) {
      seg.sealed = true;
      if (seg.pending == 0) {
        delete(seg);
      }
    }
  }

  /** Takes a failed write back out of the file; if that fails too, the segment is sealed as it is. */
  private void undo(Segment seg, long start) {
    try {
      seg.channel.truncate(start);
      seg.channel.position(start);
    } catch (IOException e) {
      // its tail is damaged: recovery will skip what follows the last whole record; nothing more
      // goes into it
      active = null;
      synchronized (seg) {
        seg.sealed = true;
        if (seg.pending == 0) {
          delete(seg);
        }
      }
    }
  }

  /** Forces the directory, so that a new segment's name survives a power loss too. */
  private void forceDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // reading and releasing

  /** The payload of {@code r}, its checksums verified. */
  byte[] read(Record r) throws IOException, CorruptRecordException {
    ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER_BYTES);
    readFully(r.segment().channel, h, r.offset());
    h.flip();
    Header parsed = Header.parse(h.array(), 0);
    if (parsed == null || parsed.seq != r.seq() || parsed.length != r.length()) {
      throw new CorruptRecordException("record " + r.seq() + " in " + r.segment().file.getFileName()
          + ": header checksum mismatch on read");
    }
    byte[] payload = new byte[r.length()];
    readFully(r.segment().channel, ByteBuffer.wrap(payload), r.offset() + RECORD_HEADER_BYTES);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    if ((int) crc.getValue() != parsed.payloadCrc) {
      throw new CorruptRecordException("record " + r.seq() + " in " + r.segment().file.getFileName()
          + ": payload checksum mismatch on read");
    }
    return payload;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new CorruptRecordException("unexpected end of file at offset " + pos);
      }
      pos += n;
    }
  }

  /**
   * {@code r} is done (delivered, dropped, or never to be delivered): its ack is written, and its
   * segment deleted when it was the last pending record of a sealed segment.
   *
   * @throws IOException when the ack could not be written (the record would be delivered again
   *     after a restart); the record is released all the same
   */
  void release(Record r) throws IOException {
    Segment s = r.segment();
    synchronized (s) {
      if (s.deleted) {
        return;
      }
      IOException failure = null;
      try {
        writeAck(s, (int) (r.seq() - s.firstSeq));
      } catch (IOException e) {
        failure = e;
      }
      s.pending--;
      if (s.pending == 0 && s.sealed) {
        delete(s);
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Segment monitor held. */
  private void writeAck(Segment s, int index) throws IOException {
    if (s.ackChannel == null) {
      s.ackChannel = FileChannel.open(s.ackFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    }
    ByteBuffer b = ByteBuffer.allocate(ACK_BYTES).putInt(index).putInt(ackCrc(s.firstSeq, index));
    b.flip();
    while (b.hasRemaining()) {
      s.ackChannel.write(b);
    }
    s.ackSize += ACK_BYTES;
    bytes.addAndGet(ACK_BYTES);
  }

  private static int ackCrc(long firstSeq, int index) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(12).putLong(firstSeq).putInt(index).array());
    return (int) crc.getValue();
  }

  /** Segment monitor held. */
  private void delete(Segment s) {
    s.deleted = true;
    closeQuietly(s.channel);
    closeQuietly(s.ackChannel);
    try {
      Files.deleteIfExists(s.file);
      Files.deleteIfExists(s.ackFile);
    } catch (IOException e) {
      // left behind: the next start finds nothing pending in it (its acks) and deletes it then
    }
    bytes.addAndGet(-(s.size + s.ackSize));
    synchronized (segments) {
      segments.remove(s.firstSeq);
    }
  }

  /** Bytes of segment and ack files. */
  long bytes() {
    return bytes.get();
  }

  Path directory() {
    return dir;
  }

  /** Forces (with fsync) and closes every file and releases the directory lock. Idempotent. */
  @Override
  public void close() throws IOException {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (options.fsync() && active != null) {
        try {
          active.channel.force(false);
          markDurable(logEnd);
        } catch (IOException e) {
          // what was not forced was never acknowledged as durable
        }
      }
      List<Segment> all;
      synchronized (segments) {
        all = new ArrayList<>(segments.values());
      }
      for (Segment s : all) {
        synchronized (s) {
          closeQuietly(s.channel);
          closeQuietly(s.ackChannel);
        }
      }
    } finally {
      writeLock.unlock();
      try {
        lock.release();
      } catch (IOException e) {
        // closing the channel releases it too
      }
      lockChannel.close();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing left to do with it
      }
    }
  }

  static String name(long firstSeq, String suffix) {
    return String.format("%020d%s", firstSeq, suffix);
  }

  // ---------------------------------------------------------------------------------------------
  // recovery

  private record Header(int length, long seq, int points, int payloadCrc) {
    /** The header at {@code off} when its checksum holds, else null. */
    static Header parse(byte[] b, int off) {
      ByteBuffer h = ByteBuffer.wrap(b, off, RECORD_HEADER_BYTES);
      int stored = h.getInt();
      CRC32C crc = new CRC32C();
      crc.update(b, off + 4, RECORD_HEADER_BYTES - 4);
      if ((int) crc.getValue() != stored) {
        return null;
      }
      int length = h.getInt();
      long seq = h.getLong();
      int points = h.getInt();
      int payloadCrc = h.getInt();
      if (length < 0 || points < 0) {
        return null;
      }
      return new Header(length, seq, points, payloadCrc);
    }
  }

  private void recover(Recovery out) throws IOException {
    TreeMap<Long, Path> found = new TreeMap<>();
    List<Path> acks = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.endsWith(SEGMENT_SUFFIX) && n.length() == 20 + SEGMENT_SUFFIX.length()) {
          try {
            found.put(Long.parseLong(n.substring(0, 20)), p);
          } catch (NumberFormatException e) {
            out.problems.add("ignored " + n + ": not a segment name");
          }
        } else if (n.endsWith(ACK_SUFFIX)) {
          acks.add(p);
        }
      }
    }
    long maxSeq = 0;
    for (var e : found.entrySet()) {
      long first = e.getKey();
      maxSeq = Math.max(maxSeq, first);
      maxSeq = Math.max(maxSeq, recoverSegment(first, e.getValue(), out));
    }
    for (Path ack : acks) {
      String n = ack.getFileName().toString();
      if (!Files.exists(ack.resolveSibling(n.substring(0, n.length() - ACK_SUFFIX.length()) + SEGMENT_SUFFIX))) {
        Files.deleteIfExists(ack); // its segment was deleted; the process stopped before the ack file went
      }
    }
    nextSeq = maxSeq + 1;
  }

  /** Recovers one segment; returns the highest sequence number read in it. */
  private long recoverSegment(long firstSeq, Path file, Recovery out) throws IOException {
    byte[] b = Files.readAllBytes(file);
    Path ackFile = dir.resolve(name(firstSeq, ACK_SUFFIX));
    BitSet acked = readAcks(ackFile, firstSeq);
    String where = file.getFileName().toString();
    long corruptRecords = 0;
    long corruptBytes = 0;
    List<String> notes = new ArrayList<>();
    List<Record> records = new ArrayList<>();
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    Segment seg = new Segment(firstSeq, file, ackFile, ch, b.length);
    long maxSeq = 0;

    int pos = FILE_HEADER_BYTES;
    if (b.length < FILE_HEADER_BYTES || ByteBuffer.wrap(b).getLong(0) != MAGIC
        || ByteBuffer.wrap(b).getLong(16) != firstSeq) {
      notes.add("its file header is damaged");
      pos = Math.min(b.length, FILE_HEADER_BYTES);
    }
    long expected = firstSeq;
    while (pos < b.length) {
      Header h = b.length - pos >= RECORD_HEADER_BYTES ? Header.parse(b, pos) : null;
      if (h != null && h.seq >= expected) {
        long end = (long) pos + RECORD_HEADER_BYTES + h.length;
        if (end > b.length) {
          corruptBytes += b.length - pos;
          if (!isAcked(acked, firstSeq, h.seq)) {
            corruptRecords++;
          }
          notes.add("record " + h.seq + " is cut short at the end (a torn write)");
          break;
        }
        CRC32C crc = new CRC32C();
        crc.update(b, pos + RECORD_HEADER_BYTES, h.length);
        boolean acknowledged = isAcked(acked, firstSeq, h.seq);
        if ((int) crc.getValue() == h.payloadCrc) {
          if (!acknowledged) {
            records.add(new Record(seg, h.seq, pos, h.length, h.points, 0));
          }
        } else if (!acknowledged) {
          corruptRecords++;
          corruptBytes += end - pos;
          out.corruptedPoints.add(h.points);
          notes.add("record " + h.seq + " (" + h.points + " points) fails its payload checksum");
        }
        maxSeq = Math.max(maxSeq, h.seq);
        expected = h.seq + 1;
        pos = (int) end;
        continue;
      }
      // a damaged header: find the next record whose header holds and whose number follows
      int next = findNextHeader(b, pos + 1, expected);
      int stop = next < 0 ? b.length : next;
      corruptBytes += stop - pos;
      if (next < 0) {
        corruptRecords++;
        notes.add((b.length - pos) + " bytes from offset " + pos + " to the end are unreadable");
        break;
      }
      Header h2 = Header.parse(b, next);
      long lost = 0;
      for (long s = expected; s < h2.seq; s++) {
        if (!isAcked(acked, firstSeq, s)) {
          lost++;
        }
      }
      corruptRecords += lost;
      notes.add((next - pos) + " bytes from offset " + pos + " are unreadable (" + lost + " records lost)");
      pos = next;
    }
    for (Record r : records) {
      out.records.add(r);
    }
    out.corruptedRecords += corruptRecords;
    out.corruptedBytes += corruptBytes;
    if (!notes.isEmpty()) {
      out.problems.add(where + ": " + String.join("; ", notes));
    }
    // a torn last ack would misalign the acks appended from now on
    if (Files.exists(ackFile)) {
      long size = Files.size(ackFile);
      if (size % ACK_BYTES != 0) {
        try (FileChannel a = FileChannel.open(ackFile, StandardOpenOption.WRITE)) {
          a.truncate(size - size % ACK_BYTES);
        }
      }
      seg.ackSize = size - size % ACK_BYTES;
    }
    synchronized (seg) {
      seg.sealed = true;
      seg.pending = records.size();
    }
    bytes.addAndGet(seg.size + seg.ackSize);
    synchronized (segments) {
      segments.put(firstSeq, seg);
    }
    if (records.isEmpty()) {
      synchronized (seg) {
        delete(seg);
      }
    }
    return maxSeq;
  }

  private static boolean isAcked(BitSet acked, long firstSeq, long seq) {
    long index = seq - firstSeq;
    return index >= 0 && index < Integer.MAX_VALUE && acked.get((int) index);
  }

  /** The offset of the next intact header after {@code from} numbered {@code expected} or later, or -1. */
  private static int findNextHeader(byte[] b, int from, long expected) {
    long most = (b.length - from) / RECORD_HEADER_BYTES + 1;
    ByteBuffer bb = ByteBuffer.wrap(b);
    for (int p = from; p + RECORD_HEADER_BYTES <= b.length; p++) {
      long seq = bb.getLong(p + 8);
      if (seq < expected || seq - expected > most) {
        continue; // cheap test before the checksum
      }
      Header h = Header.parse(b, p);
      if (h != null && h.seq >= expected && h.seq - expected <= (b.length - from) / RECORD_HEADER_BYTES + 1
          && (long) p + RECORD_HEADER_BYTES + h.length <= b.length) {
        return p;
      }
    }
    return -1;
  }

  private static BitSet readAcks(Path ackFile, long firstSeq) throws IOException {
    BitSet acked = new BitSet();
    if (!Files.exists(ackFile)) {
      return acked;
    }
    byte[] a = Files.readAllBytes(ackFile);
    ByteBuffer bb = ByteBuffer.wrap(a);
    for (int p = 0; p + ACK_BYTES <= a.length; p += ACK_BYTES) {
      int index = bb.getInt(p);
      if (index >= 0 && bb.getInt(p + 4) == ackCrc(firstSeq, index)) {
        acked.set(index);
      }
    }
    return acked;
  }

  /** A record's checksums do not hold. */
  static final class CorruptRecordException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptRecordException(String message) {
      super(message);
    }
  }
}
