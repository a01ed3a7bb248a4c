package dev.rosetta.receiver.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-crypt, the {@code $5$} (SHA-256) and {@code $6$} (SHA-512) schemes of glibc's {@code
 * crypt(3)}, as specified by Ulrich Drepper ("Unix crypt using SHA-256 and SHA-512"): a salt of at
 * most 16 characters and 5000 rounds unless {@code rounds=N$} says otherwise (clamped to 1000 ..
 * 999,999,999).
 */
final class ShaCrypt {
  static final String SHA256 = "$5$";
  static final String SHA512 = "$6$";
  static final int MAX_SALT = 16;
  static final int DEFAULT_ROUNDS = 5000;
  static final int MIN_ROUNDS = 1000;
  static final int MAX_ROUNDS = 999_999_999;

  private ShaCrypt() {}

  /** The digest part (43 or 86 characters) of the hash of {@code password}. */
  static String digest(byte[] password, boolean sha512, String salt, int rounds) {
    String algorithm = sha512 ? "SHA-512" : "SHA-256";
    byte[] s = salt.getBytes(StandardCharsets.UTF_8);
    int size = sha512 ? 64 : 32;

    MessageDigest b = md(algorithm);
    b.update(password);
    b.update(s);
    b.update(password);
    byte[] bDigest = b.digest();

    MessageDigest a = md(algorithm);
    a.update(password);
    a.update(s);
    int n = password.length;
    for (; n > size; n -= size) {
      a.update(bDigest, 0, size);
    }
    a.update(bDigest, 0, n);
    for (int i = password.length; i > 0; i >>>= 1) {
      if ((i & 1) != 0) {
        a.update(bDigest, 0, size);
      } else {
        a.update(password);
      }
    }
    byte[] aDigest = a.digest();

    MessageDigest dp = md(algorithm);
    for (int i = 0; i < password.length; i++) {
      dp.update(password);
    }
    byte[] p = sequence(dp.digest(), password.length);

    MessageDigest ds = md(algorithm);
    for (int i = 0; i < 16 + (aDigest[0] & 0xff); i++) {
      ds.update(s);
    }
    byte[] sSeq = sequence(ds.digest(), s.length);

    byte[] c = aDigest;
    MessageDigest round = md(algorithm); // digest() resets it for the next round
    for (int i = 0; i < rounds; i++) {
      if ((i & 1) != 0) {
        round.update(p);
      } else {
        round.update(c);
      }
      if (i % 3 != 0) {
        round.update(sSeq);
      }
      if (i % 7 != 0) {
        round.update(p);
      }
      if ((i & 1) != 0) {
        round.update(c);
      } else {
        round.update(p);
      }
      c = round.digest();
    }
    return sha512 ? encode512(c) : encode256(c);
  }

  /** {@code length} bytes made of {@code digest} repeated. */
  private static byte[] sequence(byte[] digest, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i += digest.length) {
      System.arraycopy(digest, 0, out, i, Math.min(digest.length, length - i));
    }
    return out;
  }

  /** Groups of bytes {k, k+10, k+20}, rotated by k mod 3, then bytes 31 and 30. */
  private static String encode256(byte[] c) {
    StringBuilder out = new StringBuilder(43);
    for (int k = 0; k < 10; k++) {
      int x = c[k];
      int y = c[k + 10];
      int z = c[k + 20];
      switch (k % 3) {
        case 0 -> CryptBase64.append(out, x, y, z, 4);
        case 1 -> CryptBase64.append(out, z, x, y, 4);
        default -> CryptBase64.append(out, y, z, x, 4);
      }
    }
    CryptBase64.append(out, 0, c[31], c[30], 3);
    return out.toString();
  }

  /** Groups of bytes {k, k+21, k+42}, rotated by k mod 3, then byte 63. */
  private static String encode512(byte[] c) {
    StringBuilder out = new StringBuilder(86);
    for (int k = 0; k < 21; k++) {
      int x = c[k];
      int y = c[k + 21];
      int z = c[k + 42];
      switch (k % 3) {
        case 0 -> CryptBase64.append(out, x, y, z, 4);
        case 1 -> CryptBase64.append(out, y, z, x, 4);
        default -> CryptBase64.append(out, z, x, y, 4);
      }
    }
    CryptBase64.append(out, 0, 0, c[63], 2);
    return out.toString();
  }

  private static MessageDigest md(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is a required JDK algorithm", e);
    }
  }
}
