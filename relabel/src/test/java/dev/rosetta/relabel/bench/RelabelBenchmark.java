package dev.rosetta.relabel.bench;

import dev.rosetta.model.Labels;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelConfig;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Label sets relabelled per second, one thread: a typical 5-rule config (keep, replace with a
 * capture group, labelmap, labeldrop, hashmod) and a 20-rule config, on 10-label inputs drawn in
 * turn from a pool of 4096 distinct sets.
 *
 * <p>{@code values=targets}: the pool is 256 targets (instance and pod) exposing 16 series each,
 * as a scrape or a push of a fleet looks. {@code values=distinct}: every instance and pod value is
 * new, so that regexes the engine cannot shortcut miss their result cache: the worst case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RelabelBenchmark {
  private static final int POOL = 4096;

  @Param({"5", "20"})
  int rules;

  @Param({"targets", "distinct"})
  String values;

  private RelabelRules compiled;
  private Labels[] inputs;
  private int next;

  @Setup
  public void setUp() throws RelabelException {
    compiled =
        RelabelRules.compile(rules == 5 ? fiveRules() : twentyRules(), NameValidation.UTF8);
    String[] names = {"http_requests_total", "process_cpu_seconds_total", "node_load1",
        "http_request_duration_seconds_bucket"};
    inputs = new Labels[POOL];
    for (int i = 0; i < POOL; i++) {
      int target = values.equals("distinct") ? i : i % 256;
      inputs[i] =
          Labels.of(
              "__name__", names[i % names.length],
              "instance", "10.0." + (target / 256) + "." + (target % 256) + ":9100",
              "job", "node",
              "namespace", "ns-" + (target % 7),
              "pod", "api-7d9f" + (target % 13) + "-x" + target,
              "label_app", "api",
              "label_team", "team-" + (i % 5),
              "method", (i % 2 == 0) ? "GET" : "POST",
              "code", Integer.toString(200 + (i % 5) * 100),
              "tmp_trace", "t" + i);
    }
  }

  static List<RelabelConfig> fiveRules() {
    return List.of(
        RelabelConfig.builder().action("keep").sourceLabels("__name__")
            .regex("http_.*|process_.*|node_.*").build(),
        RelabelConfig.builder().sourceLabels("instance").regex("(.+):\\d+")
            .targetLabel("host").replacement("$1").build(),
        RelabelConfig.builder().action("labelmap").regex("label_(.+)").build(),
        RelabelConfig.builder().action("labeldrop").regex("tmp_.*").build(),
        RelabelConfig.builder().action("hashmod").sourceLabels("instance").modulus(16)
            .targetLabel("shard").build());
  }

  static List<RelabelConfig> twentyRules() {
    List<RelabelConfig> r = new ArrayList<>(fiveRules());
    r.add(RelabelConfig.builder().action("drop").sourceLabels("__name__")
        .regex("go_.*|scrape_.*").build());
    r.add(RelabelConfig.builder().targetLabel("cluster").replacement("prod-eu").build());
    r.add(RelabelConfig.builder().targetLabel("region").replacement("eu-west-1").build());
    r.add(RelabelConfig.builder().sourceLabels("namespace", "pod").separator("/")
        .targetLabel("workload").build());
    r.add(RelabelConfig.builder().sourceLabels("pod").regex("(.+)-[a-z0-9]+-[a-z0-9]+")
        .targetLabel("deployment").replacement("$1").build());
    r.add(RelabelConfig.builder().action("lowercase").sourceLabels("method")
        .targetLabel("method").build());
    r.add(RelabelConfig.builder().action("drop").sourceLabels("code").regex("5..").build());
    r.add(RelabelConfig.builder().sourceLabels("code").regex("(\\d)\\d\\d")
        .targetLabel("code_class").replacement("${1}xx").build());
    r.add(RelabelConfig.builder().action("labeldrop").regex("label_.*").build());
    r.add(RelabelConfig.builder().action("keep").sourceLabels("job").regex("node|api").build());
    r.add(RelabelConfig.builder().sourceLabels("__name__").regex("(.*)_total")
        .targetLabel("__name__").replacement("${1}_count_total").build());
    r.add(RelabelConfig.builder().action("dropequal").sourceLabels("host")
        .targetLabel("pod").build());
    r.add(RelabelConfig.builder().action("uppercase").sourceLabels("team")
        .targetLabel("team_id").build());
    r.add(RelabelConfig.builder().action("labelkeep")
        .regex("__name__|instance|job|namespace|pod|host|shard|app|team|team_id|method|code"
            + "|code_class|cluster|region|workload|deployment").build());
    r.add(RelabelConfig.builder().action("hashmod").sourceLabels("__name__", "instance")
        .modulus(4).targetLabel("replica").build());
    return r;
  }

  @Benchmark
  public Labels relabel() {
    Labels in = inputs[next];
    next = (next + 1) & (POOL - 1);
    return compiled.apply(in);
  }
}
