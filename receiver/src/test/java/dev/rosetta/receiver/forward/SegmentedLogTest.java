package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file queue's storage: append, read back, release, and what a restart finds after damage. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentedLogTest {
  @TempDir Path dir;

  private static final long FAR = Long.MAX_VALUE / 4;

  private SegmentedLog.Recovery recovery;
  private final AtomicLong syncs = new AtomicLong();

  private SegmentedLog open(boolean fsync, long segmentBytes) throws IOException {
    recovery = new SegmentedLog.Recovery();
    return SegmentedLog.open(dir, new SegmentedLog.Options(fsync, segmentBytes, n -> syncs.incrementAndGet()),
        recovery);
  }

  private SegmentedLog open() throws IOException {
    return open(false, SegmentedLog.DEFAULT_SEGMENT_BYTES);
  }

  private static byte[] payload(int i) {
    return ("request-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
  }

  private static SegmentedLog.Record append(SegmentedLog log, int i) throws Exception {
    return log.append(i + 1, payload(i), System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
  }

  private List<String> recoveredPayloads(SegmentedLog log) throws IOException {
    List<String> out = new ArrayList<>();
    for (SegmentedLog.Record r : recovery.records) {
      out.add(new String(log.read(r), StandardCharsets.UTF_8));
    }
    return out;
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(SegmentedLog.SEGMENT_SUFFIX)).sorted().toList();
    }
  }

  @Test
  void whatIsNotReleasedIsFoundAgainInOrderAfterARestart() throws Exception {
    List<SegmentedLog.Record> written = new ArrayList<>();
    try (SegmentedLog log = open()) {
      for (int i = 0; i < 10; i++) {
        written.add(append(log, i));
      }
      assertThat(new String(log.read(written.get(3)), StandardCharsets.UTF_8)).isEqualTo("request-3-xxx");
      for (int i : new int[] {0, 1, 5}) {
        log.release(written.get(i));
      }
    }
    try (SegmentedLog log = open()) {
      assertThat(recoveredPayloads(log)).containsExactly("request-2-xx", "request-3-xxx", "request-4-xxxx",
          "request-6-xxxxxx", "request-7-xxxxxxx", "request-8-xxxxxxxx", "request-9-xxxxxxxxx");
      assertThat(recovery.records).extracting(SegmentedLog.Record::points).containsExactly(3, 4, 5, 7, 8, 9, 10);
      assertThat(recovery.corruptedRecords).isZero();
      assertThat(recovery.problems).isEmpty();
      // new records get numbers after the old ones, in a segment of their own
      SegmentedLog.Record next = append(log, 10);
      assertThat(next.seq()).isGreaterThan(written.get(9).seq());
      assertThat(segments()).hasSize(2);
    }
  }

  @Test
  void aSegmentIsDeletedOnceEveryRecordInItIsReleased() throws Exception {
    try (SegmentedLog log = open(false, 200)) {
      List<SegmentedLog.Record> rs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        rs.add(append(log, i));
      }
      int files = segments().size();
      assertThat(files).isGreaterThanOrEqualTo(3);
      long before = log.bytes();
      for (SegmentedLog.Record r : rs.subList(0, 6)) {
        log.release(r);
      }
      assertThat(segments().size()).isLessThan(files);
      assertThat(log.bytes()).isLessThan(before);
      for (SegmentedLog.Record r : rs.subList(6, 12)) {
        log.release(r);
      }
      // only the segment being written stays
      assertThat(segments()).hasSize(1);
    }
    try (SegmentedLog log = open(false, 200)) {
      assertThat(recovery.records).isEmpty();
      assertThat(segments()).isEmpty();
      assertThat(log.bytes()).isZero();
    }
  }

  @Test
  void aRecordLargerThanASegmentGetsOneOfItsOwn() throws Exception {
    try (SegmentedLog log = open(false, 100)) {
      SegmentedLog.Record big = log.append(1, new byte[1000], FAR);
      SegmentedLog.Record small = append(log, 1);
      assertThat(log.read(big)).hasSize(1000);
      assertThat(small.segment()).isNotSameAs(big.segment());
    }
  }

  @Test
  void aTornTailIsReportedAndTheRestDelivered() throws Exception {
    try (SegmentedLog log = open()) {
      for (int i = 0; i < 5; i++) {
        append(log, i);
      }
    }
    Path seg = segments().get(0);
    long size = Files.size(seg);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(size - 5); // the last record loses its last bytes
    }
    try (SegmentedLog log = open()) {
      assertThat(recoveredPayloads(log)).hasSize(4).first().isEqualTo("request-0-");
      assertThat(recovery.corruptedRecords).isEqualTo(1);
      assertThat(recovery.problems).singleElement().asString().contains("cut short").contains("torn");
    }
  }

  @Test
  void aFlippedPayloadByteLosesThatRecordOnlyAndItsPointsAreKnown() throws Exception {
    List<SegmentedLog.Record> rs = new ArrayList<>();
    try (SegmentedLog log = open()) {
      for (int i = 0; i < 5; i++) {
        rs.add(append(log, i));
      }
    }
    flip(segments().get(0), rs.get(2).offset() + SegmentedLog.RECORD_HEADER_BYTES + 3);
    try (SegmentedLog log = open()) {
      assertThat(recoveredPayloads(log)).containsExactly("request-0-", "request-1-x", "request-3-xxx", "request-4-xxxx");
      assertThat(recovery.corruptedRecords).isEqualTo(1);
      assertThat(recovery.corruptedPoints).containsExactly(3);
      assertThat(recovery.problems).singleElement().asString().contains("payload checksum");
    }
  }

  @Test
  void aFlippedHeaderByteIsSkippedToTheNextIntactRecord() throws Exception {
    List<SegmentedLog.Record> rs = new ArrayList<>();
    try (SegmentedLog log = open()) {
      for (int i = 0; i < 6; i++) {
        rs.add(append(log, i));
      }
    }
    flip(segments().get(0), rs.get(1).offset() + 5); // the length field of record 2
    try (SegmentedLog log = open()) {
      assertThat(recoveredPayloads(log)).containsExactly("request-0-", "request-2-xx", "request-3-xxx",
          "request-4-xxxx", "request-5-xxxxx");
      assertThat(recovery.corruptedRecords).isEqualTo(1);
      assertThat(recovery.corruptedPoints).isEmpty(); // its header is gone: points unknown
      assertThat(recovery.problems).singleElement().asString().contains("1 records lost");
    }
  }

  @Test
  void garbageToTheEndAndADamagedFileHeaderDoNotStopTheStart() throws Exception {
    try (SegmentedLog log = open()) {
      for (int i = 0; i < 3; i++) {
        append(log, i);
      }
    }
    Path seg = segments().get(0);
    Files.write(seg, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
        23, 24, 25, 26, 27, 28, 29, 30}, java.nio.file.StandardOpenOption.APPEND);
    flip(seg, 2); // the magic
    try (SegmentedLog log = open()) {
      assertThat(recoveredPayloads(log)).hasSize(3);
      assertThat(recovery.corruptedRecords).isEqualTo(1);
      assertThat(recovery.corruptedBytes).isEqualTo(30);
      assertThat(recovery.problems).singleElement().asString().contains("file header is damaged")
          .contains("to the end are unreadable");
    }
  }

  @Test
  void aTornAckIsIgnoredAndLaterAcksStayAligned() throws Exception {
    List<SegmentedLog.Record> rs = new ArrayList<>();
    try (SegmentedLog log = open()) {
      for (int i = 0; i < 4; i++) {
        rs.add(append(log, i));
      }
      log.release(rs.get(0));
    }
    Path ack = dir.resolve(SegmentedLog.name(rs.get(0).segment().firstSeq, SegmentedLog.ACK_SUFFIX));
    Files.write(ack, new byte[] {0, 0, 0}, java.nio.file.StandardOpenOption.APPEND); // half an ack
    try (SegmentedLog log = open()) {
      assertThat(recovery.records).hasSize(3);
      log.release(recovery.records.get(0));
    }
    try (SegmentedLog log = open()) {
      assertThat(recoveredPayloads(log)).containsExactly("request-2-xx", "request-3-xxx");
    }
  }

  @Test
  void aRecordDamagedAfterItWasWrittenFailsItsChecksumOnRead() throws Exception {
    try (SegmentedLog log = open()) {
      SegmentedLog.Record r = append(log, 7);
      flip(r.segment().file, r.offset() + SegmentedLog.RECORD_HEADER_BYTES + 1);
      assertThatThrownBy(() -> log.read(r)).isInstanceOf(SegmentedLog.CorruptRecordException.class)
          .hasMessageContaining("payload checksum");
    }
  }

  @Test
  void oneProcessPerDirectory() throws Exception {
    SegmentedLog first = open();
    try {
      assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("in use");
    } finally {
      first.close();
    }
    open().close(); // released on close
  }

  @Test
  void groupCommitMakesEveryRecordDurableWithFewerSyncsThanRecords() throws Exception {
    int threads = 8;
    int each = 40;
    List<SegmentedLog.Record> all = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try (SegmentedLog log = open(true, 64 * 1024)) {
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread th = new Thread(() -> {
          try {
            for (int i = 0; i < each; i++) {
              SegmentedLog.Record r = append(log, id * 1000 + i);
              log.sync(r, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
              all.add(r);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        th.join();
      }
    }
    assertThat(failures).isEmpty();
    assertThat(all).hasSize(threads * each);
    System.out.printf("group commit: %d records, %d syncs%n", all.size(), syncs.get());
    assertThat(syncs.get()).isPositive().isLessThanOrEqualTo(threads * each);
    open().close();
    assertThat(recovery.records).hasSize(threads * each);
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5a);
    }
  }
}
