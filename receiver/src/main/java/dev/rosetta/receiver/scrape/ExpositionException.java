package dev.rosetta.receiver.scrape;

/** A body that is not valid in the format it claims, with where and why. */
public class ExpositionException extends Exception {
  private static final long serialVersionUID = 1L;

  public ExpositionException(String message) {
    super(message);
  }
}
