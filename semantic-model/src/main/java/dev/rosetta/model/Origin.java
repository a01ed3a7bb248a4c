package dev.rosetta.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a metric came from, for telling its sources apart and for messages about them: the name it
 * was received under, and the steps that gave it its present name and labels, in order ({@code
 * relabel.input}, {@code view go.cpu.time (go.yaml#3)}, {@code relabel.output}).
 *
 * <p>One instance serves every point of a metric, so carrying it costs nothing per point. A metric
 * as decoded has {@link #RECEIVED}: its own name is the received name. Immutable.
 *
 * @param receivedName the name as received; {@code ""} for {@link #RECEIVED}
 * @param steps what mapped or changed the metric since, in order
 * @param quantity when the received name is one of several names declared to be one quantity (a Go
 *     runtime path, another Go instrumentation's name recognised as that path, a path Go documents
 *     as identical to another), that quantity's name, which stands for the received name where
 *     sources are told apart: one quantity under several names is one source; else {@code ""}
 */
public record Origin(String receivedName, List<String> steps, String quantity) {
  /** A metric as received: nothing mapped or changed it yet. */
  public static final Origin RECEIVED = new Origin("", List.of(), "");

  public Origin {
    Objects.requireNonNull(receivedName, "receivedName");
    Objects.requireNonNull(quantity, "quantity");
    steps = List.copyOf(steps);
  }

  /** An origin whose received name is not declared one quantity with others. */
  public Origin(String receivedName, List<String> steps) {
    this(receivedName, steps, "");
  }

  /** The origin of a metric received as {@code receivedName} that went through {@code steps}. */
  public static Origin of(String receivedName, String... steps) {
    return new Origin(receivedName, List.of(steps));
  }

  /**
   * This origin with {@code step} appended; this instance when it is already the last step.
   *
   * @param currentName the metric's name before the step (the received name while this is {@link
   *     #RECEIVED})
   */
  public Origin then(String step, String currentName) {
    Objects.requireNonNull(step, "step");
    if (!steps.isEmpty() && steps.get(steps.size() - 1).equals(step)) {
      return this;
    }
    List<String> all = new ArrayList<>(steps.size() + 1);
    all.addAll(steps);
    all.add(step);
    return new Origin(receivedName.isEmpty() ? currentName : receivedName, all, quantity);
  }

  /** This origin with the quantity its received name is declared to be ({@code ""}: none). */
  public Origin withQuantity(String newQuantity) {
    return newQuantity.equals(quantity) ? this : new Origin(receivedName, steps, newQuantity);
  }

  /** The steps for messages: {@code "view X, relabel.output"}, or "as received, no view matched". */
  public String describeSteps() {
    return steps.isEmpty() ? "as received, no view matched" : String.join(", ", steps);
  }
}
