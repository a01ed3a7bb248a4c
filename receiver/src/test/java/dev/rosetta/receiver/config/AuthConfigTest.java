package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.cli.ValidateCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bearertokenauth}, {@code basicauth} and {@code auth: {authenticator: ...}}, as the Collector writes them. */
class AuthConfigTest {
  static final String SECRET = "sekrit-7f3a9c";

  static RosettaConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return ConfigLoader.parse(yaml, "c.yaml", env, FileCheck.none());
  }

  static List<String> errors(String yaml) {
    try {
      parse(yaml, Map.of());
      return List.of();
    } catch (ConfigException e) {
      e.errors().forEach(er -> assertThat(er.value()).as("a reported value").doesNotContain(SECRET));
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }

  @Test
  void theCollectorsExampleBinds() throws ConfigException {
    RosettaConfig c = parse("""
        extensions:
          bearertokenauth: {token: "${env:ROSETTA_TOKEN}"}
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 0.0.0.0:4317, auth: {authenticator: bearertokenauth}}
              http: {endpoint: 0.0.0.0:4318, auth: {authenticator: bearertokenauth}}
        service:
          extensions: [bearertokenauth]
        """, Map.of("ROSETTA_TOKEN", SECRET));
    BearerTokenAuthConfig expected = new BearerTokenAuthConfig(ComponentId.of("bearertokenauth"), "Authorization",
        "Bearer", List.of(Secret.of(SECRET)), Optional.empty());
    assertThat(c.receivers().otlp().grpc().orElseThrow().auth()).contains(expected);
    assertThat(c.receivers().otlp().http().orElseThrow().auth()).contains(expected);
    assertThat(c.exporters().prometheus().auth()).isEmpty();
    assertThat(c.toString()).as("a configuration can be printed without its secrets").doesNotContain(SECRET)
        .contains("(hidden)");
  }

  @Test
  void everyKeyOfBothAuthenticatorsAndTheExpositionsTlsAndAuth() throws ConfigException {
    RosettaConfig c = parse("""
        extensions:
          bearertokenauth/keys: {tokens: [one, two], scheme: "", header: X-Api-Key}
          bearertokenauth/file: {filename: /var/run/secrets/token, scheme: Token}
          basicauth/scrape: {htpasswd: {file: /etc/rosetta/htpasswd, inline: "prometheus:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ="}}
        exporters:
          prometheus:
            tls: {cert_file: s.crt, key_file: s.key, client_ca_file: ca.crt}
            auth: {authenticator: basicauth/scrape}
        service:
          extensions: [bearertokenauth/keys, bearertokenauth/file, basicauth/scrape]
        """, Map.of());
    ExtensionsConfig x = c.extensions();
    assertThat(x.enabled(new ComponentId("bearertokenauth", "keys"), BearerTokenAuthConfig.class)).hasValueSatisfying(b -> {
      assertThat(b.tokens()).containsExactly(Secret.of("one"), Secret.of("two"));
      assertThat(b.scheme()).isEmpty();
      assertThat(b.header()).isEqualTo("X-Api-Key");
    });
    assertThat(x.enabled(new ComponentId("bearertokenauth", "file"), BearerTokenAuthConfig.class)).hasValueSatisfying(b -> {
      assertThat(b.filename()).contains(Path.of("/var/run/secrets/token"));
      assertThat(b.scheme()).isEqualTo("Token");
    });
    assertThat(c.exporters().prometheus().tls())
        .contains(new TlsServerConfig(Path.of("s.crt"), Path.of("s.key"), Optional.of(Path.of("ca.crt"))));
    assertThat(c.exporters().prometheus().auth()).hasValueSatisfying(a -> {
      assertThat(a).isInstanceOf(BasicAuthConfig.class);
      assertThat(((BasicAuthConfig) a).htpasswdFile()).contains(Path.of("/etc/rosetta/htpasswd"));
    });
  }

  @Test
  void referencesMustNameAnAuthenticatorInForce() {
    assertThat(errors("receivers: {otlp: {protocols: {http: {auth: {authenticator: bearertokenauth}}}}}"))
        .singleElement().asString().contains("receivers.otlp.protocols.http.auth.authenticator")
        .contains("\"bearertokenauth\" is not declared under \"extensions\"");
    assertThat(errors("""
        extensions: {bearertokenauth: {token: abc}}
        receivers: {otlp: {protocols: {grpc: {auth: {authenticator: bearertokenauth}}}}}
        """)).singleElement().asString().contains("declared but not enabled: add it to service.extensions");
    assertThat(errors("""
        extensions: {bearertokenauth: {token: abc}}
        exporters: {prometheus: {auth: {}}}
        service: {extensions: [bearertokenauth]}
        """)).singleElement().asString().contains("exporters.prometheus.auth.authenticator")
        .contains("required key \"authenticator\" is missing");
    assertThat(errors("""
        extensions: {bearertokenauth: {token: abc}}
        exporters: {prometheus: {auth: {authenticator: bearertokenauth, request_params: [a]}}}
        service: {extensions: [bearertokenauth]}
        """)).singleElement().asString().contains("unknown key \"request_params\"");
  }

  @Test
  void bearerTokenMistakesAreNamedWithoutShowingTheToken() {
    String service = "service: {extensions: [bearertokenauth]}\n";
    assertThat(errors("extensions: {bearertokenauth: {}}\n" + service)).singleElement().asString()
        .contains("no bearer token: set token, tokens or filename");
    assertThat(errors("extensions: {bearertokenauth: {token: a, tokens: [b]}}\n" + service)).singleElement()
        .asString().contains("token and tokens are both set");
    assertThat(errors("extensions: {bearertokenauth: {token: " + SECRET + ", filename: /t}}\n" + service))
        .singleElement().asString().contains("filename and token are both set");
    assertThat(errors("extensions: {bearertokenauth: {token: [" + SECRET + "]}}\n" + service)).singleElement()
        .asString().contains("expected a string, found a list (quote the token; the value is not shown)")
        .doesNotContain(SECRET);
    assertThat(errors("extensions: {bearertokenauth: {tokens: [{x: " + SECRET + "}]}}\n" + service))
        .singleElement().asString().doesNotContain(SECRET);
    assertThat(errors("extensions: {bearertokenauth: {token: \"${env:UNSET:-}\"}}\n" + service)).singleElement()
        .asString().contains("the token is empty");
    assertThat(errors("extensions: {bearertokenauth: {token: \" " + SECRET + "\"}}\n" + service)).singleElement()
        .asString().contains("starts or ends with blanks").doesNotContain(SECRET);
    assertThat(errors("extensions: {bearertokenauth: {token: a, scheme: \"Bearer token\"}}\n" + service))
        .singleElement().asString().contains("invalid scheme \"Bearer token\"");
    assertThat(errors("extensions: {bearertokenauth: {token: a, header: x-token-bin}}\n" + service))
        .singleElement().asString().contains("binary gRPC metadata");
  }

  @Test
  void basicAuthMistakesAreNamedWithoutShowingPasswords() {
    String service = "service: {extensions: [basicauth]}\n";
    assertThat(errors("extensions: {basicauth: {}}\n" + service)).singleElement().asString()
        .contains("required key \"htpasswd\" is missing");
    assertThat(errors("extensions: {basicauth: {htpasswd: {}}}\n" + service)).singleElement().asString()
        .contains("htpasswd needs file");
    assertThat(errors("extensions: {basicauth: {client_auth: {username: u, password: " + SECRET + "}}}\n" + service))
        .anySatisfy(e -> assertThat(e).contains("client_auth (credentials to send) is not supported"))
        .allSatisfy(e -> assertThat(e).doesNotContain(SECRET));
    assertThat(errors("""
        extensions:
          basicauth:
            htpasswd:
              inline: |
                alice:$2y$05$%1$s
                bob
                carol:$argon2id$v=19$%1$s
        service: {extensions: [basicauth]}
        """.formatted(SECRET)))
        .containsExactly(
            "c.yaml:4:15: extensions.basicauth.htpasswd.inline: htpasswd content: line 1 (user \"alice\"): malformed bcrypt"
                + " hash: expected $2y$<cost>$<53 characters>",
            "c.yaml:4:15: extensions.basicauth.htpasswd.inline: htpasswd content: line 2: expected user:password (there is"
                + " no ':')",
            "c.yaml:4:15: extensions.basicauth.htpasswd.inline: htpasswd content: line 3 (user \"carol\"): unsupported"
                + " password hash scheme \"$argon2id$\"; supported: bcrypt ($2y$, $2b$, $2a$), SHA-crypt ($5$, $6$),"
                + " APR1-MD5 ($apr1$), MD5-crypt ($1$), {SHA}, {SSHA} and plain text (write {PLAIN}password for a"
                + " plain password that starts like a scheme)");
  }

  @Test
  void validatePrintsTheProblemsButNoSecret(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rosetta.yaml");
    Files.writeString(file, """
        extensions:
          bearertokenauth: {token: [%1$s]}
          basicauth: {htpasswd: {inline: "u:$2y$04$%1$s"}}
        receivers: {otlp: {protocols: {http: {auth: {authenticator: bearertokenauth}}}}}
        service: {extensions: [bearertokenauth, basicauth]}
        """.formatted(SECRET));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ValidateCommand.run(new String[] {"validate", "--config", file.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(ValidateCommand.INVALID);
    assertThat(printed).contains("extensions.bearertokenauth.token").contains("extensions.basicauth.htpasswd.inline")
        .doesNotContain(SECRET);
  }

  @Test
  void validateReadsTheCredentialFilesAsTheServiceWill(@TempDir Path dir) throws Exception {
    Path pki = Path.of("src/test/resources/tls").toAbsolutePath();
    Files.writeString(dir.resolve("token"), "\n  \n");
    Files.writeString(dir.resolve("htpasswd"), "ok:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\nbad:$2y$05$" + SECRET + "\n");
    Path file = dir.resolve("rosetta.yaml");
    Files.writeString(file, """
        extensions:
          bearertokenauth: {filename: "%1$s/token"}
          basicauth: {htpasswd: {file: "%1$s/htpasswd"}}
        receivers:
          otlp:
            protocols:
              grpc: {tls: {cert_file: "%2$s/server.pem", key_file: "%2$s/client.key"}}
              http: {tls: {cert_file: "%2$s/server.pem", key_file: "%2$s/server.key", client_ca_file: "%2$s/client.key"}}
        service: {extensions: [bearertokenauth, basicauth]}
        """.formatted(dir, pki));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ValidateCommand.run(new String[] {"validate", "--config", file.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(ValidateCommand.INVALID);
    assertThat(printed.lines()).containsExactly(
        file + ": extensions.bearertokenauth.filename: " + dir.resolve("token")
            + ": the file holds no token (it is empty or blank)",
        file + ": extensions.basicauth.htpasswd.file: " + dir.resolve("htpasswd")
            + ": line 2 (user \"bad\"): malformed bcrypt hash: expected $2y$<cost>$<53 characters>",
        file + ": receivers.otlp.protocols.grpc.tls: " + pki.resolve("server.pem") + ", " + pki.resolve("client.key")
            + ": key_file does not hold the private key of the first certificate of cert_file (a renewed"
            + " certificate without its key, or the files of two different pairs)",
        file + ": receivers.otlp.protocols.http.tls.client_ca_file: " + pki.resolve("client.key")
            + ": no certificate: expected a PEM block \"-----BEGIN CERTIFICATE-----\"");
    assertThat(printed).doesNotContain(SECRET);
  }
}
