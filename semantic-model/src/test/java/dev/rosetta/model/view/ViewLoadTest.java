package dev.rosetta.model.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every load error names the file, the view and the field. */
class ViewLoadTest {
  @TempDir Path dir;

  private static List<ViewLoadError> errors(String yaml) {
    ViewLoadException e =
        catchThrowableOfType(ViewLoadException.class, () -> ViewSet.builder().addYaml("v.yaml", yaml).build());
    assertThat(e).as("expected a load error for:\n" + yaml).isNotNull();
    return e.errors();
  }

  private static ViewLoadError onlyError(String yaml) {
    List<ViewLoadError> errors = errors(yaml);
    assertThat(errors).as(errors.toString()).hasSize(1);
    return errors.get(0);
  }

  @ParameterizedTest(name = "{1}: {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{match: /a:bytes} | name | missing: the semantic name",
        "{name: x} | match | missing: a view needs match",
        "{match: /a:bytes, match_regex: x, name: x} | match_regex | give either match or match_regex",
        "{match_regex: '^/a', name: x} | grammar | missing: match_regex needs grammar",
        "{match_regex: '^/a', grammar: go2, name: x} | grammar | unknown grammar \"go2\"",
        "{match_regex: '(?P<x', grammar: go, name: x} | match_regex | invalid regular expression",
        "{match: /a:bytes, grammar: jvm, name: x} | grammar | the match pattern is a go pattern, not jvm",
        "{match: '/a//b:bytes', name: x} | match | invalid pattern \"/a//b:bytes\": empty path segment (at position 3)",
        "{match: '/a/{x}{y}:bytes', name: x} | match | invalid capture {x}{y}",
        "{match: '/a/x{y}:bytes', name: x} | match | invalid segment \"x{y}\": a capture must be the whole segment",
        "{match: '/a/b*:bytes', name: x} | match | invalid segment \"b*\": '*' must be the whole segment",
        "{match: '/{a...}/{b...}:bytes', name: x} | match | two multi-segment captures",
        "{match: '/{a}/{a}:bytes', name: x} | match | capture {a} appears twice",
        "{match: '/{1a}:bytes', name: x} | match | invalid capture {1a}",
        "{match: 'd:k=G1*/A', name: x} | match | invalid value \"G1*\" of key \"k\"",
        "{match: 'd:k={a...}/A', name: x} | match | a multi-segment capture {a...} is not allowed",
        "{match: '/a:bytes', name: 'x.{nope}'} | name | unknown capture {nope}",
        "{match: '/{a}:bytes', name: 'x.{a'} | name | unclosed '{'",
        "{match: '/a:bytes', name: x, type: gaug} | type | unknown type \"gaug\"",
        "{match: '/a:bytes', name: x, scale: 0} | scale | must be a finite number greater than 0",
        "{match: '/a:bytes', name: x, scale: fast} | scale | expected a finite number, got \"fast\"",
        "{match: '/a:bytes', name: x, buckets: {max: 0}} | buckets.max | must be a whole number of at least 1",
        "{match: '/a:bytes', name: x, buckets: {bounds: [2, 1]}} | buckets.bounds | bounds must increase strictly",
        "{match: '/a:bytes', name: x, buckets: {bounds: [1, x]}} | buckets.bounds[1] | expected a finite number",
        "{match: '/a:bytes', name: x, buckets: {max: 3, bounds: [1]}} | buckets | give either bounds or max",
        "{match: '/a:bytes', name: x, type: counter, buckets: {max: 3}} | buckets | buckets apply to histograms",
        "{match: '/a:bytes', name: x, buckets: {max: 3, maxx: 3}} | buckets.maxx | unknown field",
        "{match: '/a:bytes', name: x, colour: red} | colour | unknown field; valid fields:",
        "{match: '/a:bytes', drop: true, name: x} | name | a drop view has no output",
        "{match: '/a:bytes', drop: yes, name: x} | drop | expected true or false",
        "{match: '/a:bytes', name: x, exclude: 'd:k=v/A'} | exclude | a jvm pattern cannot exclude from a go view",
        "{match: '/a:bytes', name: x, exclude: ['/b:bytes', '/c//d:bytes']} | exclude[1] | invalid pattern",
        "{match: '/{a}:bytes', name: x, labels: {l: '{b}'}} | labels.l | unknown capture {b}",
        "{match: '/{a}:bytes', name: x, labels: {l: {capture: b}}} | labels.l.capture | unknown capture \"b\"",
        "{match: '/{a}:bytes', name: x, labels: {l: {attribute: Type}}} | labels.l.attribute | sibling attributes exist only for jvm views",
        "{match: '/{a}:bytes', name: x, labels: {l: {capture: a, attribute: T}}} | labels.l | give either capture or attribute",
        "{match: '/{a}:bytes', name: x, labels: {l: {capture: a, colour: x}}} | labels.l.colour | unknown field",
        "{match: '/{a}:bytes', name: x, labels: {l: [1, 2]}} | labels.l | expected a value",
        "{match: '/{a}:bytes', name: x, labels: {l: {capture: a, map: [1]}}} | labels.l.map | expected a map",
        "{match: '/a:bytes', name: x, id: ''} | id | must not be empty",
        "{match: '/{a}:bytes', name: x, labels: {l: {capture: a, default: ''}}} | labels.l.default | must not be empty",
        "{match: '/a:bytes', name: x, omit_values: -1} | omit_values | expected a non-empty list of numbers",
        "{match: '/a:bytes', name: x, omit_values: [x]} | omit_values[0] | expected a finite number",
        "{match: '/a:bytes', name: x, type: histogram, omit_values: [-1]} | omit_values | applies to number values",
        "{match: '/a:bytes', name: x, reduce: max, type: counter} | reduce | unknown reduce \"max\"",
        "{match: '/a:bytes', name: x, reduce: sum} | reduce | give type counter, updowncounter or gauge",
        "{match: '/a:bytes', name: x, reduce: sum, type: histogram} | reduce | give type counter",
        "{match: '/a:bytes', name: x, derive: [/b:bytes]} | derive | expected {add: [names], subtract: [names]}",
        "{match: '/a:bytes', name: x, derive: {}} | derive | missing: add or subtract",
        "{match: '/a:bytes', name: x, derive: {minus: [/b:bytes]}} | derive.minus | unknown field; valid fields: add, subtract",
        "{match: '/a:bytes', name: x, derive: {add: []}} | derive.add | expected a non-empty list of raw names",
        "{match: '/a:bytes', name: x, derive: {add: ['/{b}:bytes']}} | derive.add[0] | unknown capture {b}",
        "{match: '/a:bytes', name: x, type: summary, derive: {add: [/b:bytes]}} | derive | applies to number values",
        "{match: '/a:bytes', drop: true, omit_values: [1]} | omit_values | a drop view has no output",
      })
  void fieldErrors(String view, String field, String message) {
    ViewLoadError e = onlyError("views:\n  - " + view + "\n");
    assertThat(e.file()).isEqualTo("v.yaml");
    assertThat(e.viewIndex()).isZero();
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.message()).contains(message);
  }

  @Test
  void errorsNameTheViewByIdAndIndexAndAreAllReported() {
    List<ViewLoadError> errors =
        errors(
            """
            views:
              - id: ok
                match: /a:bytes
                name: a
              - id: go.bad
                match: /b:bytes
                name: b
                scale: -1
              - match: /c:bytes
                type: histo
              - id: ok
                match: /d:bytes
                name: d
            """);
    assertThat(errors).extracting(ViewLoadError::toString)
        .containsExactly(
            "v.yaml:8:12: view 2 \"go.bad\", field \"scale\": must be a finite number greater than 0, got \"-1\"",
            "v.yaml:9:5: view 3, field \"name\": missing: the semantic name of the output family (or drop: true)",
            "v.yaml:10:11: view 3, field \"type\": unknown type \"histo\"; expected gauge, counter, updowncounter,"
                + " histogram or summary",
            "v.yaml:11:9: view 4 \"ok\", field \"id\": duplicate id \"ok\" in this file");
  }

  @Test
  void fileLevelErrors() {
    assertThat(onlyError("views: [\n").toString()).startsWith("v.yaml:2:1: invalid YAML:");
    assertThat(onlyError("views: {a: 1}\n").toString())
        .isEqualTo("v.yaml:1:8: \"views\" must be a list of views, found a map");
    assertThat(onlyError("view: []\n").toString())
        .isEqualTo("v.yaml:1:7: unknown top-level key \"view\"; a view file has only \"views\"");
    assertThat(onlyError("- a\n").toString())
        .isEqualTo("v.yaml:1:1: expected a map with a \"views\" list at the top level, found a list");
    assertThat(onlyError("views:\n  - /a:bytes\n").toString())
        .isEqualTo("v.yaml:2:5: view 1: a view must be a map of fields, found \"/a:bytes\"");
    assertThat(onlyError("views:\n  - {match: /a:b, name: x, name: y}\n").toString())
        .isEqualTo("v.yaml:2:28: view 1, field \"name\": duplicate key");
  }

  @Test
  void emptyFilesHaveNoViews() throws ViewLoadException {
    assertThat(ViewSet.builder().addYaml("e.yaml", "").build().views()).isEmpty();
    assertThat(ViewSet.builder().addYaml("e.yaml", "# nothing\nviews:\n").build().views()).isEmpty();
  }

  @Test
  void filesAreReadAndErrorsNameThem() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yaml"), "views: [{match: /a:bytes, name: a}]\n");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "views: [{match: /a:bytes}]\n");
    Path missing = dir.resolve("missing.yaml");
    ViewLoadException e =
        catchThrowableOfType(
            ViewLoadException.class,
            () -> ViewSet.builder().addFile(good).addFile(bad).addFile(missing).build());
    assertThat(e.errors()).extracting(ViewLoadError::file).containsExactly(bad.toString(), missing.toString());
    assertThat(e.errors().get(1).message()).isEqualTo("view file not found");
    assertThat(e.getMessage()).contains("2 view errors:");
    ViewSet ok = ViewSet.builder().addFile(good).build();
    assertThat(ok.decide("/a:bytes").source()).contains(new ViewSource(good.toString(), 0));
  }

  @Test
  void builtinSets() {
    ViewLoadException unknown =
        catchThrowableOfType(ViewLoadException.class, () -> ViewSet.builder().builtin("gox").build());
    assertThat(unknown.errors().get(0).toString())
        .isEqualTo("builtin:gox: unknown built-in view set \"gox\"; known: go-semconv, go, jvm, runtime");

    ClassLoader empty = new ClassLoader(null) {};
    ViewLoadException missing =
        catchThrowableOfType(
            ViewLoadException.class, () -> ViewSet.builder().classLoader(empty).builtin("go").build());
    assertThat(missing.errors().get(0).toString())
        .startsWith("builtin:go: built-in view set \"go\" is missing: no resource dev/rosetta/views/go.yaml");
  }

  @Test
  void builtinSetsLoadAfterUserFilesInTheFixedOrder() throws Exception {
    ClassLoader loader = new ResourceLoader(
        "dev/rosetta/views/go.yaml", "views: [{id: from.go, match: '/a:bytes', name: go.a}, {match: '/b:bytes', name: go.b}]",
        "dev/rosetta/views/go-semconv.yaml", "views: [{id: from.semconv, match: '/b:bytes', name: semconv.b}]",
        "dev/rosetta/views/jvm.yaml", "views: []",
        "dev/rosetta/views/go-names.yaml", "views: []");
    ViewSet set = ViewSet.builder()
        .classLoader(loader)
        .builtins(List.of("jvm", "go", "go-semconv"))
        .addYaml("user.yaml", "views: [{id: user, match: '/a:bytes', name: user.a}]")
        .build();
    assertThat(set.decide("/a:bytes").viewId()).contains("user");
    assertThat(set.decide("/b:bytes").viewId()).contains("from.semconv");
    assertThat(set.decide("/b:bytes").source()).contains(new ViewSource("builtin:go-semconv", 0));
    assertThat(set.views()).extracting(View::id)
        .containsExactly("user", "from.semconv", "from.go", "builtin:go#2");
  }

  @Test
  void builderRejectsNegativeMemo() {
    assertThatThrownBy(() -> ViewSet.builder().memoCapacity(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Serves fixed resources, for built-in sets. */
  static final class ResourceLoader extends ClassLoader {
    private final java.util.Map<String, String> resources = new java.util.HashMap<>();

    ResourceLoader(String... pathsAndTexts) {
      super(null);
      for (int i = 0; i < pathsAndTexts.length; i += 2) {
        resources.put(pathsAndTexts[i], pathsAndTexts[i + 1]);
      }
    }

    @Override
    public java.io.InputStream getResourceAsStream(String name) {
      String text = resources.get(name);
      return text == null ? null : new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
