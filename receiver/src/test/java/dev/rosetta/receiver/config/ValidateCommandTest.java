package dev.rosetta.receiver.config;

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
        .containsExactlyInAnyOrder(
            file
                + ": exporters.otlp.timeout: invalid duration \"5 minutes\": expected a duration"
                + " such as 500ms, 5s, 1m",
            file
                + ": exporters.otlp.compresion: unknown key \"compresion\" (did you mean"
                + " \"compression\"?); valid keys here: endpoint, tls, headers, compression,"
                + " timeout, sending_queue, retry_on_failure, batch",
            file
                + ": service.shutdown_timeout: environment variable \"T\" is not defined"
                + " (referenced as ${env:T}; give a fallback with ${env:T:-value})");
    assertThat(err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void malformedYamlAndMissingFileAreErrorsNotCrashes() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.yaml"), "receivers: [\n");
    assertThat(run(Map.of(), "--config", file.toString())).isEqualTo(1);
    assertThat(err())
        .startsWith(file + ": malformed YAML at line 2, column 1: ")
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
