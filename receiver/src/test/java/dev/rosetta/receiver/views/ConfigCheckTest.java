package dev.rosetta.receiver.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.config.FileCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file and the view files it names, every problem of every file in one report. */
class ConfigCheckTest {
  @TempDir Path dir;

  @Test
  void everyProblemOfEveryFileTogetherWithLineAndColumn() throws Exception {
    Files.createDirectories(dir.resolve("views"));
    Files.writeString(dir.resolve("views/app.yaml"), """
        views:
          - id: app.ok
            match: /a:bytes
            name: app.a
          - id: app.latency
            match: /b:seconds
            name: app.latency
            scale: fast
        """);
    Files.writeString(dir.resolve("views/other.yaml"), "views: [{match: /c:bytes, type: histo, name: c}]\n");
    Path config = Files.writeString(dir.resolve("rosetta.yaml"), """
        exporters:
          prometheus:
            metric_expiration: soon
        views:
          files: [views/*.yaml, none/*.yaml]
          builtin: [go]
        relabel:
          output:
            - action: labeldrop
              regex: "("
        """);
    ConfigCheck.Result r = ConfigCheck.run(config, Map.of(), FileCheck.readable());
    assertThat(r.ok()).isFalse();
    assertThat(r.config()).isEmpty();
    String views = dir.resolve("views").toString();
    assertThat(r.errors()).containsExactly(
        config + ":3:24: exporters.prometheus.metric_expiration: invalid duration \"soon\": expected a duration"
            + " such as 500ms, 5s, 1m",
        config + ":5:25: views.files[1]: no view file matches \"none/*.yaml\" (relative to " + dir + ")",
        config + ":10:14: relabel.output[0].regex: " + r.errors().get(2).substring(r.errors().get(2).indexOf(
            "relabel.output[0].regex: ") + "relabel.output[0].regex: ".length()),
        views + "/app.yaml:8:12: view 2 \"app.latency\", field \"scale\": expected a finite number,"
            + " got \"fast\"",
        views + "/other.yaml:1:33: view 1, field \"type\": unknown type \"histo\"; expected gauge, counter,"
            + " updowncounter, histogram or summary");
  }

  @Test
  void aValidFileGivesTheConfigurationAndItsViews() throws Exception {
    Path config = Files.writeString(dir.resolve("rosetta.yaml"), "views: {builtin: [go]}\n");
    ConfigCheck.Result r = ConfigCheck.run(config, Map.of(), FileCheck.readable());
    assertThat(r.errors()).isEmpty();
    assertThat(r.views().orElseThrow().decide("/gc/heap/allocs:bytes").matched()).isTrue();
  }

  @Test
  void unreadableOrMalformedFilesAreOneError() throws Exception {
    assertThat(ConfigCheck.run(dir.resolve("absent.yaml"), Map.of(), FileCheck.readable()).errors())
        .singleElement().asString().startsWith(dir.resolve("absent.yaml") + ": ");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "views: [\n");
    assertThat(ConfigCheck.run(bad, Map.of(), FileCheck.readable()).errors())
        .singleElement().asString().startsWith(bad + ":2:1: malformed YAML: ");
  }
}
