package dev.rosetta.e2e;

/**
 * A JVM that does little for a while: the host of the Jolokia agent.
 *
 * <pre>IdleJvm SECONDS</pre>
 */
public final class IdleJvm {
  private IdleJvm() {}

  public static void main(String[] args) throws InterruptedException {
    long seconds = Long.parseLong(args[0]);
    for (long i = 0; i < seconds; i++) {
      byte[][] garbage = new byte[64][];
      for (int j = 0; j < garbage.length; j++) {
        garbage[j] = new byte[16 << 10];
      }
      Thread.sleep(1000);
    }
  }
}
