package dev.rosetta.e2e;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * A child JVM that makes its collector work — young collections from steady allocation, a retained
 * set that ages into the old generation, and a full collection every few seconds — and writes what
 * HotSpot's GC notifications say: one line {@code <collector>\t<gcAction>} per collector and action
 * seen, to {@code OUT} (rewritten atomically after each new pair).
 *
 * <pre>GcWorkload OUT SECONDS</pre>
 */
public final class GcWorkload {
  private GcWorkload() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    long seconds = Long.parseLong(args[1]);
    Map<String, Boolean> seen = new ConcurrentSkipListMap<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        if (seen.putIfAbsent(info.getGcName() + "\t" + info.getGcAction(), Boolean.TRUE) == null) {
          write(out, seen);
        }
      }, null, null);
    }
    List<byte[]> retained = new ArrayList<>();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    for (long round = 0; System.nanoTime() < end; round++) {
      for (int i = 0; i < 20_000; i++) {
        byte[] b = new byte[512];
        if (i % 50 == 0) {
          retained.add(b);
        }
      }
      if (retained.size() > 40_000) {
        retained.subList(0, 20_000).clear();
      }
      if (round % 100 == 99) {
        System.gc();
      }
      Thread.sleep(10);
    }
  }

  private static synchronized void write(Path out, Map<String, Boolean> seen) {
    try {
      Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
      Files.writeString(tmp, String.join("\n", seen.keySet()) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
