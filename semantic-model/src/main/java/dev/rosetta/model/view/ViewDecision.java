package dev.rosetta.model.view;

import dev.rosetta.model.Labels;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.Origin;
import dev.rosetta.model.name.GoCatalog;
import dev.rosetta.model.name.MetricName;
import dev.rosetta.model.name.NameError;
import dev.rosetta.model.name.Recognition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the views decide for one raw metric name. It depends on the name only, never on a value,
 * so it is computed once per distinct name and memoized by {@link ViewSet#decide(String)}.
 *
 * <p>{@link #kind()} tells the case:
 *
 * <ul>
 *   <li>{@link Kind#MATCHED}: a view matched; the output family is {@link #name()}, {@link
 *       #type()} (empty: the input's), {@link #unit()} (empty: the input's), {@link #labels()}
 *       (constants and captures), {@link #attributeLabels()} (resolved per metric), {@link
 *       #scale()}, {@link #buckets()} and {@link #help()}.
 *   <li>{@link Kind#DROPPED}: a {@code drop} view matched.
 *   <li>{@link Kind#INVALID}: a view matched but its output is invalid for this name (a template
 *       gave an empty name or label value); {@link #problem()} says why, and points are dropped.
 *   <li>{@link Kind#UNMATCHED}: no view matched; the pipeline applies {@code views.unmatched}.
 *   <li>{@link Kind#MALFORMED}: the name does not parse; {@link #error()} says where and why.
 * </ul>
 *
 * <p>A name of another Go instrumentation that {@link dev.rosetta.model.name.GoNameRecognizer}
 * recognises is decided as the runtime/metrics path it measures: {@link #recognition()} says which,
 * {@link #metricName()} is that path, and everything else is the path's decision.
 *
 * Immutable and thread-safe.
 */
public final class ViewDecision {

  /** The cases of a decision. */
  public enum Kind {
    MATCHED,
    DROPPED,
    INVALID,
    UNMATCHED,
    MALFORMED
  }

  private final Kind kind;
  private final String input;
  private final MetricName metricName;
  private final NameError error;
  private final View view;
  private final String name;
  private final Optional<MetricType> type;
  private final Optional<String> unit;
  private final Labels labels;
  private final String problem;
  private final List<Operand> operands;
  private final Recognition recognition;
  /**
   * The optional answers the pipeline asks for every metric it maps, made once: a decision is
   * memoized and outlives the metrics it decides.
   */
  private final Optional<View> viewOptional;
  private final Optional<String> viewIdOptional;
  private final Optional<String> nameOptional;
  private final Optional<Recognition> recognitionOptional;
  private final Optional<String> quantity;
  /** {@link #receivedOrigin()}, made on first use (an immutable value: a race makes it twice, equal). */
  private Origin receivedOrigin;

  private ViewDecision(
      Kind kind,
      String input,
      MetricName metricName,
      NameError error,
      View view,
      String name,
      Optional<MetricType> type,
      Optional<String> unit,
      Labels labels,
      String problem,
      List<Operand> operands,
      Recognition recognition) {
    this.kind = kind;
    this.input = input;
    this.metricName = metricName;
    this.error = error;
    this.view = view;
    this.name = name;
    this.type = type;
    this.unit = unit;
    this.labels = labels;
    this.problem = problem;
    this.operands = operands;
    this.recognition = recognition;
    this.viewOptional = Optional.ofNullable(view);
    this.viewIdOptional = view == null ? Optional.empty() : Optional.of(view.id());
    this.nameOptional = Optional.ofNullable(name);
    this.recognitionOptional = Optional.ofNullable(recognition);
    this.quantity = recognition != null ? Optional.of(GoCatalog.identity(recognition.path().text()))
        : !input.isEmpty() && input.charAt(0) == '/' ? Optional.of(GoCatalog.identity(input))
        : Optional.empty();
  }

  static ViewDecision malformed(String input, NameError error) {
    return new ViewDecision(
        Kind.MALFORMED, input, null, error, null, null, Optional.empty(), Optional.empty(), Labels.empty(), null,
        List.of(), null);
  }

  static ViewDecision unmatched(String input, MetricName metricName) {
    return new ViewDecision(
        Kind.UNMATCHED, input, metricName, null, null, null, Optional.empty(), Optional.empty(), Labels.empty(), null,
        List.of(), null);
  }

  static ViewDecision dropped(String input, MetricName metricName, View view) {
    return new ViewDecision(
        Kind.DROPPED, input, metricName, null, view, null, Optional.empty(), Optional.empty(), Labels.empty(), null,
        List.of(), null);
  }

  static ViewDecision invalid(String input, MetricName metricName, View view, String problem) {
    return new ViewDecision(
        Kind.INVALID, input, metricName, null, view, null, Optional.empty(), Optional.empty(), Labels.empty(), problem,
        List.of(), null);
  }

  static ViewDecision matched(
      String input, MetricName metricName, View view, String name, Optional<String> unit, Labels labels,
      List<Operand> operands) {
    return new ViewDecision(
        Kind.MATCHED, input, metricName, null, view, name, view.type(), unit, labels, null, List.copyOf(operands),
        null);
  }

  /**
   * This decision, made for the path a name was recognised as, as the decision for that name: the
   * input is the name, the rest is the path's.
   */
  ViewDecision recognized(Recognition r) {
    return new ViewDecision(
        kind, r.input(), metricName, error, view, name, type, unit, labels, problem, operands, r);
  }

  /** The path a name of another Go instrumentation was recognised as; empty for any other name. */
  public Optional<Recognition> recognition() {
    return recognitionOptional;
  }

  public Kind kind() {
    return kind;
  }

  /** The raw name this decision is for. */
  public String input() {
    return input;
  }

  /** Whether a view matched: {@link Kind#MATCHED}, {@link Kind#DROPPED} or {@link Kind#INVALID}. */
  public boolean matched() {
    return view != null;
  }

  /** Whether a {@code drop} view matched. */
  public boolean drop() {
    return kind == Kind.DROPPED;
  }

  /** Whether the name does not parse. */
  public boolean malformed() {
    return kind == Kind.MALFORMED;
  }

  /** The parsed name (for a recognised name, the path it was recognised as); empty when malformed. */
  public Optional<MetricName> metricName() {
    return Optional.ofNullable(metricName);
  }

  /** Why the name does not parse; empty unless {@link Kind#MALFORMED}. */
  public Optional<NameError> error() {
    return Optional.ofNullable(error);
  }

  /** The view that matched. */
  public Optional<View> view() {
    return viewOptional;
  }

  /** The id of the view that matched. */
  public Optional<String> viewId() {
    return viewIdOptional;
  }

  /** Where the view that matched was written: file and index. */
  public Optional<ViewSource> source() {
    return view == null ? Optional.empty() : Optional.of(view.source());
  }

  /** The semantic name; present for {@link Kind#MATCHED} only. */
  public Optional<String> name() {
    return nameOptional;
  }

  /** The output type; empty when the view keeps the input's (and unless {@link Kind#MATCHED}). */
  public Optional<MetricType> type() {
    return type;
  }

  /**
   * The output unit (UCUM): the view's, else for Go paths the mapped Go unit; empty when the input
   * metric's unit is kept (and unless {@link Kind#MATCHED}).
   */
  public Optional<String> unit() {
    return unit;
  }

  /** Labels from constants and captures; empty unless {@link Kind#MATCHED}. */
  public Labels labels() {
    return labels;
  }

  /** Labels taken from sibling MBean attributes, by label name; empty unless {@link Kind#MATCHED}. */
  public Map<String, AttributeLabel> attributeLabels() {
    return kind == Kind.MATCHED ? view.attributeLabels() : Map.of();
  }

  /** The factor applied to every value; 1 unless {@link Kind#MATCHED}. */
  public double scale() {
    return kind == Kind.MATCHED ? view.scale() : 1;
  }

  /** The histogram re-bucketing; empty when none (and unless {@link Kind#MATCHED}). */
  public Optional<BucketLayout> buckets() {
    return kind == Kind.MATCHED ? view.buckets() : Optional.empty();
  }

  /**
   * The raw metrics whose values, from the same resource in the same batch, are added to or
   * subtracted from the value ({@code derive}); empty when none (and unless {@link Kind#MATCHED}).
   */
  public List<Operand> operands() {
    return operands;
  }

  /** Whether a value as received is left out ({@code omit_values}); false unless {@link Kind#MATCHED}. */
  public boolean omits(double value) {
    return kind == Kind.MATCHED && view.omits(value);
  }

  /** The histogram or summary reduction to one number; empty when none (and unless {@link Kind#MATCHED}). */
  public Optional<Reduce> reduce() {
    return kind == Kind.MATCHED ? view.reduce() : Optional.empty();
  }

  /** The help text; empty when the view has none (the input's description is then kept). */
  public String help() {
    return kind == Kind.MATCHED ? view.help() : "";
  }

  /**
   * The Go runtime quantity the decided name stands for: the path it was recognised as, or the name
   * itself when it is a path, as the path Go documents it identical to ({@link GoCatalog#identity});
   * empty for any other name.
   */
  public Optional<String> quantity() {
    return quantity;
  }

  /**
   * The origin of a metric received under {@link #input()} that this decision's view mapped: the
   * received name, then the view's {@link View#originStep() step}, with the {@link #quantity()}
   * when the name stands for a Go runtime quantity under another name. Made once per decision, so
   * every series of the name shares it.
   *
   * @throws java.util.NoSuchElementException when no view decided (unmatched or malformed)
   */
  public Origin receivedOrigin() {
    Origin o = receivedOrigin;
    if (o == null) {
      o = mapped(Origin.RECEIVED);
      receivedOrigin = o;
    }
    return o;
  }

  /**
   * The origin of a metric named {@link #input()} that came with {@code before} (the steps it went
   * through already) and that this decision's view mapped: {@code before}, then the view's step, with
   * the {@link #quantity()} as for {@link #receivedOrigin()}, which is the case of a metric as received.
   *
   * @throws java.util.NoSuchElementException when no view decided (unmatched or malformed)
   */
  public Origin origin(Origin before) {
    return before == Origin.RECEIVED ? receivedOrigin() : mapped(before);
  }

  private Origin mapped(Origin before) {
    Origin o = before.then(view().orElseThrow().originStep(), input);
    return quantity.isPresent() && !quantity.get().equals(o.receivedName()) ? o.withQuantity(quantity.get()) : o;
  }

  /** Why a matched view's output is invalid; empty unless {@link Kind#INVALID}. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case MALFORMED -> "malformed " + input + ": " + error.message();
      case UNMATCHED -> "unmatched " + input;
      case DROPPED -> "dropped " + input + " by " + view.id();
      case INVALID -> "invalid " + input + " by " + view.id() + ": " + problem;
      case MATCHED -> input + (recognition == null ? "" : " as " + recognition.path()) + " -> " + name + labels
          + " by " + view.id();
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ViewDecision d
        && kind == d.kind
        && input.equals(d.input)
        && view == d.view
        && Objects.equals(name, d.name)
        && labels.equals(d.labels)
        && Objects.equals(problem, d.problem)
        && Objects.equals(error, d.error)
        && Objects.equals(recognition, d.recognition);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, input, name, labels);
  }
}
