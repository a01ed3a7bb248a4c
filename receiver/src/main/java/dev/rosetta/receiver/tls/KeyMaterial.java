package dev.rosetta.receiver.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A server's certificate chain and the private key of its first certificate, checked to belong
 * together: a certificate renewed before its key (or a half-copied pair) is refused rather than
 * served.
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public KeyMaterial {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("empty chain");
    }
  }

  /**
   * Reads a certificate file and a key file, and checks that the key is the certificate's.
   *
   * @throws Pem.PemException saying which file is wrong and how
   */
  public static KeyMaterial parse(byte[] certFile, byte[] keyFile) throws Pem.PemException {
    List<X509Certificate> chain;
    try {
      chain = Pem.certificates(certFile);
    } catch (Pem.PemException e) {
      throw new Pem.PemException("cert_file: " + e.getMessage());
    }
    PrivateKey key;
    try {
      key = Pem.privateKey(keyFile);
    } catch (Pem.PemException e) {
      throw new Pem.PemException("key_file: " + e.getMessage());
    }
    if (!belong(key, chain.get(0).getPublicKey())) {
      throw new Pem.PemException("key_file does not hold the private key of the first certificate of cert_file"
          + " (a renewed certificate without its key, or the files of two different pairs)");
    }
    return new KeyMaterial(key, chain);
  }

  /** Whether {@code key} signs what {@code publicKey} verifies. */
  static boolean belong(PrivateKey key, PublicKey publicKey) {
    String algorithm = key.getAlgorithm();
    if (!algorithm.equals(publicKey.getAlgorithm())) {
      return false;
    }
    String signature = switch (algorithm) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    if (signature == null) {
      return true; // RSASSA-PSS and rarer kinds: the handshake is the check
    }
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      Signature s = Signature.getInstance(signature);
      s.initSign(key);
      s.update(challenge);
      byte[] signed = s.sign();
      Signature v = Signature.getInstance(signature);
      v.initVerify(publicKey);
      v.update(challenge);
      return v.verify(signed);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  @Override
  public String toString() {
    return "key material for " + leaf().getSubjectX500Principal().getName();
  }
}
