package dev.rosetta.receiver.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users of an htpasswd file: {@code user:password} lines, the password in one of the
 * encodings of {@link PasswordHash}. Lines are trimmed; empty lines and lines starting with {@code
 * #} are skipped; a user listed twice takes the later line (so inline content given after a file
 * overrides it, as in the Collector). Immutable.
 */
public final class Htpasswd {
  /** A problem with one line; the message names the line and the user, never the password. */
  public static final class InvalidException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    InvalidException(List<String> problems) {
      super(String.join("; ", problems), null, false, false);
      this.problems = List.copyOf(problems);
    }

    /** One sentence per problem, e.g. {@code line 3 (user "alice"): malformed bcrypt hash: ...}. */
    public List<String> problems() {
      return problems;
    }
  }

  private final Map<String, PasswordHash> users;

  private Htpasswd(Map<String, PasswordHash> users) {
    this.users = Collections.unmodifiableMap(users);
  }

  /**
   * Reads htpasswd text that must hold at least one user.
   *
   * @throws InvalidException listing every bad line, or saying that there is no user at all
   */
  public static Htpasswd parse(String text) throws InvalidException {
    return parse(text, false);
  }

  /**
   * Reads htpasswd text; {@code mayBeEmpty}: no user is fine (inline users come with it).
   *
   * @throws InvalidException listing every bad line
   */
  public static Htpasswd parse(String text, boolean mayBeEmpty) throws InvalidException {
    Map<String, PasswordHash> users = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        problems.add("line " + (i + 1) + ": expected user:password (there is no ':')");
        continue;
      }
      String user = line.substring(0, colon);
      if (user.isEmpty()) {
        problems.add("line " + (i + 1) + ": the user name before ':' is empty");
        continue;
      }
      try {
        users.put(user, PasswordHash.parse(line.substring(colon + 1)));
      } catch (IllegalArgumentException e) {
        problems.add("line " + (i + 1) + " (user \"" + printable(user) + "\"): " + e.getMessage());
      }
    }
    if (problems.isEmpty() && users.isEmpty() && !mayBeEmpty) {
      problems.add("no user: expected at least one user:password line");
    }
    if (!problems.isEmpty()) {
      throw new InvalidException(problems);
    }
    return new Htpasswd(users);
  }

  /** The users of {@code first}, then those of {@code second}, which win for a name in both. */
  public static Htpasswd merge(Htpasswd first, Htpasswd second) {
    Map<String, PasswordHash> users = new LinkedHashMap<>(first.users);
    users.putAll(second.users);
    return new Htpasswd(users);
  }

  /** The password of {@code user}. */
  public Optional<PasswordHash> user(String user) {
    return Optional.ofNullable(users.get(user));
  }

  public int size() {
    return users.size();
  }

  /** The scheme of the first user's password, for the decoy of unknown users. */
  PasswordHash first() {
    return users.values().iterator().next();
  }

  /** A user name as it may appear in a message: control characters escaped, at most 64 characters. */
  private static String printable(String user) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < user.length() && sb.length() < 64; i++) {
      char c = user.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "htpasswd(" + users.size() + " users)";
  }
}
