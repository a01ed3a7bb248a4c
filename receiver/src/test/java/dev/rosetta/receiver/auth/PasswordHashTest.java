package dev.rosetta.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The htpasswd password encodings, against published test vectors (go-htpasswd's, which the
 * Collector's basicauth uses) and hashes written by {@code openssl passwd}.
 */
class PasswordHashTest {
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> vectors() {
    return Stream.of(
        // bcrypt (go-htpasswd)
        Arguments.of("bcrypt", "$2y$05$bWBMg3oUStnhfy5rFvoyreviPySU6hvEmBub5wIlM/D.c5FeYJQ6O", "bar"),
        Arguments.of("bcrypt", "$2b$08$hQbZuw.cHsECArUAP9mOjehaJxTG9NMJfioQIHcbC0YyXpVybhoQa", "bar"),
        // APR1-MD5 (go-htpasswd; openssl passwd -apr1)
        Arguments.of("apr1", "$apr1$gxNb79DX$6wi9QaGNM5TA0kBKiC4710", "mickey5"),
        Arguments.of("apr1", "$apr1$kv1uUfCO$iEwrWojf92uZ/9uhTQmMo.", "alexandrew"),
        Arguments.of("apr1", "$apr1$OZ.RwYJH$AwfW2h0gJnu2fQi0GegVe1", "DIENOW"),
        Arguments.of("apr1", "$apr1$Xy7.Qz/a$/2XGojIlNQ9XAFG2z63QK0", "secret"),
        Arguments.of("apr1", "$apr1$Xy7.Qz/a$7HLwtFwqy4vcbDc5K.iiE.", "correct horse battery staple"),
        Arguments.of("apr1", "$apr1$Xy7.Qz/a$jL9OVWRXlNqdlOo9smNnx1", "p@ss:word"),
        // MD5-crypt (openssl passwd -1)
        Arguments.of("md5-crypt", "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", "secret"),
        Arguments.of("md5-crypt", "$1$abcdefgh$4/U5.w6NPtLkJ2WyrTwm91", "correct horse battery staple"),
        // SHA-crypt (go-htpasswd; openssl passwd -5 / -6)
        Arguments.of("sha256-crypt", "$5$123456$2hClNSDw3lZ0X/9PFBSI2eCGMOS06v6IbChiRsjy6tA", "mickey"),
        Arguments.of("sha256-crypt", "$5$gildor$/96zrUL6Si5ApMDxKlIvMHefBZz04JXJeg.Lp1fjhg1", "princessbuttercup"),
        Arguments.of("sha256-crypt", "$5$saltsaltsaltsalt$X0ra9qlY7TJaGBDgorLevriQfwysW8fXnbybcO4mF4/", "secret"),
        Arguments.of("sha256-crypt", "$5$saltsaltsaltsalt$bPJpWK7vm672W79VQB0m5/jkpFJLCXVgRFgJGTHMelA",
            "correct horse battery staple"),
        Arguments.of("sha256-crypt", "$5$rounds=10000$roundsalt$Ir17alcHHSAy9edZ6UCPUEUP2l8QxS33XlaJRjYjlNB", "secret"),
        Arguments.of("sha512-crypt", "$6$123456$By3XGEfRf2RwFvWYR0kHRVJGq2/IKwLEGQxwyncoP88TGiBzHMBmvrTNxHgyqrmhZ/M7CGtkfIw0rBRfewW.y1",
            "vinnie6"),
        // a salt longer than 16 characters counts with its first 16
        Arguments.of("sha512-crypt", "$6$98765432101234567890$FPU3HtJ9RcPVUvxifkIJ/AlrBxWLqJQvyxK2f8x4qDX/A1RpcIvgjToU5erVkR6XUl7qwPsm7idpbMH5f/pBn0",
            "dreadpirateroberts"),
        Arguments.of("sha512-crypt", "$6$rounds=5000$98765432101234567890$FPU3HtJ9RcPVUvxifkIJ/AlrBxWLqJQvyxK2f8x4qDX/A1RpcIvgjToU5erVkR6XUl7qwPsm7idpbMH5f/pBn0",
            "dreadpirateroberts"),
        Arguments.of("sha512-crypt", "$6$short$x4FEozmKbZBFlDvscr3jvo07CbGD6Yve.E9Lgx.r6yiFoQbmK0X5xMhCyw2zZOT/XqesoU6iRYMdK6lmCiIT/0",
            "secret"),
        Arguments.of("sha512-crypt", "$6$short$b6yQxO4t9q7Vh/izPTy.FV8eeGIvaMMWRpcWms04LRhepxeCNyInHzEiFYljaY3ksGv4Eqc9//revrtLWuwl60",
            "p@ss:word"),
        // {SHA} (go-htpasswd; openssl dgst -sha1 | base64) and {SSHA}
        Arguments.of("sha1", "{SHA}D9rQ8iK6feNAniulHNKdr5V38ok=", "mickey5"),
        Arguments.of("sha1", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "secret"),
        Arguments.of("ssha", "{SSHA}/lLSOXpMWipWr3ifiighLCpqBiFoMzBM", "password"),
        // plain text, also as nginx's {PLAIN}
        Arguments.of("plain", "s3cr3t", "s3cr3t"),
        Arguments.of("plain", "{PLAIN}s3cr3t", "s3cr3t"),
        Arguments.of("plain", "", ""));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("vectors")
  void matchesItsPasswordAndNoOther(String scheme, String encoded, String password) {
    PasswordHash h = PasswordHash.parse(encoded);
    assertThat(h.scheme()).isEqualTo(scheme);
    assertThat(h.matches(utf8(password))).as("the right password").isTrue();
    assertThat(h.matches(utf8(password + "x"))).as("a longer one").isFalse();
    assertThat(h.matches(utf8("x" + password))).as("another").isFalse();
    if (encoded.length() > 10) {
      assertThat(h.toString()).doesNotContain(encoded.substring(8));
    }
    assertThat(h.decoy().matches(utf8(password))).as("the decoy").isFalse();
    assertThat(h.decoy().scheme()).isEqualTo(scheme);
    assertThat(h.expensive()).isEqualTo(!scheme.equals("plain") && !scheme.equals("sha1") && !scheme.equals("ssha"));
  }

  @Test
  void bcryptOfEveryVersionTheLibraryWrites() {
    for (BCrypt.Version v : new BCrypt.Version[] {BCrypt.Version.VERSION_2A, BCrypt.Version.VERSION_2B,
        BCrypt.Version.VERSION_2Y}) {
      String encoded = BCrypt.with(v).hashToString(4, "hunter2".toCharArray());
      PasswordHash h = PasswordHash.parse(encoded);
      assertThat(h.matches(utf8("hunter2"))).as(encoded).isTrue();
      assertThat(h.matches(utf8("hunter3"))).as(encoded).isFalse();
    }
  }

  @Test
  void bcryptPasswordsLongerThan72BytesNeverMatch() {
    String longPassword = "a".repeat(73);
    String encoded = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "a".repeat(72).toCharArray());
    PasswordHash h = PasswordHash.parse(encoded);
    assertThat(h.matches(utf8("a".repeat(72)))).isTrue();
    assertThat(h.matches(utf8(longPassword))).as("bcrypt would ignore the 73rd byte; Rosetta refuses").isFalse();
  }

  @Test
  void malformedEncodingsAreRefusedWithoutQuotingThem() {
    assertThatThrownBy(() -> PasswordHash.parse("$2y$0")).hasMessageContaining("malformed bcrypt hash")
        .hasMessageNotContaining("$2y$0");
    assertThatThrownBy(() -> PasswordHash.parse("$apr1$nosalt")).hasMessageContaining("malformed APR1-MD5 hash");
    assertThatThrownBy(() -> PasswordHash.parse("$apr1$toolongsalt$6wi9QaGNM5TA0kBKiC4710"))
        .hasMessageContaining("at most 8");
    assertThatThrownBy(() -> PasswordHash.parse("$5$nosalt")).hasMessageContaining("malformed SHA-256-crypt hash");
    assertThatThrownBy(() -> PasswordHash.parse("$6$salt$tooshort")).hasMessageContaining("86 characters");
    assertThatThrownBy(() -> PasswordHash.parse("$5$rounds=x$salt$abc")).hasMessageContaining("rounds=<N>");
    assertThatThrownBy(() -> PasswordHash.parse("{SHA}plaintext")).hasMessageContaining("{SHA}");
    assertThatThrownBy(() -> PasswordHash.parse("{SHA}Ys23Ag/5IOWqZCw9dHwH00=")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> PasswordHash.parse("{SHA}AAAA")).hasMessageContaining("20-byte");
    assertThatThrownBy(() -> PasswordHash.parse("{SSHA}0")).hasMessageContaining("{SSHA}");
  }

  @Test
  void otherCryptSchemesAreRefusedRatherThanTakenForPlainText() {
    assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"))
        .hasMessageContaining("unsupported password hash scheme \"$argon2id$\"").hasMessageContaining("{PLAIN}");
    assertThatThrownBy(() -> PasswordHash.parse("$y$j9T$salt$hash")).hasMessageContaining("\"$y$\"");
    // a plain password that merely contains a dollar sign is still a plain password
    assertThat(PasswordHash.parse("pa$$word").matches(utf8("pa$$word"))).isTrue();
    assertThat(PasswordHash.parse("{PLAIN}$y$word").matches(utf8("$y$word"))).isTrue();
  }
}
