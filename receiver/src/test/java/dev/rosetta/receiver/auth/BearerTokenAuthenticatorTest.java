package dev.rosetta.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BearerTokenAuthenticatorTest {
  static Verdict verdict(Authenticator a, String header) {
    var f = a.authenticate(header);
    assertThat(f).as("bearer tokens are decided at once").isDone();
    return f.join();
  }

  @Test
  void theSchemeIsMatchedWithoutCaseTheTokenExactly() {
    var a = new BearerTokenAuthenticator("bearertokenauth", "Authorization", "Bearer",
        () -> BearerTokenAuthenticator.Tokens.of(List.of("s3cr3t", "other")));
    assertThat(a.header()).isEqualTo("authorization");
    assertThat(verdict(a, "Bearer s3cr3t")).isEqualTo(Verdict.ACCEPTED);
    assertThat(verdict(a, "bearer s3cr3t")).isEqualTo(Verdict.ACCEPTED);
    assertThat(verdict(a, "Bearer   other ")).isEqualTo(Verdict.ACCEPTED);
    assertThat(verdict(a, "Bearer S3CR3T")).isEqualTo(Verdict.INVALID);
    assertThat(verdict(a, "Bearer s3cr3")).isEqualTo(Verdict.INVALID);
    assertThat(verdict(a, "Bearer s3cr3tt")).isEqualTo(Verdict.INVALID);
    assertThat(verdict(a, "Basic czNjcjN0")).isEqualTo(Verdict.MALFORMED);
    assertThat(verdict(a, "Bearers3cr3t")).isEqualTo(Verdict.MALFORMED);
    assertThat(verdict(a, "s3cr3t")).isEqualTo(Verdict.MALFORMED);
    assertThat(verdict(a, "Bearer ")).isEqualTo(Verdict.MALFORMED);
    assertThat(verdict(a, null)).isEqualTo(Verdict.MISSING);
    assertThat(verdict(a, "  ")).isEqualTo(Verdict.MISSING);
    assertThat(a.challenge()).hasValue("Bearer realm=\"rosetta\"");
  }

  @Test
  void anEmptySchemeTakesTheHeaderAsTheToken() {
    var a = new BearerTokenAuthenticator("bearertokenauth/key", "X-Api-Key", "",
        () -> BearerTokenAuthenticator.Tokens.of(List.of("k-123")));
    assertThat(a.header()).isEqualTo("x-api-key");
    assertThat(verdict(a, "k-123")).isEqualTo(Verdict.ACCEPTED);
    assertThat(verdict(a, "Bearer k-123")).isEqualTo(Verdict.INVALID);
    assertThat(a.challenge()).isEmpty();
  }

  @Test
  void tokensComeFromTheSupplierAtEachRequest() {
    AtomicReference<BearerTokenAuthenticator.Tokens> tokens =
        new AtomicReference<>(BearerTokenAuthenticator.Tokens.of(List.of("old")));
    var a = new BearerTokenAuthenticator("b", "Authorization", "Bearer", tokens::get);
    assertThat(verdict(a, "Bearer old")).isEqualTo(Verdict.ACCEPTED);
    tokens.set(BearerTokenAuthenticator.Tokens.parseFile("  new \n\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(verdict(a, "Bearer old")).isEqualTo(Verdict.INVALID);
    assertThat(verdict(a, "Bearer new")).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void aTokenFileHoldsOneTokenPerLine() {
    var t = BearerTokenAuthenticator.Tokens.parseFile("one\r\ntwo\n\n three \n".getBytes(StandardCharsets.UTF_8));
    assertThat(t.digests()).hasSize(3);
    assertThat(t.toString()).isEqualTo("3 token(s)");
    assertThatThrownBy(() -> BearerTokenAuthenticator.Tokens.parseFile(" \n\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("no token");
  }
}
