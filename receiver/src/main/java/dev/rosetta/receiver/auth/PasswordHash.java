package dev.rosetta.receiver.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One password of an htpasswd file, in the encodings the OpenTelemetry Collector's {@code
 * basicauth} extension reads: bcrypt ({@code $2y$}, {@code $2b$}, {@code $2a$}), SHA-crypt ({@code
 * $5$}, {@code $6$}), APR1-MD5 ({@code $apr1$}), SHA-1 ({@code {SHA}}), salted SHA-1 ({@code
 * {SSHA}}) and plain text (also written {@code {PLAIN}password}). Rosetta also reads MD5-crypt
 * ({@code $1$}) and, unlike the Collector, refuses other {@code $scheme$} strings (argon2,
 * yescrypt, ...) instead of taking them for plain-text passwords.
 *
 * <p>Comparisons take the same time whatever the password; the checks of the key-stretching
 * schemes are {@linkplain #expensive() expensive} and must not run on a network thread.
 * Implementations are immutable and thread-safe. {@link #toString()} never shows the hash.
 */
public abstract sealed class PasswordHash {
  private PasswordHash() {}

  /** Whether {@code password} (UTF-8) matches. */
  public abstract boolean matches(byte[] password);

  /** Whether a check stretches the key (bcrypt, SHA-crypt, MD5-crypt): milliseconds of CPU or more. */
  public abstract boolean expensive();

  /**
   * A hash of the same scheme and cost for a password nobody knows: a user that does not exist is
   * checked against it, so that the answer takes as long as for a wrong password.
   */
  public abstract PasswordHash decoy();

  /** The scheme, for messages: "bcrypt", "sha512-crypt", "apr1", "sha1", "ssha", "plain". */
  public abstract String scheme();

  /** A bcrypt password longer than this (in UTF-8 bytes) never matches, as in Go's bcrypt. */
  public static final int BCRYPT_MAX_PASSWORD_BYTES = 72;

  /**
   * Reads the password part of an htpasswd line.
   *
   * @throws IllegalArgumentException saying what is wrong, without the encoded text
   */
  public static PasswordHash parse(String encoded) {
    if (encoded.startsWith("$2a$") || encoded.startsWith("$2b$") || encoded.startsWith("$2y$")) {
      return Bcrypt.parseBcrypt(encoded);
    }
    if (encoded.startsWith(Md5Crypt.APR1)) {
      return Md5.parseMd5(encoded, Md5Crypt.APR1);
    }
    if (encoded.startsWith(Md5Crypt.MD5)) {
      return Md5.parseMd5(encoded, Md5Crypt.MD5);
    }
    if (encoded.startsWith(ShaCrypt.SHA256) || encoded.startsWith(ShaCrypt.SHA512)) {
      return Sha.parseSha(encoded);
    }
    if (encoded.startsWith("{SHA}")) {
      return Sha1.parseSha1(encoded.substring(5), false);
    }
    if (encoded.startsWith("{SSHA}")) {
      return Sha1.parseSha1(encoded.substring(6), true);
    }
    Matcher scheme = OTHER_SCHEME.matcher(encoded);
    if (scheme.lookingAt()) {
      throw new IllegalArgumentException("unsupported password hash scheme \"" + scheme.group()
          + "\"; supported: bcrypt ($2y$, $2b$, $2a$), SHA-crypt ($5$, $6$), APR1-MD5 ($apr1$), MD5-crypt ($1$),"
          + " {SHA}, {SSHA} and plain text (write {PLAIN}password for a plain password that starts like a scheme)");
    }
    return new Plain(encoded.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code $id$} as crypt(3) schemes begin (argon2id, yescrypt {@code $y$}, ...). */
  private static final Pattern OTHER_SCHEME = Pattern.compile("\\$[a-z0-9][a-z0-9-]*\\$");

  // ---- schemes -----------------------------------------------------------------------------

  /** bcrypt, checked by the at.favre.lib implementation; the comparison is constant-time. */
  static final class Bcrypt extends PasswordHash {
    private final BCrypt.Version version;
    private final int cost;
    private final byte[] salt;
    private final byte[] hash;

    private Bcrypt(BCrypt.Version version, int cost, byte[] salt, byte[] hash) {
      this.version = version;
      this.cost = cost;
      this.salt = salt;
      this.hash = hash;
    }

    static Bcrypt parseBcrypt(String encoded) {
      BCrypt.Version version = switch (encoded.charAt(2)) {
        case 'a' -> BCrypt.Version.VERSION_2A;
        case 'b' -> BCrypt.Version.VERSION_2B;
        default -> BCrypt.Version.VERSION_2Y;
      };
      BCrypt.HashData data;
      try {
        data = version.parser.parse(encoded.getBytes(StandardCharsets.US_ASCII));
      } catch (IllegalBCryptFormatException | IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed bcrypt hash: expected $2y$<cost>$<53 characters>");
      }
      return new Bcrypt(version, data.cost, data.rawSalt, data.rawHash);
    }

    @Override
    public boolean matches(byte[] password) {
      if (password.length > BCRYPT_MAX_PASSWORD_BYTES) {
        return false;
      }
      byte[] computed = BCrypt.with(version).hashRaw(cost, salt, password).rawHash;
      return MessageDigest.isEqual(computed, hash);
    }

    @Override
    public boolean expensive() {
      return true;
    }

    @Override
    public PasswordHash decoy() {
      byte[] s = new byte[16];
      RANDOM.nextBytes(s);
      byte[] pw = new byte[16];
      RANDOM.nextBytes(pw);
      return new Bcrypt(version, cost, s, BCrypt.with(version).hashRaw(cost, s, pw).rawHash);
    }

    @Override
    public String scheme() {
      return "bcrypt";
    }

    @Override
    public String toString() {
      return "bcrypt(cost " + cost + ")";
    }
  }

  /** APR1-MD5 and MD5-crypt. */
  static final class Md5 extends PasswordHash {
    private final String magic;
    private final String salt;
    private final byte[] digest;

    private Md5(String magic, String salt, String digest) {
      this.magic = magic;
      this.salt = salt;
      this.digest = digest.getBytes(StandardCharsets.US_ASCII);
    }

    static Md5 parseMd5(String encoded, String magic) {
      String rest = encoded.substring(magic.length());
      int dollar = rest.indexOf('$');
      String name = magic.equals(Md5Crypt.APR1) ? "APR1-MD5" : "MD5-crypt";
      if (dollar < 0) {
        throw new IllegalArgumentException("malformed " + name + " hash: expected " + magic + "<salt>$<22 characters>");
      }
      String salt = rest.substring(0, dollar);
      String digest = rest.substring(dollar + 1);
      if (salt.length() > Md5Crypt.MAX_SALT || digest.length() != 22 || !CryptBase64.isEncoded(digest)) {
        throw new IllegalArgumentException("malformed " + name + " hash: expected " + magic
            + "<salt of at most 8 characters>$<22 characters of ./0-9A-Za-z>");
      }
      return new Md5(magic, salt, digest);
    }

    @Override
    public boolean matches(byte[] password) {
      byte[] computed = Md5Crypt.digest(password, magic, salt).getBytes(StandardCharsets.US_ASCII);
      return MessageDigest.isEqual(computed, digest);
    }

    @Override
    public boolean expensive() {
      return true;
    }

    @Override
    public PasswordHash decoy() {
      String s = CryptBase64.randomSalt(RANDOM, Md5Crypt.MAX_SALT);
      byte[] pw = new byte[16];
      RANDOM.nextBytes(pw);
      return new Md5(magic, s, Md5Crypt.digest(pw, magic, s));
    }

    @Override
    public String scheme() {
      return magic.equals(Md5Crypt.APR1) ? "apr1" : "md5-crypt";
    }

    @Override
    public String toString() {
      return scheme();
    }
  }

  /** SHA-256-crypt and SHA-512-crypt. */
  static final class Sha extends PasswordHash {
    private final boolean sha512;
    private final String salt;
    private final int rounds;
    private final byte[] digest;

    private Sha(boolean sha512, String salt, int rounds, String digest) {
      this.sha512 = sha512;
      this.salt = salt;
      this.rounds = rounds;
      this.digest = digest.getBytes(StandardCharsets.US_ASCII);
    }

    static Sha parseSha(String encoded) {
      boolean sha512 = encoded.startsWith(ShaCrypt.SHA512);
      String name = sha512 ? "SHA-512-crypt" : "SHA-256-crypt";
      String prefix = sha512 ? ShaCrypt.SHA512 : ShaCrypt.SHA256;
      String rest = encoded.substring(prefix.length());
      int rounds = ShaCrypt.DEFAULT_ROUNDS;
      if (rest.startsWith("rounds=")) {
        int end = rest.indexOf('$');
        String digits = end < 0 ? "" : rest.substring("rounds=".length(), end);
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(Character::isDigit)) {
          throw new IllegalArgumentException("malformed " + name + " hash: expected " + prefix + "rounds=<N>$<salt>$<digest>");
        }
        long n = Long.parseLong(digits);
        rounds = (int) Math.max(ShaCrypt.MIN_ROUNDS, Math.min(ShaCrypt.MAX_ROUNDS, n));
        rest = rest.substring(end + 1);
      }
      int dollar = rest.indexOf('$');
      int expected = sha512 ? 86 : 43;
      if (dollar < 0) {
        throw new IllegalArgumentException("malformed " + name + " hash: expected " + prefix + "<salt>$<digest>");
      }
      String salt = rest.substring(0, dollar);
      String digest = rest.substring(dollar + 1);
      if (digest.length() != expected || !CryptBase64.isEncoded(digest)) {
        throw new IllegalArgumentException("malformed " + name + " hash: the digest must be " + expected
            + " characters of ./0-9A-Za-z");
      }
      // crypt(3) uses the first 16 characters of a longer salt
      return new Sha(sha512, salt.length() > ShaCrypt.MAX_SALT ? salt.substring(0, ShaCrypt.MAX_SALT) : salt, rounds,
          digest);
    }

    @Override
    public boolean matches(byte[] password) {
      byte[] computed = ShaCrypt.digest(password, sha512, salt, rounds).getBytes(StandardCharsets.US_ASCII);
      return MessageDigest.isEqual(computed, digest);
    }

    @Override
    public boolean expensive() {
      return true;
    }

    @Override
    public PasswordHash decoy() {
      String s = CryptBase64.randomSalt(RANDOM, ShaCrypt.MAX_SALT);
      byte[] pw = new byte[16];
      RANDOM.nextBytes(pw);
      return new Sha(sha512, s, rounds, ShaCrypt.digest(pw, sha512, s, rounds));
    }

    @Override
    public String scheme() {
      return sha512 ? "sha512-crypt" : "sha256-crypt";
    }

    @Override
    public String toString() {
      return scheme() + "(rounds " + rounds + ")";
    }
  }

  /** {@code {SHA}}: base64 of SHA-1(password); {@code {SSHA}}: base64 of SHA-1(password + salt) + salt. */
  static final class Sha1 extends PasswordHash {
    private final byte[] digest;
    private final byte[] salt;

    private Sha1(byte[] digest, byte[] salt) {
      this.digest = digest;
      this.salt = salt;
    }

    static Sha1 parseSha1(String base64, boolean salted) {
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed " + (salted ? "{SSHA}" : "{SHA}") + " hash: not base64");
      }
      if (salted ? raw.length <= 20 : raw.length != 20) {
        throw new IllegalArgumentException("malformed " + (salted ? "{SSHA}" : "{SHA}") + " hash: "
            + (salted ? "expected a 20-byte SHA-1 digest followed by a salt" : "expected a 20-byte SHA-1 digest"));
      }
      return new Sha1(Arrays.copyOf(raw, 20), Arrays.copyOfRange(raw, 20, raw.length));
    }

    @Override
    public boolean matches(byte[] password) {
      MessageDigest md = sha1();
      md.update(password);
      md.update(salt);
      return MessageDigest.isEqual(md.digest(), digest);
    }

    @Override
    public boolean expensive() {
      return false;
    }

    @Override
    public PasswordHash decoy() {
      byte[] pw = new byte[16];
      RANDOM.nextBytes(pw);
      MessageDigest md = sha1();
      md.update(pw);
      md.update(salt);
      return new Sha1(md.digest(), salt);
    }

    @Override
    public String scheme() {
      return salt.length == 0 ? "sha1" : "ssha";
    }

    @Override
    public String toString() {
      return scheme();
    }

    private static MessageDigest sha1() {
      try {
        return MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
      }
    }
  }

  /**
   * A plain-text password. It matches the password itself, or {@code {PLAIN}password} (the form
   * nginx reads), compared through SHA-256 digests so that the time depends on neither length.
   */
  static final class Plain extends PasswordHash {
    private final byte[] digest;

    private Plain(byte[] stored) {
      this.digest = sha256(stored);
    }

    @Override
    public boolean matches(byte[] password) {
      byte[] d = sha256(password);
      byte[] prefixed = new byte[password.length + 7];
      System.arraycopy("{PLAIN}".getBytes(StandardCharsets.US_ASCII), 0, prefixed, 0, 7);
      System.arraycopy(password, 0, prefixed, 7, password.length);
      boolean a = MessageDigest.isEqual(d, digest);
      boolean b = MessageDigest.isEqual(sha256(prefixed), digest);
      return a | b;
    }

    @Override
    public boolean expensive() {
      return false;
    }

    @Override
    public PasswordHash decoy() {
      byte[] pw = new byte[16];
      RANDOM.nextBytes(pw);
      return new Plain(pw);
    }

    @Override
    public String scheme() {
      return "plain";
    }

    @Override
    public String toString() {
      return "plain";
    }
  }

  /** The SHA-256 digest of {@code bytes}. */
  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  /** Salts and decoy passwords. */
  private static final SecureRandom RANDOM = new SecureRandom();
}
