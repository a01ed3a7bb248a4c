package dev.rosetta.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HtpasswdTest {
  static boolean matches(Htpasswd h, String user, String password) {
    return h.user(user).map(p -> p.matches(password.getBytes(StandardCharsets.UTF_8))).orElse(false);
  }

  @Test
  void readsUsersSkippingCommentsAndBlankLines() throws Exception {
    Htpasswd h = Htpasswd.parse("""
        # the scrapers
        prometheus:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\r
          \t
        grafana:$apr1$Xy7.Qz/a$/2XGojIlNQ9XAFG2z63QK0
        app:plain:with:colons
        """);
    assertThat(h.size()).isEqualTo(3);
    assertThat(matches(h, "prometheus", "secret")).isTrue();
    assertThat(matches(h, "grafana", "secret")).isTrue();
    assertThat(matches(h, "app", "plain:with:colons")).as("the user ends at the first colon").isTrue();
    assertThat(h.user("nobody")).isEmpty();
    assertThat(h.toString()).isEqualTo("htpasswd(3 users)");
  }

  @Test
  void aUserListedTwiceTakesTheLaterLineAndMergedInlineUsersWin() throws Exception {
    Htpasswd file = Htpasswd.parse("a:one\na:two\nb:bee\n");
    assertThat(matches(file, "a", "two")).isTrue();
    assertThat(matches(file, "a", "one")).isFalse();
    Htpasswd merged = Htpasswd.merge(file, Htpasswd.parse("b:inline\nc:sea\n"));
    assertThat(matches(merged, "a", "two")).isTrue();
    assertThat(matches(merged, "b", "inline")).isTrue();
    assertThat(matches(merged, "b", "bee")).isFalse();
    assertThat(matches(merged, "c", "sea")).isTrue();
  }

  @Test
  void badLinesAreNamedByNumberAndUserWithoutTheirPassword() {
    assertThatThrownBy(() -> Htpasswd.parse("ok:fine\nno-colon-here\n:empty-user\nbob:$2y$05$broken\n"))
        .isInstanceOfSatisfying(Htpasswd.InvalidException.class, e -> assertThat(e.problems()).containsExactly(
            "line 2: expected user:password (there is no ':')",
            "line 3: the user name before ':' is empty",
            "line 4 (user \"bob\"): malformed bcrypt hash: expected $2y$<cost>$<53 characters>"))
        .hasMessageNotContaining("no-colon-here").hasMessageNotContaining("$2y$05$broken")
        .hasMessageNotContaining("empty-user");
  }

  @Test
  void noUserAtAllIsAnError() throws Exception {
    assertThatThrownBy(() -> Htpasswd.parse("# nothing\n\n")).hasMessageContaining("no user");
    assertThat(Htpasswd.parse("", true).size()).isZero();
  }
}
