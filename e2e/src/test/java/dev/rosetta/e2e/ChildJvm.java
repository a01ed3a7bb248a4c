package dev.rosetta.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A child JVM running a main class of the test classpath, its output in a log file. */
final class ChildJvm implements AutoCloseable {
  private final Process process;

  private ChildJvm(Process process) {
    this.process = process;
  }

  static ChildJvm start(String what, Path log, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    return start(Peers.java(), what, log, jvmOptions, main, args);
  }

  /** A child JVM of another JDK ({@code java} its launcher); the test classes are Java 17 bytecode. */
  static ChildJvm start(Path java, String what, Path log, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(Peers.testClasspath());
    command.add(main.getName());
    command.addAll(List.of(args));
    PeerLogs.register(log, what);
    return new ChildJvm(new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  /** SIGKILL; waits for the exit. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Stops the JVM (SIGTERM, then SIGKILL after 15 s). */
  void stop() {
    Peers.terminate(process, Duration.ofSeconds(15));
  }

  @Override
  public void close() {
    Peers.terminate(process, Duration.ofSeconds(15));
  }
}
