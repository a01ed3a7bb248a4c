package dev.rosetta.receiver.auth;

/**
 * The base-64 of Unix {@code crypt(3)} hashes ({@code ./0-9A-Za-z}, least significant six bits
 * first), as MD5-crypt and SHA-crypt write their digests.
 */
final class CryptBase64 {
  static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private CryptBase64() {}

  /** Appends {@code chars} characters of the 24-bit group {@code b2 b1 b0}. */
  static void append(StringBuilder out, int b2, int b1, int b0, int chars) {
    int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
    for (int i = 0; i < chars; i++) {
      out.append(ALPHABET.charAt(w & 0x3f));
      w >>>= 6;
    }
  }

  /** Whether every character of {@code s} is of the alphabet. */
  static boolean isEncoded(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (ALPHABET.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code length} random characters of the alphabet, for salts. */
  static String randomSalt(java.util.Random random, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
