package dev.rosetta.receiver.config;

import java.util.Objects;

/**
 * A credential from the configuration (a bearer token, inline htpasswd content). Its {@link
 * #toString()} hides it, so a record that holds one can be logged or compared without showing it;
 * only {@link #reveal()} gives the text, to the component that uses it.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "value"));
  }

  /** The credential itself. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "(hidden)";
  }
}
