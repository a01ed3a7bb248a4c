package dev.rosetta.receiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return ValidateCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        env);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void validFile() throws Exception {
    Path file =
        Files.writeString(dir.resolve("ok.yaml"), "exporters: {otlp: {endpoint: '${env:OTLP}'}}\n");
    assertThat(run(Map.of("OTLP", "c:4317"), "validate", "--config", file.toString())).isZero();
    assertThat(out()).isEqualTo(file + ": configuration is valid" + System.lineSeparator());
    assertThat(err()).isEmpty();
  }

  @Test
  void componentsNoPipelineListsAreWarningsOfAValidFile() throws Exception {
    Path file = Files.writeString(dir.resolve("p.yaml"), """
        exporters:
          otlp/a: {endpoint: "a:4317"}
          otlp/b: {endpoint: "b:4317"}
        service:
          pipelines:
            metrics: {receivers: [otlp], exporters: [otlp/a]}
        """);
    assertThat(run(Map.of(), "validate", "--config", file.toString())).isZero();
    assertThat(err()).contains("warning: exporters.otlp/b is declared but pipeline metrics does not list it: it is"
        + " not started");
    assertThat(out()).contains("configuration is valid");
  }

  @Test
  void equalsFormAndNoSubcommandWord() throws Exception {
    Path file = Files.writeString(dir.resolve("empty.yaml"), "");
    assertThat(run(Map.of(), "--config=" + file)).isZero();
    assertThat(out()).contains("configuration is valid");
  }

  @Test
  void invalidFilePrintsEveryErrorOnePerLine() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "exporters:\n"
                + "  otlp: {endpoint: c:4317, timeout: 5 minutes, compresion: gzip}\n"
                + "service: {shutdown_timeout: '${env:T}'}\n");
    assertThat(run(Map.of(), "validate", "--config", file.toString())).isEqualTo(1);
    assertThat(out()).isEmpty();
    assertThat(err().lines())
        .containsExactly(
            file
                + ":2:37: exporters.otlp.timeout: invalid duration \"5 minutes\": expected a duration"
                + " such as 500ms, 5s, 1m",
            file
                + ":2:48: exporters.otlp.compresion: unknown key \"compresion\" (did you mean"
                + " \"compression\"?); valid keys here: endpoint, tls, headers, compression,"
                + " timeout, sending_queue, retry_on_failure, batch",
            file
                + ":3:29: service.shutdown_timeout: environment variable \"T\" is not defined"
                + " (referenced as ${env:T}; give a fallback with ${env:T:-value})");
    assertThat(err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aGlobThatMatchesNothingIsOneErrorAmongTheOthersOfEveryFile() throws Exception {
    Files.createDirectories(dir.resolve("views"));
    Files.writeString(dir.resolve("views/app.yaml"), "views:\n  - {match: /a:bytes, name: a, scale: 0}\n");
    Path file = Files.writeString(dir.resolve("rosetta.yaml"),
        "views:\n  files: [missing/*.yaml, views/*.yaml]\nlimits: {max_series: -1}\n");
    assertThat(run(Map.of(), "validate", "--config", file.toString())).isEqualTo(1);
    assertThat(err().lines()).containsExactly(
        file + ":2:11: views.files[0]: no view file matches \"missing/*.yaml\" (relative to " + dir + ")",
        file + ":3:22: limits.max_series: invalid integer -1: must be at least 1",
        dir.resolve("views/app.yaml") + ":2:39: view 1, field \"scale\": must be a finite number greater than 0,"
            + " got \"0\"");
  }

  @Test
  void malformedYamlAndMissingFileAreErrorsNotCrashes() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.yaml"), "receivers: [\n");
    assertThat(run(Map.of(), "--config", file.toString())).isEqualTo(1);
    assertThat(err())
        .startsWith(file + ":2:1: malformed YAML: ")
        .doesNotContain("Exception");

    err.reset();
    assertThat(run(Map.of(), "--config", dir.resolve("absent.yaml").toString())).isEqualTo(1);
    assertThat(err())
        .isEqualTo(
            dir.resolve("absent.yaml") + ": configuration file not found" + System.lineSeparator());
  }

  @Test
  void usageErrors() {
    assertThat(run(Map.of(), "validate")).isEqualTo(2);
    assertThat(err()).contains("missing --config FILE").contains(ValidateCommand.USAGE);

    err.reset();
    assertThat(run(Map.of(), "validate", "--conifg", "x.yaml")).isEqualTo(2);
    assertThat(err()).contains("unknown option \"--conifg\"").contains(ValidateCommand.USAGE);

    err.reset();
    assertThat(run(Map.of(), "--config")).isEqualTo(2);
    assertThat(err()).contains("--config needs a file name");

    err.reset();
    assertThat(run(Map.of(), "--config", "a.yaml", "--config", "b.yaml")).isEqualTo(2);
    assertThat(err()).contains("more than once");

    err.reset();
    assertThat(run(Map.of(), "stray")).isEqualTo(2);
    assertThat(err()).contains("unexpected argument \"stray\"");
    assertThat(out()).isEmpty();
  }

  @Test
  void help() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out()).contains(ValidateCommand.USAGE);
  }
}
