package dev.rosetta.e2e.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU time and memory as Linux reports them in {@code /proc/PID/stat} and {@code /proc/PID/status}. */
final class ProcStats {
  private final String pid;
  private final long ticksPerSecond;

  ProcStats(String pid, long ticksPerSecond) {
    this.pid = pid;
    this.ticksPerSecond = ticksPerSecond;
  }

  /** User plus system CPU time of every thread of the process, in seconds (utime + stime). */
  double cpuSeconds() {
    String stat = read("stat");
    // the command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state), so utime (field 14) is f[11] and stime (field 15) is f[12]
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) ticksPerSecond;
  }

  /** Peak resident set size (VmHWM) in KiB. */
  long peakRssKib() {
    return statusKib("VmHWM:");
  }

  /** Current resident set size (VmRSS) in KiB. */
  long rssKib() {
    return statusKib("VmRSS:");
  }

  boolean alive() {
    return Files.exists(Path.of("/proc", pid, "stat"));
  }

  private long statusKib(String key) {
    for (String line : read("status").split("\n")) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("/proc/" + pid + "/status has no " + key);
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", pid, file));
    } catch (IOException e) {
      throw new UncheckedIOException("process " + pid + " is gone? reading /proc/" + pid + "/" + file, e);
    }
  }
}
