package dev.rosetta.receiver.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusHtmlTest {
  @Test
  void everyTextIsEscaped() {
    String evil = "<script>alert('x')</script> & \"q\"";
    StatusPage page = new StatusPage(evil, "now", List.of(new StatusPage.Section("s\"id", evil,
        List.of(new StatusPage.Fact(evil, evil)),
        List.of(new StatusPage.Table("t", evil, List.of(evil), List.of(List.of(evil)), 0, evil)))));
    String html = StatusHtml.render(page);
    assertThat(html).doesNotContain("<script").doesNotContain("'x'").doesNotContain("s\"id");
    assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        .contains("id=\"s&quot;id\"").contains("href=\"#s&quot;id\"");
  }

  @Test
  void escapeKeepsPlainTextAndReplacesControlCharacters() {
    assertThat(StatusHtml.escape("jvm_memory_used_bytes")).isEqualTo("jvm_memory_used_bytes");
    assertThat(StatusHtml.escape("a\u0000b\nc\td\u001b")).isEqualTo("a\uFFFDb\nc\td\uFFFD");
  }

  @Test
  void theDocumentLoadsNothingAndSaysWhatItLeftOut() {
    StatusPage page = new StatusPage("Rosetta status", "now", List.of(new StatusPage.Section("x", "X", List.of(),
        List.of(new StatusPage.Table("t", "T", List.of("a", "b"), List.of(List.of("1", "two")), 41, "none"),
            new StatusPage.Table("e", "E", List.of("a"), List.of(), 0, "nothing here")))));
    String html = StatusHtml.render(page);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").doesNotContain("<script")
        .doesNotContain("<link").doesNotContain("src=").doesNotContain("http://").doesNotContain("https://");
    assertThat(html).contains("<table id=\"t\">").contains("<td class=\"n\">1</td><td>two</td>")
        .contains("and 41 more not shown").contains("<p class=\"empty\">nothing here</p>");
  }

  @Test
  void aRowMustFitItsColumns() {
    assertThatThrownBy(() -> new StatusPage.Table("t", "T", List.of("a", "b"), List.of(List.of("1")), 0, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table t");
  }
}
