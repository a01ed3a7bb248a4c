package dev.rosetta.model.view;

import dev.rosetta.model.MetricType;
import dev.rosetta.model.name.Grammar;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One compiled view of a view file: a match pattern (or RE2 regular expression) of one grammar,
 * exclude patterns, and either {@code drop} or the output family. Built by {@link ViewSet}'s
 * loader; immutable and thread-safe.
 */
public final class View {
  private final String id;
  private final ViewSource source;
  private final NamePattern pattern;
  private final List<NamePattern> excludes;
  private final boolean drop;
  private final Template name;
  private final Optional<MetricType> type;
  private final Optional<String> unit;
  private final List<LabelSpec> labels;
  private final Map<String, AttributeLabel> attributeLabels;
  private final double scale;
  private final String help;
  private final Optional<BucketLayout> buckets;
  private final double[] omitValues;
  private final Derivation derivation;
  private final Optional<Reduce> reduce;
  private final int line;
  private final int column;
  private final String originStep;

  View(
      String id,
      ViewSource source,
      NamePattern pattern,
      List<NamePattern> excludes,
      boolean drop,
      Template name,
      Optional<MetricType> type,
      Optional<String> unit,
      List<LabelSpec> labels,
      Map<String, AttributeLabel> attributeLabels,
      double scale,
      String help,
      Optional<BucketLayout> buckets,
      double[] omitValues,
      Derivation derivation,
      Optional<Reduce> reduce) {
    this(id, source, pattern, excludes, drop, name, type, unit, labels, attributeLabels, scale, help, buckets,
        omitValues, derivation, reduce, 0, 0);
  }

  View(
      String id,
      ViewSource source,
      NamePattern pattern,
      List<NamePattern> excludes,
      boolean drop,
      Template name,
      Optional<MetricType> type,
      Optional<String> unit,
      List<LabelSpec> labels,
      Map<String, AttributeLabel> attributeLabels,
      double scale,
      String help,
      Optional<BucketLayout> buckets,
      double[] omitValues,
      Derivation derivation,
      Optional<Reduce> reduce,
      int line,
      int column) {
    this.line = line;
    this.column = column;
    this.id = Objects.requireNonNull(id, "id");
    this.source = Objects.requireNonNull(source, "source");
    this.pattern = Objects.requireNonNull(pattern, "pattern");
    this.excludes = List.copyOf(excludes);
    this.drop = drop;
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.unit = Objects.requireNonNull(unit, "unit");
    this.labels = List.copyOf(labels);
    this.attributeLabels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributeLabels));
    this.scale = scale;
    this.help = Objects.requireNonNull(help, "help");
    this.buckets = Objects.requireNonNull(buckets, "buckets");
    this.omitValues = omitValues.clone();
    this.derivation = Objects.requireNonNull(derivation, "derivation");
    this.reduce = Objects.requireNonNull(reduce, "reduce");
    this.originStep = "view " + id + (id.equals(source.toString()) ? "" : " (" + source + ")");
  }

  /** The view's {@code id}, or {@code <file>#<index>} when none was given. */
  public String id() {
    return id;
  }

  public ViewSource source() {
    return source;
  }

  /**
   * How the origin of a metric this view mapped names the view: {@code view <id>}, with the file and
   * index in parentheses when the id was given (see {@link dev.rosetta.model.Origin#steps()}).
   */
  public String originStep() {
    return originStep;
  }

  public Grammar grammar() {
    return pattern.grammar();
  }

  /** The 1-based line where the view is written in its file; 0 when not known. */
  public int line() {
    return line;
  }

  /** The 1-based column where the view is written in its file; 0 when not known. */
  public int column() {
    return column;
  }

  /** The match pattern or regular expression as written. */
  public String match() {
    return pattern.source();
  }

  /** Whether matching names are dropped. */
  public boolean isDrop() {
    return drop;
  }

  /** The output family's name when it takes no capture (the same for every name matched). */
  public Optional<String> fixedName() {
    return drop || !name.isConstant() ? Optional.empty() : Optional.of(name.render(null)); // no slots: captures unused
  }

  /** The output type; empty when the view keeps the input's (or drops). */
  public Optional<MetricType> outputType() {
    return type;
  }

  /** The output unit as written; empty when the input's (or, for Go paths, the path's) is kept. */
  public Optional<String> outputUnit() {
    return unit;
  }

  @Override
  public String toString() {
    return id + " (" + source + ": " + pattern.source() + ")";
  }

  // ---- used by ViewSet -----------------------------------------------------------------------

  NamePattern pattern() {
    return pattern;
  }

  List<NamePattern> excludes() {
    return excludes;
  }

  Template nameTemplate() {
    return name;
  }

  Optional<MetricType> type() {
    return type;
  }

  Optional<String> unit() {
    return unit;
  }

  List<LabelSpec> labels() {
    return labels;
  }

  Map<String, AttributeLabel> attributeLabels() {
    return attributeLabels;
  }

  double scale() {
    return scale;
  }

  String help() {
    return help;
  }

  Optional<BucketLayout> buckets() {
    return buckets;
  }

  /** Whether a value as received is one the view omits ({@code omit_values}). */
  boolean omits(double value) {
    for (double v : omitValues) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }

  boolean hasOmitValues() {
    return omitValues.length > 0;
  }

  Derivation derivation() {
    return derivation;
  }

  Optional<Reduce> reduce() {
    return reduce;
  }
}
