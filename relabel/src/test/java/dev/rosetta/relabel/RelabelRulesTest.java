package dev.rosetta.relabel;

import static dev.rosetta.relabel.RelabelTestSupport.compile;
import static dev.rosetta.relabel.RelabelTestSupport.labels;
import static dev.rosetta.relabel.RelabelTestSupport.list;
import static dev.rosetta.relabel.RelabelTestSupport.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.rosetta.model.Labels;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per behaviour: the rules (as YAML mappings), an input and the expected output ({@code
 * null} for a dropped series). Each row restates a documented Prometheus behaviour.
 */
class RelabelRulesTest {
  private static final Labels DROPPED = null;

  static Stream<Arguments> cases() {
    return Stream.of(
        // ---- replace
        row("replace: default regex copies the source value",
            List.of(rule("source_labels", list("a"), "target_label", "b")),
            labels("a", "foo"), labels("a", "foo", "b", "foo")),
        row("replace: capture group into the target",
            List.of(rule("source_labels", list("instance"), "regex", "(.+):\\d+",
                "target_label", "host")),
            labels("instance", "10.0.0.1:9100"),
            labels("instance", "10.0.0.1:9100", "host", "10.0.0.1")),
        row("replace: no match leaves the target alone",
            List.of(rule("source_labels", list("a"), "regex", "x(.*)", "target_label", "b",
                "replacement", "new")),
            labels("a", "foo", "b", "old"), labels("a", "foo", "b", "old")),
        row("replace: regex is anchored at both ends",
            List.of(rule("source_labels", list("a"), "regex", "foo", "target_label", "b",
                "replacement", "hit")),
            labels("a", "foobar"), labels("a", "foobar")),
        row("replace: dot matches a newline",
            List.of(rule("source_labels", list("a"), "regex", "a.b", "target_label", "b",
                "replacement", "hit")),
            labels("a", "a\nb"), labels("a", "a\nb", "b", "hit")),
        row("replace: ${1} and $2 in the replacement",
            List.of(rule("source_labels", list("a"), "regex", "(\\w+)-(\\w+)",
                "target_label", "b", "replacement", "${1}_x_$2")),
            labels("a", "foo-bar"), labels("a", "foo-bar", "b", "foo_x_bar")),
        row("replace: named groups as $name and ${name}",
            List.of(rule("source_labels", list("a"), "regex", "(?P<first>\\w+)-(?P<second>\\w+)",
                "target_label", "b", "replacement", "$second.${first}")),
            labels("a", "foo-bar"), labels("a", "foo-bar", "b", "bar.foo")),
        row("replace: $1x is the (missing) group named 1x, so the value is empty",
            List.of(rule("source_labels", list("a"), "regex", "(.*)", "target_label", "b",
                "replacement", "$1x")),
            labels("a", "foo", "b", "old"), labels("a", "foo")),
        row("replace: ${1}x delimits the group number",
            List.of(rule("source_labels", list("a"), "regex", "(.*)", "target_label", "b",
                "replacement", "${1}x")),
            labels("a", "foo"), labels("a", "foo", "b", "foox")),
        row("replace: $$ is a dollar sign",
            List.of(rule("source_labels", list("a"), "target_label", "b",
                "replacement", "$$$1")),
            labels("a", "5"), labels("a", "5", "b", "$5")),
        row("replace: a missing group number expands to nothing",
            List.of(rule("source_labels", list("a"), "regex", "(.*)", "target_label", "b",
                "replacement", "x${2}y")),
            labels("a", "foo"), labels("a", "foo", "b", "xy")),
        row("replace: a group that did not take part expands to nothing",
            List.of(rule("source_labels", list("a"), "regex", "(a)|(b)", "target_label", "c",
                "replacement", "[$1]")),
            labels("a", "b"), labels("a", "b", "c", "[]")),
        row("replace: an empty result removes the target",
            List.of(rule("source_labels", list("missing"), "target_label", "b")),
            labels("a", "foo", "b", "old"), labels("a", "foo")),
        row("replace: empty replacement removes the target",
            List.of(rule("source_labels", list("a"), "target_label", "b", "replacement", "")),
            labels("a", "foo", "b", "old"), labels("a", "foo")),
        row("replace: no source labels matches the empty string (static label)",
            List.of(rule("target_label", "env", "replacement", "prod")),
            labels("a", "foo"), labels("a", "foo", "env", "prod")),
        row("replace: source values joined with the default separator",
            List.of(rule("source_labels", list("a", "b"), "target_label", "c")),
            labels("a", "1", "b", "2"), labels("a", "1", "b", "2", "c", "1;2")),
        row("replace: custom separator, absent source reads as empty",
            List.of(rule("source_labels", list("a", "zz", "b"), "separator", "/",
                "target_label", "c")),
            labels("a", "1", "b", "2"), labels("a", "1", "b", "2", "c", "1//2")),
        row("replace: target template expanded from the match",
            List.of(rule("source_labels", list("k", "v"), "regex", "(\\w+);(.*)",
                "target_label", "tag_${1}", "replacement", "$2")),
            labels("k", "team", "v", "core"),
            labels("k", "team", "tag_team", "core", "v", "core")),
        row("replace: target template expanding to an invalid name skips the rule",
            List.of(rule("source_labels", list("k"), "regex", "(.*)", "target_label", "${1}",
                "replacement", "x")),
            labels("v", "1"), labels("v", "1")),
        row("replace: template target with an empty result removes the expanded target",
            List.of(rule("source_labels", list("k", "v"), "regex", "(.*);(.*)",
                "target_label", "${1}", "replacement", "$2")),
            labels("k", "dst", "dst", "old"), labels("k", "dst")),
        row("replace: __name__ is an ordinary label (rename a metric)",
            List.of(rule("source_labels", list("__name__"), "regex", "old_(.*)",
                "target_label", "__name__", "replacement", "new_$1")),
            labels("__name__", "old_requests", "job", "api"),
            labels("__name__", "new_requests", "job", "api")),
        row("replace: action names are case-insensitive",
            List.of(rule("action", "RePlAcE", "source_labels", list("a"), "target_label", "b")),
            labels("a", "1"), labels("a", "1", "b", "1")),
        // ---- keep / drop
        row("keep: a match keeps the series",
            List.of(rule("action", "keep", "source_labels", list("__name__"),
                "regex", "http_.*|up")),
            labels("__name__", "up"), labels("__name__", "up")),
        row("keep: no match drops the series",
            List.of(rule("action", "keep", "source_labels", list("__name__"),
                "regex", "http_.*|up")),
            labels("__name__", "upx"), DROPPED),
        row("keep: an absent source is the empty string, which (.*) matches",
            List.of(rule("action", "keep", "source_labels", list("nope"))),
            labels("a", "1"), labels("a", "1")),
        row("keep: an absent source does not match .+",
            List.of(rule("action", "keep", "source_labels", list("nope"), "regex", ".+")),
            labels("a", "1"), DROPPED),
        row("drop: a match drops the series",
            List.of(rule("action", "drop", "source_labels", list("__name__"),
                "regex", "go_.*|process_.*")),
            labels("__name__", "go_goroutines"), DROPPED),
        row("drop: no match keeps the series",
            List.of(rule("action", "drop", "source_labels", list("__name__"),
                "regex", "go_.*|process_.*")),
            labels("__name__", "up"), labels("__name__", "up")),
        row("drop: several sources joined before matching",
            List.of(rule("action", "DROP", "source_labels", list("job", "env"),
                "regex", "api;dev")),
            labels("job", "api", "env", "dev"), DROPPED),
        // ---- keepequal / dropequal
        row("keepequal: equal values keep the series",
            List.of(rule("action", "keepequal", "source_labels", list("a"),
                "target_label", "b")),
            labels("a", "1", "b", "1"), labels("a", "1", "b", "1")),
        row("keepequal: different values drop the series",
            List.of(rule("action", "keepequal", "source_labels", list("a"),
                "target_label", "b")),
            labels("a", "1", "b", "2"), DROPPED),
        row("keepequal: both absent are equal",
            List.of(rule("action", "keepequal", "source_labels", list("a"),
                "target_label", "b")),
            labels("c", "1"), labels("c", "1")),
        row("keepequal: joined sources compared with the target",
            List.of(rule("action", "keepequal", "source_labels", list("a", "b"),
                "target_label", "c")),
            labels("a", "1", "b", "2", "c", "1;2"), labels("a", "1", "b", "2", "c", "1;2")),
        row("dropequal: equal values drop the series",
            List.of(rule("action", "dropequal", "source_labels", list("a"),
                "target_label", "b")),
            labels("a", "1", "b", "1"), DROPPED),
        row("dropequal: different values keep the series",
            List.of(rule("action", "dropequal", "source_labels", list("a"),
                "target_label", "b")),
            labels("a", "1", "b", "2"), labels("a", "1", "b", "2")),
        // ---- hashmod (expected shards from an independent MD5 computation)
        row("hashmod: MD5, last 8 bytes big-endian, modulo",
            List.of(rule("action", "hashmod", "source_labels", list("instance"),
                "modulus", 8, "target_label", "shard")),
            labels("instance", "10.0.0.1:9100"),
            labels("instance", "10.0.0.1:9100", "shard", "5")),
        row("hashmod: joined sources",
            List.of(rule("action", "hashmod", "source_labels", list("job", "pod"),
                "modulus", 16, "target_label", "shard")),
            labels("job", "api", "pod", "pod-1"),
            labels("job", "api", "pod", "pod-1", "shard", "11")),
        row("hashmod: empty input still hashes",
            List.of(rule("action", "hashmod", "source_labels", list("none"),
                "modulus", 3, "target_label", "shard")),
            labels("a", "1"), labels("a", "1", "shard", "1")),
        row("hashmod: UTF-8 bytes are hashed",
            List.of(rule("action", "hashmod", "source_labels", list("a"),
                "modulus", 1000, "target_label", "shard")),
            labels("a", "héllo"), labels("a", "héllo", "shard", "216")),
        row("hashmod: the modulus is an unsigned 64-bit integer",
            List.of(rule("action", "hashmod", "source_labels", list("a"),
                "modulus", new java.math.BigInteger("18446744073709551615"),
                "target_label", "shard")),
            labels("a", "x"), labels("a", "x", "shard", "17710500428000290726")),
        // ---- labelmap
        row("labelmap: copies matching labels under the expanded name",
            List.of(rule("action", "labelmap", "regex", "__meta_(.+)")),
            labels("__meta_pod", "p1", "__meta_ns", "default", "job", "api"),
            labels("__meta_ns", "default", "__meta_pod", "p1", "job", "api", "ns", "default",
                "pod", "p1")),
        row("labelmap: replacement with a prefix",
            List.of(rule("action", "labelmap", "regex", "lbl_(.*)", "replacement", "x_$1")),
            labels("lbl_a", "1", "other", "2"),
            labels("lbl_a", "1", "other", "2", "x_a", "1")),
        row("labelmap: every label is tested against the whole name",
            List.of(rule("action", "labelmap", "regex", "a", "replacement", "b")),
            labels("a", "1", "aa", "2"), labels("a", "1", "aa", "2", "b", "1")),
        row("labelmap: on a collision the last name in order wins",
            List.of(rule("action", "labelmap", "regex", "z(.)", "replacement", "z")),
            labels("za", "1", "zb", "2"), labels("z", "2", "za", "1", "zb", "2")),
        row("labelmap: works on the labels as they were before the rule",
            List.of(rule("action", "labelmap", "regex", "a(.*)", "replacement", "aa$1")),
            labels("a", "1"), labels("a", "1", "aa", "1")),
        row("labelmap: overwrites an existing label",
            List.of(rule("action", "labelmap", "regex", "new_(.*)")),
            labels("new_job", "b", "job", "a"), labels("job", "b", "new_job", "b")),
        row("labelmap: a name expanding to the empty string is not written",
            List.of(rule("action", "labelmap", "regex", "p_(.*)")),
            labels("p_", "1"), labels("p_", "1")),
        // ---- labeldrop / labelkeep
        row("labeldrop: removes matching labels",
            List.of(rule("action", "labeldrop", "regex", "tmp_.*")),
            labels("tmp_a", "1", "tmp_b", "2", "job", "api"), labels("job", "api")),
        row("labeldrop: anchored, a partial match removes nothing",
            List.of(rule("action", "labeldrop", "regex", "tmp")),
            labels("tmp_a", "1"), labels("tmp_a", "1")),
        row("labeldrop: can remove __name__",
            List.of(rule("action", "labeldrop", "regex", "__name__")),
            labels("__name__", "up", "job", "api"), labels("job", "api")),
        row("labelkeep: keeps only matching labels",
            List.of(rule("action", "labelkeep", "regex", "__name__|job|instance")),
            labels("__name__", "up", "job", "api", "pod", "p1", "instance", "h:1"),
            labels("__name__", "up", "instance", "h:1", "job", "api")),
        row("labelkeep: can remove every label",
            List.of(rule("action", "labelkeep", "regex", "nothing")),
            labels("a", "1"), Labels.empty()),
        // ---- lowercase / uppercase
        row("lowercase: writes the joined source value in lower case",
            List.of(rule("action", "lowercase", "source_labels", list("a", "b"),
                "target_label", "c")),
            labels("a", "FOO", "b", "Bar"), labels("a", "FOO", "b", "Bar", "c", "foo;bar")),
        row("uppercase: writes the source value in upper case",
            List.of(rule("action", "uppercase", "source_labels", list("a"),
                "target_label", "a")),
            labels("a", "foo"), labels("a", "FOO")),
        row("uppercase: one code point at a time, as Go (ß has no single upper case)",
            List.of(rule("action", "uppercase", "source_labels", list("a"),
                "target_label", "b")),
            labels("a", "straße"), labels("a", "straße", "b", "STRAßE")),
        row("lowercase: simple mapping, capital dotted I becomes i",
            List.of(rule("action", "lowercase", "source_labels", list("a"),
                "target_label", "b")),
            labels("a", "İSTANBUL ΣΑΣ"), labels("a", "İSTANBUL ΣΑΣ", "b", "istanbul σασ")),
        row("lowercase: an empty source removes the target",
            List.of(rule("action", "lowercase", "source_labels", list("none"),
                "target_label", "b")),
            labels("b", "x"), Labels.empty()),
        // ---- general
        row("rules run in order: drop sees the renamed metric",
            List.of(
                rule("source_labels", list("__name__"), "regex", "old", "target_label",
                    "__name__", "replacement", "new"),
                rule("action", "drop", "source_labels", list("__name__"), "regex", "new")),
            labels("__name__", "old"), DROPPED),
        row("a drop stops further rules",
            List.of(
                rule("action", "drop", "source_labels", list("a")),
                rule("target_label", "b", "replacement", "never")),
            labels("a", "1"), DROPPED),
        row("input labels with empty values count as absent",
            List.of(rule("action", "keep", "source_labels", list("a"), "regex", "")),
            labels("a", "", "b", "1"), labels("b", "1")));
  }

  private static Arguments row(
      String name, List<Map<String, Object>> rules, Labels input, Labels expected) {
    return arguments(name, rules, input, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesLikePrometheus(
      String name, List<Map<String, Object>> rules, Labels input, Labels expected)
      throws RelabelException {
    assertThat(compile(NameValidation.UTF8, rules).apply(input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void legacyValidationAppliesAlike(
      String name, List<Map<String, Object>> rules, Labels input, Labels expected)
      throws RelabelException {
    assertThat(compile(NameValidation.LEGACY, rules).apply(input)).isEqualTo(expected);
  }

  @Test
  void ruleThatChangesNothingReturnsTheSameInstance() throws RelabelException {
    RelabelRules rules =
        compile(
            NameValidation.UTF8,
            List.of(
                rule("action", "keep", "source_labels", list("job")),
                rule("source_labels", list("a"), "target_label", "b"),
                rule("action", "labeldrop", "regex", "tmp_.*"),
                rule("action", "labelmap", "regex", "x_(.+)")));
    Labels in = labels("a", "1", "b", "1", "job", "api");
    assertThat(rules.apply(in)).isSameAs(in);
  }

  @Test
  void changesThatCancelOutReturnTheSameInstance() throws RelabelException {
    RelabelRules rules =
        compile(
            NameValidation.UTF8,
            List.of(
                rule("target_label", "tmp", "replacement", "x"),
                rule("action", "labeldrop", "regex", "tmp")));
    Labels in = labels("a", "1");
    assertThat(rules.apply(in)).isSameAs(in);
  }

  @Test
  void noRulesReturnTheInput() {
    Labels in = labels("a", "1");
    assertThat(RelabelRules.none().apply(in)).isSameAs(in);
    assertThat(RelabelRules.none().size()).isZero();
  }

  @Test
  void legacyValidationSkipsATemplateTargetThatIsNotALegacyName() throws RelabelException {
    List<Map<String, Object>> rules =
        List.of(rule("source_labels", list("k"), "regex", "(.*)", "target_label", "x_${1}",
            "replacement", "v"));
    Labels in = labels("k", "a-b");
    assertThat(compile(NameValidation.LEGACY, rules).apply(in)).isSameAs(in);
    assertThat(compile(NameValidation.UTF8, rules).apply(in))
        .isEqualTo(labels("k", "a-b", "x_a-b", "v"));
  }

  @Test
  void rulesAreSafeToShareAcrossThreads() throws Exception {
    RelabelRules rules =
        compile(
            NameValidation.UTF8,
            List.of(
                rule("source_labels", list("i"), "regex", "(\\d+)", "target_label", "j",
                    "replacement", "n$1"),
                rule("action", "hashmod", "source_labels", list("i"), "modulus", 4,
                    "target_label", "s")));
    Thread[] threads = new Thread[4];
    java.util.concurrent.atomic.AtomicInteger failures =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  Labels out = rules.apply(labels("i", Integer.toString(i)));
                  if (out == null || !("n" + i).equals(out.get("j"))) {
                    failures.incrementAndGet();
                  }
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).hasValue(0);
  }
}
