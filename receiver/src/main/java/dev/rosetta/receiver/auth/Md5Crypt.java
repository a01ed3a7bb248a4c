package dev.rosetta.receiver.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * MD5-crypt: the {@code $1$} scheme of FreeBSD's {@code crypt(3)} and Apache's {@code $apr1$}
 * variant (the same algorithm with another magic string), as {@code htpasswd -m} writes it. A
 * thousand MD5 rounds over password, salt (at most 8 characters) and magic.
 */
final class Md5Crypt {
  static final String APR1 = "$apr1$";
  static final String MD5 = "$1$";
  static final int MAX_SALT = 8;

  private Md5Crypt() {}

  /** The 22-character digest part of the hash of {@code password} with {@code magic} and {@code salt}. */
  static String digest(byte[] password, String magic, String salt) {
    byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
    byte[] s = salt.getBytes(StandardCharsets.UTF_8);
    MessageDigest ctx = md5();
    ctx.update(password);
    ctx.update(m);
    ctx.update(s);
    MessageDigest alt = md5();
    alt.update(password);
    alt.update(s);
    alt.update(password);
    byte[] fin = alt.digest();
    for (int left = password.length; left > 0; left -= 16) {
      ctx.update(fin, 0, Math.min(16, left));
    }
    for (int i = password.length; i != 0; i >>>= 1) {
      if ((i & 1) != 0) {
        ctx.update((byte) 0);
      } else {
        ctx.update(password[0]);
      }
    }
    fin = ctx.digest();
    MessageDigest round = md5(); // digest() resets it for the next round
    for (int i = 0; i < 1000; i++) {
      if ((i & 1) != 0) {
        round.update(password);
      } else {
        round.update(fin);
      }
      if (i % 3 != 0) {
        round.update(s);
      }
      if (i % 7 != 0) {
        round.update(password);
      }
      if ((i & 1) != 0) {
        round.update(fin);
      } else {
        round.update(password);
      }
      fin = round.digest();
    }
    StringBuilder out = new StringBuilder(22);
    CryptBase64.append(out, fin[0], fin[6], fin[12], 4);
    CryptBase64.append(out, fin[1], fin[7], fin[13], 4);
    CryptBase64.append(out, fin[2], fin[8], fin[14], 4);
    CryptBase64.append(out, fin[3], fin[9], fin[15], 4);
    CryptBase64.append(out, fin[4], fin[10], fin[5], 4);
    CryptBase64.append(out, 0, 0, fin[11], 2);
    return out.toString();
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
  }
}
