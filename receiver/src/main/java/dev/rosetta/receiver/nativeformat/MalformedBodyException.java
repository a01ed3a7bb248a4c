package dev.rosetta.receiver.nativeformat;

/** A native request body that cannot be taken; the message says what is wrong and where. */
public final class MalformedBodyException extends Exception {
  public MalformedBodyException(String message) {
    super(message);
  }
}
