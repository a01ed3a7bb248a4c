package dev.rosetta.receiver.config;

/**
 * Thrown by a {@link ValueParser} for a value it cannot accept. The message is the complete text
 * shown to the user, including the quoted value and what is expected, e.g. {@code invalid duration
 * "5 minutes": expected a duration such as 500ms, 5s, 1m}. {@link ConfigNode} turns it into a
 * {@link ConfigError}; it never escapes a load.
 *
 * <p>Carries no stack trace: it is control flow for user input, not a bug report.
 */
public final class InvalidValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean secret;

  private InvalidValueException(String message, boolean secret) {
    super(message, null, false, false);
    this.secret = secret;
  }

  /** The value is rejected; {@code message} says why and what is expected. */
  public static InvalidValueException of(String message) {
    return new InvalidValueException(message, false);
  }

  /**
   * The value is rejected and must not be echoed (it may hold a credential, such as an {@code
   * authorization} header); {@code message} must not contain it either.
   */
  public static InvalidValueException secret(String message) {
    return new InvalidValueException(message, true);
  }

  /** Whether the error report must hide the value. */
  public boolean isSecret() {
    return secret;
  }
}
