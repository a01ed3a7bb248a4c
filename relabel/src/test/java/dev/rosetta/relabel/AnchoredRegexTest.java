package dev.rosetta.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The shortcuts for common regex shapes must agree with re2j on every input. */
class AnchoredRegexTest {
  private static final String ALPHABET = "ab_:.\n-é";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "a", "ab", "a.b", "(.*)", "(.+)", ".*", ".+", "a(.*)", "(.*)b", "a_(.+)_b", "a.*",
        ".+b", "a|b", "a|", "|", "(a|b)", "(ab|a|)", "a|b|a_b", "__meta_(.+)", "a.b|c", "a(.*)|b",
        "(a)(.*)", "(?i)a", "a\\.b", "[ab]+", "a{2}", "a)|(b", "é(.*)", "(.*)\n", "a.*|b",
        "a|.*b", "a_.+|b.*_|ab", ".*|a", "a.*|(b)", "a.*b|", "a.b.*|c"
      })
  void shortcutsAgreeWithRe2j(String regex) {
    AnchoredRegex r = AnchoredRegex.compile(regex);
    Pattern p = Pattern.compile("^(?s:" + regex + ")$");
    List<String> samples = samples();
    samples.addAll(samples()); // the second round is answered from the cache
    for (String s : samples) {
      Matcher m = p.matcher(s);
      boolean found = m.find();
      assertThat(r.matches(s)).as("%s ~ %s", regex, s).isEqualTo(found);
      int[] offsets = r.match(s);
      if (!found) {
        assertThat(offsets).isNull();
        continue;
      }
      assertThat(offsets).hasSize(2 * m.groupCount() + 2);
      for (int g = 0; g <= m.groupCount(); g++) {
        assertThat(offsets[2 * g]).as("start %d of %s ~ %s", g, regex, s).isEqualTo(m.start(g));
        assertThat(offsets[2 * g + 1]).as("end %d", g).isEqualTo(m.end(g));
      }
    }
  }

  private static List<String> samples() {
    List<String> out = new ArrayList<>(List.of("", "a", "b", "ab", "a_b", "__meta_x", "é", "\n"));
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(6);
      for (int k = 0; k < len; k++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      out.add(sb.toString());
    }
    return out;
  }

  static Stream<Arguments> replaceAlls() {
    // worked out by hand from Go's ReplaceAllString on the anchored form
    return Stream.of(
        arguments("(.*)", "ab", "<$1>", "<ab>"),
        arguments("a(.*)", "ab", "<$1>", "<b>"),
        arguments("x", "ab", "<$0>", null),
        arguments("[ab]+", "ab", "<$0>", "<ab>"),
        arguments("a)|(b", "ab", "<$0>", "<a><b>"),
        arguments("a)|(b", "xb", "<$0>", "x<b>"),
        arguments("a)|(b", "ax", "<$0>", "<a>x"),
        arguments("a)|(b", "x", "<$0>", null));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("replaceAlls")
  void replaceAllLikeGo(String regex, String input, String template, String expected) {
    AnchoredRegex r = AnchoredRegex.compile(regex);
    ExpandTemplate t = ExpandTemplate.parse(template, r.groupCount(), r.namedGroups());
    assertThat(r.replaceAll(input, t)).isEqualTo(expected);
  }

  static Stream<Arguments> templates() {
    // expected values worked out by hand from Go's regexp.Expand rules
    return Stream.of(
        arguments("plain $1", "$1", "x"),
        arguments("braced", "${1}y", "xy"),
        arguments("greedy name: $1y is group 1y", "$1y", ""),
        arguments("group 0 is the whole match", "<$0>", "<x-z>"),
        arguments("named", "$first/${second}", "x/z"),
        arguments("dollar dollar", "$$1", "$1"),
        arguments("lone dollar at the end", "a$", "a$"),
        arguments("dollar before a non-name character", "$-$1", "$-x"),
        arguments("unclosed brace is text", "${1", "${1"),
        arguments("empty braces are text", "${}", "${}"),
        arguments("leading zero makes a name, not a number", "$01", ""),
        arguments("missing number", "[$9]", "[]"),
        arguments("letters of any script are name characters", "$1é", ""),
        arguments("huge number is a missing name", "$999999999999", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("templates")
  void expandsLikeGo(String name, String template, String expected) {
    AnchoredRegex r = AnchoredRegex.compile("(?P<first>\\w)-(?P<second>\\w)");
    Map<String, Integer> names = r.namedGroups();
    ExpandTemplate t = ExpandTemplate.parse(template, r.groupCount(), names);
    assertThat(t.expand("x-z", r.match("x-z"))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a$$b"})
  void templatesWithoutReferencesAreConstant(String template) {
    ExpandTemplate t = ExpandTemplate.parse(template, 1, Map.of());
    assertThat(t.hasReferences()).isFalse();
    assertThat(t.constant()).isEqualTo(template.replace("$$", "$"));
  }
}
