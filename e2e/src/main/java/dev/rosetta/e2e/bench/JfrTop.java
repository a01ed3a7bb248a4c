package dev.rosetta.e2e.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording: the methods where CPU samples land ({@code jdk.ExecutionSample}, by top
 * frame and by the first frame in Rosetta's own code) and where the sampled allocations happen
 * ({@code jdk.ObjectAllocationSample}, weighted by bytes, by class and first Rosetta frame).
 *
 * <pre>java -cp receiver/target/rosetta.jar:e2e/target/classes dev.rosetta.e2e.bench.JfrTop FILE.jfr [TOP]</pre>
 */
public final class JfrTop {
  private JfrTop() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: JfrTop FILE.jfr [TOP]");
      System.exit(2);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Map<String, Long> selfCpu = new HashMap<>();
    Map<String, Long> ownCpu = new HashMap<>();
    Map<String, Long> allocBytes = new HashMap<>();
    Map<String, Long> allocClass = new HashMap<>();
    long samples = 0;
    long allocTotal = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = e.getEventType().getName();
      RecordedStackTrace st = e.getStackTrace();
      if (st == null || st.getFrames().isEmpty()) {
        continue;
      }
      if (type.equals("jdk.ExecutionSample")) {
        samples++;
        selfCpu.merge(frame(st.getFrames().get(0)), 1L, Long::sum);
        ownCpu.merge(firstOwn(st.getFrames()), 1L, Long::sum);
      } else if (type.equals("jdk.ObjectAllocationSample")) {
        long w = e.getLong("weight");
        allocTotal += w;
        String cls = e.getClass("objectClass").getName();
        allocClass.merge(cls, w, Long::sum);
        allocBytes.merge(cls + " at " + firstOwn(st.getFrames()), w, Long::sum);
      }
    }
    print("CPU samples by top frame", selfCpu, samples, top);
    print("CPU samples by first Rosetta frame", ownCpu, samples, top);
    print("allocated bytes (sampled) by class", allocClass, allocTotal, top);
    print("allocated bytes (sampled) by class and first Rosetta frame", allocBytes, allocTotal, top);
  }

  private static String firstOwn(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      if (f.getMethod() != null && f.getMethod().getType().getName().startsWith("dev.rosetta.")) {
        return frame(f);
      }
    }
    return "(no Rosetta frame) " + frame(frames.get(0));
  }

  private static String frame(RecordedFrame f) {
    if (f.getMethod() == null) {
      return "?";
    }
    String cls = f.getMethod().getType().getName();
    return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
  }

  private static void print(String title, Map<String, Long> counts, long total, int top) {
    System.out.printf(Locale.ROOT, "%s (total %,d):%n", title, total);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, total),
            en.getKey()));
  }
}
