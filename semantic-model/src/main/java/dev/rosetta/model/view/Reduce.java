package dev.rosetta.model.view;

/** A view's {@code reduce}: a histogram or summary input becomes one number, its sum or its count. */
public enum Reduce {
  SUM,
  COUNT;

  /** The word in view files. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
