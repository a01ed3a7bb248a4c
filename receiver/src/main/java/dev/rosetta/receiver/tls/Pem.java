package dev.rosetta.receiver.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files: certificate chains, and unencrypted private keys in the three encodings found in
 * practice — PKCS#8 ({@code BEGIN PRIVATE KEY}; RSA, EC, Ed25519, Ed448), PKCS#1 ({@code BEGIN RSA
 * PRIVATE KEY}, what cert-manager writes for RSA by default) and SEC1 ({@code BEGIN EC PRIVATE
 * KEY}, what {@code openssl ecparam -genkey} writes). Text outside the blocks is ignored. Errors say
 * what is wrong, never the content.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** rsaEncryption, 1.2.840.113549.1.1.1 */
  private static final byte[] RSA_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  /** id-ecPublicKey, 1.2.840.10045.2.1 */
  private static final byte[] EC_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private static final String[] PKCS8_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

  private Pem() {}

  /** What is wrong with a PEM file's content (without quoting it). */
  public static final class PemException extends Exception {
    private static final long serialVersionUID = 1L;

    PemException(String message) {
      super(message, null, false, false);
    }
  }

  private record Block(String label, byte[] der) {}

  private static List<Block> blocks(byte[] content) throws PemException {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(new String(content, StandardCharsets.US_ASCII));
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw new PemException("the " + m.group(1) + " block is not valid base64");
      }
      out.add(new Block(m.group(1), der));
    }
    return out;
  }

  /** Every certificate of the file, in order (leaf first for a chain). */
  public static List<X509Certificate> certificates(byte[] content) throws PemException {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory cf;
    try {
      cf = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("X.509 is a required JDK certificate type", e);
    }
    for (Block b : blocks(content)) {
      if (!b.label().equals("CERTIFICATE") && !b.label().equals("TRUSTED CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException e) {
        throw new PemException("certificate " + (out.size() + 1) + " is not a valid X.509 certificate");
      }
    }
    if (out.isEmpty()) {
      throw new PemException("no certificate: expected a PEM block \"-----BEGIN CERTIFICATE-----\"");
    }
    return out;
  }

  /** The private key of the file (its first key block). */
  public static PrivateKey privateKey(byte[] content) throws PemException {
    for (Block b : blocks(content)) {
      switch (b.label()) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der(), "PKCS#8");
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(privateKeyInfo(algorithm(RSA_OID, new byte[] {0x05, 0x00}), b.der()), "PKCS#1 RSA");
        }
        case "EC PRIVATE KEY" -> {
          return pkcs8(privateKeyInfo(algorithm(EC_OID, curve(b.der())), b.der()), "SEC1 EC");
        }
        case "ENCRYPTED PRIVATE KEY" -> throw new PemException(
            "the private key is encrypted; give it unencrypted (openssl pkcs8 -in key.pem -nocrypt -topk8)");
        default -> {
          // EC PARAMETERS, certificates and other blocks are not keys
        }
      }
    }
    throw new PemException("no private key: expected a PEM block \"-----BEGIN PRIVATE KEY-----\" (or RSA / EC PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der, String form) throws PemException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : PKCS8_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    throw new PemException("the " + form + " private key cannot be read (not RSA, EC, Ed25519, Ed448 or DSA, or corrupt)");
  }

  // ---- a little DER, to wrap PKCS#1 and SEC1 keys into PKCS#8 --------------------------------

  /** The namedCurve OID in the [0] parameters of a SEC1 ECPrivateKey. */
  private static byte[] curve(byte[] sec1) throws PemException {
    try {
      Der seq = Der.read(sec1, 0);
      if (seq.tag() != 0x30) {
        throw new PemException("the EC private key is not a DER SEQUENCE");
      }
      int p = seq.valueStart();
      while (p < seq.end()) {
        Der element = Der.read(sec1, p);
        if (element.tag() == 0xa0) {
          Der oid = Der.read(sec1, element.valueStart());
          if (oid.tag() != 0x06) {
            break;
          }
          return java.util.Arrays.copyOfRange(sec1, oid.start(), oid.end());
        }
        p = element.end();
      }
    } catch (IndexOutOfBoundsException e) {
      throw new PemException("the EC private key is truncated");
    }
    throw new PemException("the EC private key does not name its curve; write it as PKCS#8"
        + " (openssl pkcs8 -topk8 -nocrypt)");
  }

  /** SEQUENCE { OID, parameters } with both already DER-encoded (OID value only for the first). */
  private static byte[] algorithm(byte[] oidValue, byte[] parameters) {
    return tlv(0x30, concat(tlv(0x06, oidValue), parameters));
  }

  /** PrivateKeyInfo { version 0, algorithm, privateKey OCTET STRING }. */
  private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
    return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** One DER element: tag, where it starts, where its value starts and where it ends. */
  private record Der(int tag, int start, int valueStart, int end) {
    static Der read(byte[] b, int at) {
      int tag = b[at] & 0xff;
      int p = at + 1;
      int len = b[p++] & 0xff;
      if (len >= 0x80) {
        int bytes = len & 0x7f;
        if (bytes == 0 || bytes > 3) {
          throw new IndexOutOfBoundsException("unsupported DER length");
        }
        len = 0;
        for (int i = 0; i < bytes; i++) {
          len = (len << 8) | (b[p++] & 0xff);
        }
      }
      if (p + len > b.length) {
        throw new IndexOutOfBoundsException("truncated");
      }
      return new Der(tag, at, p, p + len);
    }
  }
}
