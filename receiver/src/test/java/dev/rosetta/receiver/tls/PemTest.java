package dev.rosetta.receiver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Certificates and keys in the PEM forms found in practice (see src/test/resources/tls/generate.sh). */
class PemTest {
  static final Path PKI = Path.of("src/test/resources/tls");

  static byte[] read(String name) throws Exception {
    return Files.readAllBytes(PKI.resolve(name));
  }

  @Test
  void pkcs8EcKeyAndItsCertificate() throws Exception {
    KeyMaterial m = KeyMaterial.parse(read("server.pem"), read("server.key"));
    assertThat(m.key().getAlgorithm()).isEqualTo("EC");
    assertThat(m.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=rosetta-server");
  }

  @Test
  void sec1EcKey() throws Exception {
    assertThat(new String(read("other-server.key"), StandardCharsets.US_ASCII)).contains("BEGIN EC PRIVATE KEY");
    KeyMaterial m = KeyMaterial.parse(read("other-server.pem"), read("other-server.key"));
    assertThat(m.key().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void pkcs1RsaKey() throws Exception {
    assertThat(new String(read("rsa-server.key"), StandardCharsets.US_ASCII)).contains("BEGIN RSA PRIVATE KEY");
    KeyMaterial m = KeyMaterial.parse(read("rsa-server.pem"), read("rsa-server.key"));
    assertThat(m.key().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() {
    assertThatThrownBy(() -> KeyMaterial.parse(read("server.pem"), read("client.key")))
        .isInstanceOf(Pem.PemException.class).hasMessageContaining("key_file does not hold the private key");
    assertThatThrownBy(() -> KeyMaterial.parse(read("server.pem"), read("rsa-server.key")))
        .hasMessageContaining("key_file does not hold the private key");
  }

  @Test
  void problemsAreNamedWithoutQuotingTheContent() {
    String key = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n";
    assertThatThrownBy(() -> Pem.privateKey(key.getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("encrypted").hasMessageNotContaining("MIIB");
    assertThatThrownBy(() -> Pem.privateKey("hello".getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("no private key");
    assertThatThrownBy(() -> KeyMaterial.parse("not a certificate".getBytes(StandardCharsets.US_ASCII), read("server.key")))
        .hasMessageStartingWith("cert_file: no certificate");
    String garbled = "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(() -> Pem.privateKey(garbled.getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("cannot be read").hasMessageNotContaining("AAAA");
  }

  @Test
  void aChainKeepsItsOrderAndTextAroundBlocksIsIgnored() throws Exception {
    String bundle = "subject=CN = rosetta-server\n" + Files.readString(PKI.resolve("server.pem")) + "\nsome text\n"
        + Files.readString(PKI.resolve("ca.pem"));
    var certs = Pem.certificates(bundle.getBytes(StandardCharsets.US_ASCII));
    assertThat(certs).hasSize(2);
    assertThat(certs.get(1).getSubjectX500Principal().getName()).isEqualTo("CN=Rosetta Test CA");
  }
}
