package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.views.ConfiguredViews;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewsConfigTest {
  @TempDir Path dir;

  private static RosettaConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "conf/rosetta.yaml", Map.of(), FileCheck.none());
  }

  private static List<String> errors(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> parse(yaml)).errors().stream()
        .map(ConfigError::toString).toList();
  }

  @Test
  void defaults() throws ConfigException {
    ViewsConfig v = parse("").views();
    assertThat(v.files()).isEmpty();
    assertThat(v.builtin()).containsExactly("go", "jvm");
    assertThat(v.unmatched()).isEqualTo(ViewsConfig.Unmatched.PASSTHROUGH);
    assertThat(v.baseDirectory()).isEqualTo(Path.of("conf"));
    assertThat(parse("views:\n").views().builtin()).containsExactly("go", "jvm");
    assertThat(parse("views: {builtin: }\n").views().builtin()).containsExactly("go", "jvm");
    assertThat(ConfigLoader.embeddedDefault().views()).isEqualTo(ViewsConfig.defaults());
  }

  @Test
  void explicitValues() throws ConfigException {
    ViewsConfig v = parse("views: {files: [a.yaml, 'v/*.yaml'], builtin: [go-semconv, go], unmatched: drop}").views();
    assertThat(v.files()).containsExactly("a.yaml", "v/*.yaml");
    assertThat(v.builtin()).containsExactly("go-semconv", "go");
    assertThat(v.unmatched()).isEqualTo(ViewsConfig.Unmatched.DROP);
    assertThat(parse("views: {builtin: []}").views().builtin()).isEmpty();
  }

  @Test
  void errorsNameTheKeyAndValue() {
    assertThat(errors("views: {builtin: [go, gox], unmatched: keep, colour: red, files: ['']}"))
        .containsExactly(
            "conf/rosetta.yaml:1:23: views.builtin[1]: unknown built-in view set \"gox\"; expected one of go-semconv,"
                + " go, jvm, runtime",
            "conf/rosetta.yaml:1:40: views.unmatched: invalid value \"keep\": expected one of passthrough, drop",
            "conf/rosetta.yaml:1:46: views.colour: unknown key \"colour\"; valid keys here: files, builtin, unmatched",
            "conf/rosetta.yaml:1:67: views.files[0]: invalid value \"\": must not be empty");
    assertThat(errors("views: {builtin: [go, go]}"))
        .containsExactly("conf/rosetta.yaml:1:9: views.builtin: built-in view set \"go\" is listed twice");
  }

  @Test
  void globsResolveAgainstTheConfigDirectoryInSortedOrder() throws Exception {
    Path views = Files.createDirectories(dir.resolve("views"));
    Files.writeString(views.resolve("b.yaml"), "views: [{id: b, match: 'app.x', name: from.b}]\n");
    Files.writeString(views.resolve("a.yaml"), "views: [{id: a, match: 'app.x', name: from.a}]\n");
    Files.writeString(views.resolve("notes.txt"), "not a view file");
    Files.writeString(dir.resolve("first.yaml"), "views: [{id: first, match: 'app.y', name: first}]\n");
    Path file = Files.writeString(dir.resolve("rosetta.yaml"),
        "views: {files: [first.yaml, 'views/*.yaml', views/a.yaml], builtin: []}\n");
    RosettaConfig c = ConfigLoader.load(file, Map.of());
    assertThat(c.views().baseDirectory()).isEqualTo(dir);
    ViewSet set = ConfiguredViews.load(c.views());
    assertThat(set.views()).extracting(v -> v.id()).containsExactly("first", "a", "b");
    assertThat(set.decide("app.x").name()).contains("from.a");

    Path missing = Files.writeString(dir.resolve("missing.yaml"), "views: {files: ['nothing/*.yaml', first.yaml, gone.yaml], builtin: []}\n");
    ViewLoadException e = catchThrowableOfType(ViewLoadException.class,
        () -> ConfiguredViews.load(ConfigLoader.load(missing, Map.of()).views()));
    assertThat(e.errors()).extracting(x -> x.file()).containsExactly("nothing/*.yaml", "gone.yaml");
    assertThat(e.errors().get(0).message())
        .startsWith("no view file matches \"nothing/*.yaml\" (relative to " + dir.toAbsolutePath());
  }

  @Test
  void deepGlobs() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/top.yaml"), "views: [{id: top, match: 'x', name: x}]\n");
    Files.writeString(dir.resolve("a/b/deep.yaml"), "views: [{id: deep, match: 'y', name: y}]\n");
    ViewsConfig shallow = new ViewsConfig(List.of("a/*.yaml"), List.of(), ViewsConfig.Unmatched.DROP, dir);
    assertThat(ConfiguredViews.load(shallow).views()).extracting(v -> v.id()).containsExactly("top");
    ViewsConfig deep = new ViewsConfig(List.of("a/**.yaml"), List.of(), ViewsConfig.Unmatched.DROP, dir);
    assertThat(ConfiguredViews.load(deep).views()).extracting(v -> v.id()).containsExactly("deep", "top");
    ViewsConfig absolute = new ViewsConfig(
        List.of(dir.toAbsolutePath() + "/a/*.yaml"), List.of(), ViewsConfig.Unmatched.DROP, Path.of("elsewhere"));
    assertThat(ConfiguredViews.load(absolute).views()).extracting(v -> v.id()).containsExactly("top");
  }
}
