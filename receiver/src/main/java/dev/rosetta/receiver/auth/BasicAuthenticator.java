package dev.rosetta.receiver.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * {@code basicauth}: HTTP Basic authentication ({@code Authorization: Basic base64(user:password)})
 * against htpasswd users.
 *
 * <p>Checking a bcrypt (or SHA-crypt, MD5-crypt) password costs milliseconds of CPU by design, so
 * such checks run on the verifier executor, never on a network thread, and their number waiting is
 * bounded: when the executor refuses, the request is answered {@link Verdict#BUSY}. A successful
 * check is remembered (by the SHA-256 of user and password, bound to the password entry it matched,
 * so a changed or removed entry is checked again), and later requests with the same credential are
 * decided at once. A user that does not exist is checked against a decoy of the same scheme and cost
 * as the file's first entry, so that its answer takes as long as a wrong password's.
 */
public final class BasicAuthenticator implements Authenticator {
  private static final CompletableFuture<Verdict> ACCEPTED = CompletableFuture.completedFuture(Verdict.ACCEPTED);
  private static final CompletableFuture<Verdict> MISSING = CompletableFuture.completedFuture(Verdict.MISSING);
  private static final CompletableFuture<Verdict> MALFORMED = CompletableFuture.completedFuture(Verdict.MALFORMED);
  private static final CompletableFuture<Verdict> INVALID = CompletableFuture.completedFuture(Verdict.INVALID);
  private static final CompletableFuture<Verdict> BUSY = CompletableFuture.completedFuture(Verdict.BUSY);

  /** Credentials remembered at most; past it the memory starts over. */
  static final int MAX_REMEMBERED = 4096;

  /** The users in force, with the decoy for unknown users. */
  public record Users(Htpasswd htpasswd, PasswordHash decoy) {
    public Users {
      Objects.requireNonNull(htpasswd, "htpasswd");
      Objects.requireNonNull(decoy, "decoy");
    }

    /** The users of {@code htpasswd}; computes the decoy (one hash of the first entry's scheme and cost). */
    public static Users of(Htpasswd htpasswd) {
      return new Users(htpasswd, htpasswd.first().decoy());
    }
  }

  private final String id;
  private final Supplier<Users> users;
  private final Executor verifier;
  private final Map<ByteBuffer, PasswordHash> remembered = new ConcurrentHashMap<>();

  public BasicAuthenticator(String id, Supplier<Users> users, Executor verifier) {
    this.id = Objects.requireNonNull(id, "id");
    this.users = Objects.requireNonNull(users, "users");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String header() {
    return "authorization";
  }

  @Override
  public CompletableFuture<Verdict> authenticate(String value) {
    if (value == null || value.isBlank()) {
      return MISSING;
    }
    String v = value.strip();
    if (v.length() < 6 || !v.regionMatches(true, 0, "Basic", 0, 5) || !Character.isWhitespace(v.charAt(5))) {
      return MALFORMED;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(v.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return MALFORMED;
    }
    int colon = -1;
    for (int i = 0; i < decoded.length; i++) {
      if (decoded[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      Arrays.fill(decoded, (byte) 0);
      return MALFORMED;
    }
    String user = new String(decoded, 0, colon, StandardCharsets.UTF_8);
    byte[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
    Arrays.fill(decoded, (byte) 0);

    Users in = users.get();
    Optional<PasswordHash> entry = in.htpasswd().user(user);
    PasswordHash hash = entry.orElse(in.decoy());
    ByteBuffer key = entry.isPresent() ? key(decodedKey(user, password)) : null;
    if (key != null && remembered.get(key) == hash) {
      return ACCEPTED;
    }
    if (!hash.expensive()) {
      return check(hash, password, entry.isPresent(), key) ? ACCEPTED : INVALID;
    }
    try {
      return CompletableFuture.supplyAsync(
          () -> check(hash, password, entry.isPresent(), key) ? Verdict.ACCEPTED : Verdict.INVALID, verifier);
    } catch (RejectedExecutionException e) {
      return BUSY;
    }
  }

  private boolean check(PasswordHash hash, byte[] password, boolean known, ByteBuffer key) {
    boolean ok = hash.matches(password) && known;
    Arrays.fill(password, (byte) 0);
    if (ok && key != null) {
      if (remembered.size() >= MAX_REMEMBERED) {
        remembered.clear();
      }
      remembered.put(key, hash);
    }
    return ok;
  }

  private static byte[] decodedKey(String user, byte[] password) {
    byte[] u = user.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[u.length + 1 + password.length];
    System.arraycopy(u, 0, k, 0, u.length);
    System.arraycopy(password, 0, k, u.length + 1, password.length);
    return k;
  }

  private static ByteBuffer key(byte[] material) {
    byte[] d = PasswordHash.sha256(material);
    Arrays.fill(material, (byte) 0);
    return ByteBuffer.wrap(d);
  }

  /** How many successful checks are remembered, for tests. */
  int remembered() {
    return remembered.size();
  }

  @Override
  public Optional<String> challenge() {
    return Optional.of("Basic realm=\"rosetta\", charset=\"UTF-8\"");
  }

  @Override
  public String toString() {
    return id;
  }
}
