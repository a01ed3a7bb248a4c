package dev.rosetta.model.bench;

import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * View decisions per second on one thread, over the Go catalog names ({@code go}) and the running
 * JVM's platform MBean attribute names ({@code jvm}), decided by the default built-in sets (go, jvm)
 * or their stand-ins.
 *
 * <ul>
 *   <li>{@code cold}: the memo is bypassed ({@link ViewSet#decideUncached(String)}): parse, index
 *       lookup, pattern matching and building the decision, for every call.
 *   <li>{@code memoized}: {@link ViewSet#decide(String)} on names already decided: the steady state
 *       of a pipeline that sees the same names every scrape.
 * </ul>
 *
 * Run: {@code mvn -B -q -pl semantic-model -Pbench test-compile exec:exec} (see the pom's bench
 * profile for options).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class ViewDecisionBenchmark {
  @Param({"go", "jvm"})
  public String names;

  private String[] inputs;
  private ViewSet memoized;
  private ViewSet unmemoized;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    List<String> list = names.equals("go") ? BenchNames.goNames() : BenchNames.jvmNames();
    inputs = list.toArray(String[]::new);
    memoized = BenchNames.views(ViewSet.DEFAULT_MEMO_CAPACITY);
    unmemoized = BenchNames.views(0);
    int matched = 0;
    for (String name : inputs) {
      if (memoized.decide(name).matched()) {
        matched++;
      }
    }
    System.out.println();
    System.out.println("# " + names + ": " + inputs.length + " names, " + matched + " matched by "
        + memoized.views().size() + " views (" + BenchNames.viewsDescription() + ")");
  }

  private String nextName() {
    String name = inputs[next];
    if (++next == inputs.length) {
      next = 0;
    }
    return name;
  }

  @Benchmark
  public ViewDecision cold() {
    return unmemoized.decideUncached(nextName());
  }

  @Benchmark
  public ViewDecision memoized() {
    return memoized.decide(nextName());
  }
}
