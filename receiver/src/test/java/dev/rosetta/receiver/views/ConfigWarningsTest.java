package dev.rosetta.receiver.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.view.BuiltinViews;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.FileCheck;
import dev.rosetta.receiver.cli.ValidateCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ConfigWarningsTest {
  static final List<String> SETS = BuiltinViews.NAMES;

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int validate(Path file) {
    return ValidateCommand.run(new String[] {"validate", "--config", file.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
  }

  private List<String> warnings(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("rosetta.yaml"), yaml);
    ConfigCheck.Result r = ConfigCheck.run(file, Map.of(), FileCheck.readable());
    assertThat(r.errors()).isEmpty();
    return r.warnings();
  }

  @Test
  void aRuleThatCanNeverHaveAnEffectIsAWarningAndTheFileStaysValid() throws Exception {
    Path file = Files.writeString(dir.resolve("rosetta.yaml"),
        """
        relabel:
          input:
            - action: labeldrop
              regex: otel_scope_.*
        """);
    assertThat(validate(file)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(file + ": configuration is valid\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
        "warning: " + file + ":4:14: relabel.input[0].regex: rule 1: labeldrop \"otel_scope_.*\" can never"
            + " have an effect: otel_scope_name and otel_scope_version come from the instrumentation scope when"
            + " the series is exposed, after the input stage\n");
  }

  @Test
  void relabelProcessorsArePlacedByThePipelineAndCheckedAsTheStageTheyStandFor() throws Exception {
    List<String> w = warnings(
        """
        receivers:
          otlp:
            protocols: {http: {endpoint: "127.0.0.1:0"}}
        processors:
          relabel/raw:
            metric_relabel_configs:
              - action: labeldrop
                regex: otel_scope_.*
          relabel/late:
            metric_relabel_configs:
              - action: labeldrop
                regex: go_cpu_detailed_state
              - action: replace
                target_label: job
                replacement: x
          semantic_views: {}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        service:
          pipelines:
            metrics:
              receivers: [otlp]
              processors: [relabel/raw, semantic_views, relabel/late]
              exporters: [prometheus]
        """);
    // before the views the scope labels do not exist yet; after them, job exists but is never changed
    assertThat(w).hasSize(2);
    assertThat(w.get(0)).contains(":8:16: processors.relabel/raw.metric_relabel_configs[0].regex: rule 1:"
        + " labeldrop \"otel_scope_.*\" can never have an effect");
    assertThat(w.get(1)).contains("processors.relabel/late.metric_relabel_configs[1]").contains("rule 2");
  }

  @Test
  void eachStageIsCheckedAgainstTheLabelsItSeesAndCanChange() throws Exception {
    List<String> w = warnings(
        """
        relabel:
          input:
            - source_labels: [job]            # rule 1: not an input label
              regex: api
              action: drop
            - action: labeldrop               # rule 2: a resource attribute stays on the resource
              regex: service\\.name
            - action: labeldrop               # rule 3: point attributes: fine
              regex: pod|__attr_.*
          output:
            - action: labeldrop               # rule 1: job and instance are never changed
              regex: job|instance
            - action: labeldrop               # rule 2: half of it
              regex: otel_scope_name|pod
            - target_label: job               # rule 3
              replacement: checkout
            - source_labels: [__attr_Type]    # rule 4: removed before the output stage
              target_label: type
            - source_labels: [jvm.memory.type] # rule 5: the output stage has jvm_memory_type
              regex: heap
              action: drop
            - source_labels: [job]            # rule 6: job is there to read
              target_label: team
            - target_label: __tmp_team        # rule 7 writes what rule 8 reads
              replacement: a
            - source_labels: [__tmp_team]
              target_label: team
            - action: labeldrop               # rule 9: go_cpu_class is a point label
              regex: go_cpu_class
        """);
    assertThat(w).hasSize(7);
    assertThat(w.get(0)).contains(":3:7: relabel.input[0].source_labels: rule 1: label \"job\" is never there,"
        + " so it always reads as empty: job and instance are made from the resource");
    assertThat(w.get(1)).contains(":7:14: relabel.input[1].regex: rule 2: labeldrop \"service\\.name\" can never"
        + " have an effect: service.name is a resource attribute: input rules see it but never remove it");
    assertThat(w.get(2)).contains(":12:14: relabel.output[0].regex: rule 1: labeldrop \"job|instance\" can never"
        + " have an effect: job and instance come from the resource");
    assertThat(w.get(3)).contains("relabel.output[1].regex: rule 2: the part \"otel_scope_name\" of labeldrop"
        + " \"otel_scope_name|pod\" can never have an effect");
    assertThat(w.get(4)).contains(":15:21: relabel.output[2].target_label: rule 3: replace into \"job\" can never"
        + " have an effect");
    assertThat(w.get(5)).contains("relabel.output[3].source_labels: rule 4: label \"__attr_Type\" is never there")
        .contains("removed before the output stage");
    assertThat(w.get(6)).contains("relabel.output[4].source_labels: rule 5: label \"jvm.memory.type\" is never"
        + " there, so it always reads as empty: the output stage sees point attributes under their Prometheus"
        + " label names (jvm_memory_type)");
    assertThat(w).allMatch(line -> line.startsWith("warning: " + dir.resolve("rosetta.yaml") + ":"));
  }

  @Test
  void afterALabelmapAnyLabelMayBeThere() throws Exception {
    assertThat(warnings(
        """
        relabel:
          output:
            - action: labelmap
              regex: (.*)_raw
              replacement: __keep_$1
            - source_labels: [__keep_x]
              target_label: x
        """)).isEmpty();
  }

  @Test
  void aViewAnEarlierViewShadowsIsAWarning() throws Exception {
    Files.createDirectories(dir.resolve("views"));
    Path views = Files.writeString(dir.resolve("views/app.yaml"),
        """
        views:
          - id: app.all
            match: app.{rest...}
            name: app.other
          - id: app.requests
            match: app.requests
            name: app.requests.total
          - match: app.requests.*
            name: app.requests.by_kind
        """);
    List<String> w = warnings("views: {files: [views/*.yaml], builtin: []}\n");
    assertThat(w).containsExactly(
        "warning: " + views + ":5:5: view 2 \"app.requests\": never applies: view 1 \"app.all\" (line 2)"
            + " comes first and matches every name it matches",
        "warning: " + views + ":8:5: view 3: never applies: view 1 \"app.all\" (line 2)"
            + " comes first and matches every name it matches");
  }

  @Test
  void theEmbeddedDefaultHasNoWarning() {
    ConfigCheck.Result r = ConfigCheck.of(
        ConfigLoader.check(ConfigLoader.embeddedDefaultText(), ConfigLoader.EMBEDDED_SOURCE, Map.of(),
            FileCheck.none()), 0);
    assertThat(r.ok()).isTrue();
    assertThat(r.warnings()).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("SETS")
  void noBuiltInSetGivesAWarning(String set) throws Exception {
    assertThat(warnings("views: {builtin: [" + set + "]}\n")).isEmpty();
  }
}
