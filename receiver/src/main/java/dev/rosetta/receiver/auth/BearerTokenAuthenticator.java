package dev.rosetta.receiver.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code bearertokenauth}: the request's header must be {@code <scheme> <token>} with one of the
 * configured tokens ({@code Authorization: Bearer s3cr3t}); with an empty scheme, the header is the
 * token itself. The scheme is matched without regard to case (RFC 9110), the token exactly. Tokens
 * are compared through their SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * configured token, so the time taken tells nothing about a token's content or length.
 *
 * <p>The tokens come from a supplier: the configuration, or a file re-read when it changes (one
 * token per line, surrounding blanks and empty lines ignored), as Kubernetes rotates secrets.
 */
public final class BearerTokenAuthenticator implements Authenticator {
  private static final CompletableFuture<Verdict> ACCEPTED = CompletableFuture.completedFuture(Verdict.ACCEPTED);
  private static final CompletableFuture<Verdict> MISSING = CompletableFuture.completedFuture(Verdict.MISSING);
  private static final CompletableFuture<Verdict> MALFORMED = CompletableFuture.completedFuture(Verdict.MALFORMED);
  private static final CompletableFuture<Verdict> INVALID = CompletableFuture.completedFuture(Verdict.INVALID);

  /** The digests of the valid tokens. */
  public record Tokens(List<byte[]> digests) {
    public Tokens {
      digests = List.copyOf(digests);
      if (digests.isEmpty()) {
        throw new IllegalArgumentException("no token");
      }
    }

    public static Tokens of(List<String> tokens) {
      List<byte[]> d = new ArrayList<>(tokens.size());
      for (String t : tokens) {
        d.add(PasswordHash.sha256(t.getBytes(StandardCharsets.UTF_8)));
      }
      return new Tokens(d);
    }

    /**
     * The tokens of a token file: one per line, blanks around them and empty lines ignored.
     *
     * @throws IllegalArgumentException when the file holds no token (the message does not quote it)
     */
    public static Tokens parseFile(byte[] content) {
      List<String> tokens = new ArrayList<>();
      for (String line : new String(content, StandardCharsets.UTF_8).split("\n", -1)) {
        String t = line.strip();
        if (!t.isEmpty()) {
          tokens.add(t);
        }
      }
      if (tokens.isEmpty()) {
        throw new IllegalArgumentException("the file holds no token (it is empty or blank)");
      }
      return of(tokens);
    }

    @Override
    public String toString() {
      return digests.size() + " token(s)";
    }
  }

  private final String id;
  private final String header;
  private final String scheme;
  private final Supplier<Tokens> tokens;

  /**
   * @param header the header name (any case)
   * @param scheme the authentication scheme, "Bearer" by default; empty: the header is the token
   */
  public BearerTokenAuthenticator(String id, String header, String scheme, Supplier<Tokens> tokens) {
    this.id = Objects.requireNonNull(id, "id");
    this.header = header.toLowerCase(Locale.ROOT);
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String header() {
    return header;
  }

  @Override
  public CompletableFuture<Verdict> authenticate(String value) {
    if (value == null || value.isBlank()) {
      return MISSING;
    }
    String token = value.strip();
    if (!scheme.isEmpty()) {
      if (token.length() <= scheme.length() || !token.regionMatches(true, 0, scheme, 0, scheme.length())
          || !Character.isWhitespace(token.charAt(scheme.length()))) {
        return MALFORMED;
      }
      token = token.substring(scheme.length()).strip();
      if (token.isEmpty()) {
        return MISSING;
      }
    }
    byte[] presented = PasswordHash.sha256(token.getBytes(StandardCharsets.UTF_8));
    boolean match = false;
    for (byte[] valid : tokens.get().digests()) {
      match |= MessageDigest.isEqual(presented, valid);
    }
    return match ? ACCEPTED : INVALID;
  }

  @Override
  public Optional<String> challenge() {
    if (!header.equals("authorization") || scheme.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(scheme + " realm=\"rosetta\"");
  }

  @Override
  public String toString() {
    return id;
  }
}
