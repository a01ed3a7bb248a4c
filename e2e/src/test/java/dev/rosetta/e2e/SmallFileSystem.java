package dev.rosetta.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a given size mounted on a directory, to fill a disk on purpose. Mounting needs root
 * (CAP_SYS_ADMIN); where that is not allowed, {@link #mounted()} is false and {@link #why()} says
 * why, and the test uses another way to fill its queue.
 */
final class SmallFileSystem implements AutoCloseable {
  private final Path dir;
  private final boolean mounted;
  private final String why;

  private SmallFileSystem(Path dir, boolean mounted, String why) {
    this.dir = dir;
    this.mounted = mounted;
    this.why = why;
  }

  static SmallFileSystem mount(Path dir, String size) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0777", "tmpfs",
          dir.toString())).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new SmallFileSystem(dir, false, "mount did not finish");
      }
      return p.exitValue() == 0 ? new SmallFileSystem(dir, true, "")
          : new SmallFileSystem(dir, false, "mount failed: " + out);
    } catch (IOException e) {
      return new SmallFileSystem(dir, false, "mount cannot run: " + e.getMessage());
    }
  }

  boolean mounted() {
    return mounted;
  }

  String why() {
    return why;
  }

  @Override
  public void close() throws IOException {
    if (mounted) {
      // lazy: a process still holding a file there does not keep the test from finishing
      Process p = new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
