package dev.rosetta.model.catalog.bench;

import java.util.Arrays;
import javax.management.JMException;

/**
 * The three collections of {@link JmxCollectBenchmark}, interleaved in rounds (read, jmx_exporter,
 * read + views, one after another in a random order, many times) so that a machine whose load
 * changes during the run slows all of them alike; prints the median time of each and the ratios. A check on the JMH figures
 * for a busy machine, not a replacement for them. Run after {@code test-compile}:
 * <pre>
 * mvn -B -q -pl semantic-model exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.rosetta.model.catalog.bench.InterleavedJmxComparison"
 * </pre>
 */
public final class InterleavedJmxComparison {
  private static final java.util.SplittableRandom RANDOM = new java.util.SplittableRandom(42);

  private InterleavedJmxComparison() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    JmxCollectBenchmark b = new JmxCollectBenchmark();
    b.setUp();
    org.openjdk.jmh.infra.Blackhole bh = new org.openjdk.jmh.infra.Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    long[][] warm = new long[4][rounds / 4];
    for (int i = 0; i < rounds / 4; i++) {
      round(b, bh, warm, i);
    }
    long[][] t = new long[4][rounds];
    for (int i = 0; i < rounds; i++) {
      round(b, bh, t, i);
    }
    String[] names = {"(a) read only", "(b) jmx_exporter", "(b') jmx_exporter, cached rules", "(c) read + views"};
    double[] median = new double[4];
    for (int k = 0; k < 4; k++) {
      Arrays.sort(t[k]);
      median[k] = t[k][rounds / 2] / 1000.0;
      System.out.printf("%-32s median %8.1f us  (%7.1f collections/s)%n", names[k], median[k], 1e6 / median[k]);
    }
    System.out.printf("(c) over (a): %+.1f%%   (c) vs (b): %.2fx faster   (c) vs (b'): %.2fx faster%n",
        100 * (median[3] / median[0] - 1), median[1] / median[3], median[2] / median[3]);
  }

  /**
   * One collection of each kind, in a random order: what runs right after jmx_exporter (its
   * garbage, the OperatingSystem MBean's own caching of recent reads) would otherwise always be
   * the same one.
   */
  private static void round(JmxCollectBenchmark b, org.openjdk.jmh.infra.Blackhole bh, long[][] t, int i)
      throws JMException {
    int[] order = {0, 1, 2, 3};
    for (int j = 3; j > 0; j--) {
      int r = RANDOM.nextInt(j + 1);
      int x = order[j];
      order[j] = order[r];
      order[r] = x;
    }
    for (int k : order) {
      long t0 = System.nanoTime();
      switch (k) {
        case 0 -> b.readOnly(bh);
        case 1 -> bh.consume(b.jmxExporter());
        case 2 -> bh.consume(b.jmxExporterCachedRules());
        default -> bh.consume(b.rosetta());
      }
      t[k][i] = System.nanoTime() - t0;
    }
  }
}
