package dev.rosetta.model.view;

import dev.rosetta.model.MetricType;
import dev.rosetta.model.name.Grammar;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses one view file into compiled {@link View}s, collecting every problem with its file, line,
 * view and field. Works on SnakeYAML's node tree (never constructing arbitrary objects), so line
 * numbers are known and scalars keep the text as written. Not thread-safe: one instance per file.
 */
final class ViewFileParser {
  static final Set<String> FIELDS =
      Set.of(
          "id", "match", "match_regex", "grammar", "exclude", "drop", "name", "type", "unit",
          "labels", "scale", "help", "buckets", "omit_values", "derive", "reduce");
  private static final List<String> OUTPUT_FIELDS =
      List.of("name", "type", "unit", "labels", "scale", "help", "buckets", "omit_values", "derive", "reduce");
  private static final int MAX_FILE_CHARS = 8 * 1024 * 1024;

  private final String file;
  private final List<ViewLoadError> errors;

  // the view being parsed, for error messages
  private int index = -1;
  private String viewId = "";

  ViewFileParser(String file, List<ViewLoadError> errors) {
    this.file = file;
    this.errors = errors;
  }

  List<View> parse(String text) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(50);
      options.setNestingDepthLimit(50);
      options.setCodePointLimit(MAX_FILE_CHARS);
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      errors.add(
          new ViewLoadError(file, mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
              -1, "", "", "invalid YAML: " + oneLine(e.getProblem())));
      return List.of();
    } catch (YAMLException e) {
      errors.add(new ViewLoadError(file, 0, -1, "", "", "invalid YAML: " + oneLine(e.getMessage())));
      return List.of();
    }
    if (root == null || isNull(root)) {
      return List.of(); // an empty file has no views
    }
    if (!(root instanceof MappingNode map)) {
      fileError(root, "expected a map with a \"views\" list at the top level, found " + kind(root));
      return List.of();
    }
    Map<String, Node> top = fields(map, "");
    Node viewsNode = null;
    for (Map.Entry<String, Node> e : top.entrySet()) {
      if (e.getKey().equals("views")) {
        viewsNode = e.getValue();
      } else {
        fileError(e.getValue(), "unknown top-level key \"" + e.getKey() + "\"; a view file has only \"views\"");
      }
    }
    if (viewsNode == null || isNull(viewsNode)) {
      return List.of();
    }
    if (!(viewsNode instanceof SequenceNode seq)) {
      fileError(viewsNode, "\"views\" must be a list of views, found " + kind(viewsNode));
      return List.of();
    }
    List<View> views = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      index = i;
      viewId = "";
      View v = view(items.get(i), ids);
      if (v != null) {
        views.add(v);
      }
    }
    index = -1;
    viewId = "";
    return views;
  }

  // ---- one view ------------------------------------------------------------------------------

  private View view(Node node, Set<String> ids) {
    if (!(node instanceof MappingNode map)) {
      error(node, "", "a view must be a map of fields, found " + kind(node));
      return null;
    }
    int errorsBefore = errors.size();
    Map<String, Node> f = fields(map, "");
    Optional<String> id = string(f, "id");
    if (id.isPresent()) {
      viewId = id.get();
      if (viewId.isEmpty()) {
        error(f.get("id"), "id", "must not be empty");
      } else if (!ids.add(viewId)) {
        error(f.get("id"), "id", "duplicate id \"" + viewId + "\" in this file");
      }
    }
    for (Map.Entry<String, Node> e : f.entrySet()) {
      if (!FIELDS.contains(e.getKey())) {
        error(e.getValue(), e.getKey(), "unknown field; valid fields: " + String.join(", ", sorted(FIELDS)));
      }
    }

    // match
    Optional<String> match = string(f, "match");
    Optional<String> regex = string(f, "match_regex");
    Optional<String> grammarWord = string(f, "grammar");
    Optional<Grammar> grammar = Optional.empty();
    if (grammarWord.isPresent()) {
      grammar = Grammar.fromWord(grammarWord.get());
      if (grammar.isEmpty()) {
        error(f.get("grammar"), "grammar", "unknown grammar \"" + grammarWord.get() + "\"; expected go, jvm or dotted");
      }
    }
    NamePattern pattern = null;
    if (match.isPresent() == regex.isPresent()) {
      error(map, match.isPresent() ? "match_regex" : "match",
          match.isPresent() ? "give either match or match_regex, not both" : "missing: a view needs match (a pattern) or match_regex");
    } else if (match.isPresent()) {
      try {
        pattern = NamePattern.compile(match.get());
        if (grammar.isPresent() && grammar.get() != pattern.grammar()) {
          error(f.get("grammar"), "grammar",
              "the match pattern is a " + pattern.grammar().word() + " pattern, not " + grammar.get().word());
        }
      } catch (IllegalArgumentException e) {
        error(f.get("match"), "match", e.getMessage());
      }
    } else if (grammarWord.isEmpty()) {
      error(f.get("match_regex"), "grammar", "missing: match_regex needs grammar: go, jvm or dotted");
    } else if (grammar.isPresent()) {
      try {
        pattern = NamePattern.compileRegex(regex.get(), grammar.get());
      } catch (IllegalArgumentException e) {
        error(f.get("match_regex"), "match_regex", e.getMessage());
      }
    }

    List<NamePattern> excludes = excludes(f, pattern);
    boolean drop = bool(f, "drop", false);
    if (drop) {
      for (String field : OUTPUT_FIELDS) {
        if (f.containsKey(field)) {
          error(f.get(field), field, "a drop view has no output: remove " + field + " or drop");
        }
      }
    }
    CaptureNames captures = pattern != null ? pattern.captures() : new CaptureNames();

    Template name = Template.constant("");
    if (!drop) {
      Optional<String> nameText = string(f, "name");
      if (nameText.isEmpty()) {
        error(map, "name", "missing: the semantic name of the output family (or drop: true)");
      } else if (nameText.get().isEmpty()) {
        error(f.get("name"), "name", "must not be empty");
      } else if (pattern != null) {
        try {
          name = Template.compile(nameText.get(), captures);
        } catch (IllegalArgumentException e) {
          error(f.get("name"), "name", e.getMessage());
        }
      }
    }
    Optional<MetricType> type = type(f);
    Optional<String> unit = drop ? Optional.empty() : string(f, "unit");
    List<LabelSpec> labels = new ArrayList<>();
    Map<String, AttributeLabel> attributeLabels = new LinkedHashMap<>();
    if (!drop) {
      labels(f, pattern, captures, labels, attributeLabels);
    }
    double scale = drop ? 1 : scale(f);
    String help = drop ? "" : string(f, "help").orElse("");
    Optional<BucketLayout> buckets = drop ? Optional.empty() : buckets(f, type);
    Optional<Reduce> reduce = drop ? Optional.empty() : reduce(f, type);
    double[] omitValues = drop ? new double[0] : omitValues(f, type);
    Derivation derivation = drop || pattern == null ? Derivation.NONE : derivation(f, type, captures);

    if (errors.size() > errorsBefore || pattern == null) {
      return null;
    }
    ViewSource source = new ViewSource(file, index);
    return new View(
        id.orElse(source.toString()), source, pattern, excludes, drop, name, type, unit, labels,
        attributeLabels, scale, help, buckets, omitValues, derivation, reduce,
        map.getStartMark().getLine() + 1, map.getStartMark().getColumn() + 1);
  }

  private static boolean isDistribution(Optional<MetricType> type) {
    return type.isPresent() && (type.get() == MetricType.HISTOGRAM || type.get() == MetricType.SUMMARY);
  }

  /** {@code reduce: sum|count}: a histogram or summary input becomes a number; needs a number type. */
  private Optional<Reduce> reduce(Map<String, Node> f, Optional<MetricType> type) {
    Optional<String> word = string(f, "reduce");
    if (word.isEmpty()) {
      return Optional.empty();
    }
    Reduce r;
    switch (word.get()) {
      case "sum" -> r = Reduce.SUM;
      case "count" -> r = Reduce.COUNT;
      default -> {
        error(f.get("reduce"), "reduce", "unknown reduce \"" + word.get() + "\"; expected sum or count");
        return Optional.empty();
      }
    }
    if (type.isEmpty() || isDistribution(type)) {
      error(f.get("reduce"), "reduce",
          "reduce makes a number of a histogram or summary: give type counter, updowncounter or gauge");
      return Optional.empty();
    }
    return Optional.of(r);
  }

  /** {@code omit_values: [-1]}: values (as received) that mean "undefined" and are left out. */
  private double[] omitValues(Map<String, Node> f, Optional<MetricType> type) {
    Node node = f.get("omit_values");
    if (node == null || isNull(node)) {
      return new double[0];
    }
    if (isDistribution(type)) {
      error(node, "omit_values", "omit_values applies to number values, but type is " + type.get().word());
      return new double[0];
    }
    if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      error(node, "omit_values", "expected a non-empty list of numbers, found " + kind(node));
      return new double[0];
    }
    List<Node> items = seq.getValue();
    double[] values = new double[items.size()];
    for (int i = 0; i < items.size(); i++) {
      Optional<Double> d = number(items.get(i), "omit_values[" + i + "]");
      if (d.isEmpty()) {
        return new double[0];
      }
      values[i] = d.get();
    }
    return values;
  }

  /** {@code derive: {add: [names], subtract: [names]}}, names being templates over the captures. */
  private Derivation derivation(Map<String, Node> f, Optional<MetricType> type, CaptureNames captures) {
    Node node = f.get("derive");
    if (node == null || isNull(node)) {
      return Derivation.NONE;
    }
    if (isDistribution(type)) {
      error(node, "derive", "derive applies to number values, but type is " + type.get().word());
      return Derivation.NONE;
    }
    if (f.containsKey("reduce")) {
      error(node, "derive", "give either derive or reduce, not both");
      return Derivation.NONE;
    }
    if (!(node instanceof MappingNode m)) {
      error(node, "derive", "expected {add: [names], subtract: [names]}, found " + kind(node));
      return Derivation.NONE;
    }
    Map<String, Node> d = fields(m, "derive.");
    for (Map.Entry<String, Node> e : d.entrySet()) {
      if (!e.getKey().equals("add") && !e.getKey().equals("subtract")) {
        error(e.getValue(), "derive." + e.getKey(), "unknown field; valid fields: add, subtract");
      }
    }
    List<Template> add = operands(d.get("add"), "derive.add", captures);
    List<Template> subtract = operands(d.get("subtract"), "derive.subtract", captures);
    if (d.isEmpty()) {
      error(node, "derive", "missing: add or subtract (a list of raw names)");
    }
    return new Derivation(add, subtract);
  }

  private List<Template> operands(Node node, String field, CaptureNames captures) {
    if (node == null || isNull(node)) {
      return List.of();
    }
    if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      error(node, field, "expected a non-empty list of raw names, found " + kind(node));
      return List.of();
    }
    List<Template> result = new ArrayList<>();
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String at = field + "[" + i + "]";
      if (!(item instanceof ScalarNode s) || isNull(item) || s.getValue().isEmpty()) {
        error(item, at, "expected a raw name (captures allowed), found " + kind(item));
        continue;
      }
      try {
        result.add(Template.compile(s.getValue(), captures));
      } catch (IllegalArgumentException e) {
        error(item, at, e.getMessage());
      }
    }
    return result;
  }

  private List<NamePattern> excludes(Map<String, Node> f, NamePattern pattern) {
    Node node = f.get("exclude");
    if (node == null || isNull(node)) {
      return List.of();
    }
    List<Node> items;
    boolean single = node instanceof ScalarNode;
    if (single) {
      items = List.of(node);
    } else if (node instanceof SequenceNode seq) {
      items = seq.getValue();
    } else {
      error(node, "exclude", "expected a pattern or a list of patterns, found " + kind(node));
      return List.of();
    }
    List<NamePattern> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String field = single ? "exclude" : "exclude[" + i + "]";
      Node item = items.get(i);
      if (!(item instanceof ScalarNode s) || isNull(item)) {
        error(item, field, "expected a pattern, found " + kind(item));
        continue;
      }
      try {
        NamePattern p = NamePattern.compile(s.getValue());
        if (pattern != null && p.grammar() != pattern.grammar()) {
          error(item, field,
              "a " + p.grammar().word() + " pattern cannot exclude from a " + pattern.grammar().word() + " view");
          continue;
        }
        result.add(p);
      } catch (IllegalArgumentException e) {
        error(item, field, e.getMessage());
      }
    }
    return result;
  }

  private Optional<MetricType> type(Map<String, Node> f) {
    Optional<String> word = string(f, "type");
    if (word.isEmpty()) {
      return Optional.empty();
    }
    for (MetricType t : MetricType.values()) {
      if (t.word().equals(word.get())) {
        return Optional.of(t);
      }
    }
    error(f.get("type"), "type",
        "unknown type \"" + word.get() + "\"; expected gauge, counter, updowncounter, histogram or summary");
    return Optional.empty();
  }

  private void labels(
      Map<String, Node> f,
      NamePattern pattern,
      CaptureNames captures,
      List<LabelSpec> labels,
      Map<String, AttributeLabel> attributeLabels) {
    Node node = f.get("labels");
    if (node == null || isNull(node)) {
      return;
    }
    if (!(node instanceof MappingNode map)) {
      error(node, "labels", "expected a map of label name to value, found " + kind(node));
      return;
    }
    for (Map.Entry<String, Node> e : fields(map, "labels.").entrySet()) {
      String label = e.getKey();
      String field = "labels." + label;
      Node value = e.getValue();
      if (label.isEmpty()) {
        error(value, field, "empty label name");
        continue;
      }
      if (value instanceof ScalarNode s && !isNull(value)) {
        if (pattern == null) {
          continue;
        }
        try {
          labels.add(LabelSpec.template(label, Template.compile(s.getValue(), captures)));
        } catch (IllegalArgumentException ex) {
          error(value, field, ex.getMessage());
        }
      } else if (value instanceof MappingNode m) {
        labelObject(m, field, label, pattern, captures, labels, attributeLabels);
      } else {
        error(value, field,
            "expected a value (\"{capture}\" or a constant), {capture: ...} or {attribute: ...}, found " + kind(value));
      }
    }
  }

  private void labelObject(
      MappingNode m,
      String field,
      String label,
      NamePattern pattern,
      CaptureNames captures,
      List<LabelSpec> labels,
      Map<String, AttributeLabel> attributeLabels) {
    Map<String, Node> o = fields(m, field + ".");
    Optional<String> capture = string(o, "capture", field + ".capture");
    Optional<String> attribute = string(o, "attribute", field + ".attribute");
    Set<String> allowed = capture.isPresent() ? Set.of("capture", "join", "map", "default") : Set.of("attribute", "map", "default");
    for (Map.Entry<String, Node> e : o.entrySet()) {
      if (!allowed.contains(e.getKey()) && !e.getKey().equals("capture") && !e.getKey().equals("attribute")) {
        error(e.getValue(), field + "." + e.getKey(),
            "unknown field; valid fields: " + String.join(", ", sorted(allowed)));
      }
    }
    Map<String, String> valueMap = stringMap(o, "map", field + ".map");
    if (capture.isPresent() == attribute.isPresent()) {
      error(m, field, capture.isPresent()
          ? "give either capture or attribute, not both"
          : "missing: capture (a capture of the match pattern) or attribute (a sibling MBean attribute)");
      return;
    }
    if (capture.isPresent()) {
      String join = string(o, "join", field + ".join").orElse("/");
      if (pattern == null) {
        return;
      }
      int slot = captures.slotOf(capture.get());
      if (slot < 0) {
        error(o.get("capture"), field + ".capture",
            "unknown capture \"" + capture.get() + "\""
                + (captures.size() == 0 ? ": the match pattern has no captures"
                    : "; captures of the match pattern: " + String.join(", ", captures.names())));
        return;
      }
      Optional<String> fallback = string(o, "default", field + ".default");
      if (fallback.isPresent() && fallback.get().isEmpty()) {
        error(o.get("default"), field + ".default", "must not be empty");
        return;
      }
      labels.add(LabelSpec.capture(label, slot, join, valueMap, fallback.orElse(null)));
      return;
    }
    if (attribute.get().isEmpty()) {
      error(o.get("attribute"), field + ".attribute", "must not be empty");
      return;
    }
    if (pattern != null && pattern.grammar() != Grammar.JVM) {
      error(o.get("attribute"), field + ".attribute",
          "sibling attributes exist only for jvm views; this is a " + pattern.grammar().word() + " view");
      return;
    }
    Optional<String> fallback = string(o, "default", field + ".default");
    attributeLabels.put(label, new AttributeLabel(attribute.get(), valueMap, fallback));
  }

  private double scale(Map<String, Node> f) {
    Node node = f.get("scale");
    if (node == null || isNull(node)) {
      return 1;
    }
    Optional<Double> d = number(node, "scale");
    if (d.isEmpty()) {
      return 1;
    }
    if (!(d.get() > 0) || !Double.isFinite(d.get())) {
      error(node, "scale", "must be a finite number greater than 0, got " + text(node));
      return 1;
    }
    return d.get();
  }

  private Optional<BucketLayout> buckets(Map<String, Node> f, Optional<MetricType> type) {
    Node node = f.get("buckets");
    if (node == null || isNull(node)) {
      return Optional.empty();
    }
    if (type.isPresent() && type.get() != MetricType.HISTOGRAM) {
      error(node, "buckets", "buckets apply to histograms, but type is " + type.get().word());
      return Optional.empty();
    }
    if (!(node instanceof MappingNode m)) {
      error(node, "buckets", "expected {bounds: [...]} or {max: N}, found " + kind(node));
      return Optional.empty();
    }
    Map<String, Node> b = fields(m, "buckets.");
    for (Map.Entry<String, Node> e : b.entrySet()) {
      if (!e.getKey().equals("bounds") && !e.getKey().equals("max")) {
        error(e.getValue(), "buckets." + e.getKey(), "unknown field; valid fields: bounds, max");
      }
    }
    Node bounds = b.get("bounds");
    Node max = b.get("max");
    if ((bounds == null) == (max == null)) {
      error(node, "buckets", bounds == null ? "missing: bounds (a list of bounds) or max (a bucket count)"
          : "give either bounds or max, not both");
      return Optional.empty();
    }
    if (max != null) {
      try {
        int n = Integer.parseInt(raw(max).trim());
        if (n < 1) {
          throw new NumberFormatException();
        }
        return Optional.of(BucketLayout.maxBuckets(n));
      } catch (NumberFormatException e) {
        error(max, "buckets.max", "must be a whole number of at least 1, got " + text(max));
        return Optional.empty();
      }
    }
    if (!(bounds instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      error(bounds, "buckets.bounds", "expected a non-empty list of numbers, found " + kind(bounds));
      return Optional.empty();
    }
    List<Node> items = seq.getValue();
    double[] values = new double[items.size()];
    for (int i = 0; i < items.size(); i++) {
      Optional<Double> d = number(items.get(i), "buckets.bounds[" + i + "]");
      if (d.isEmpty()) {
        return Optional.empty();
      }
      values[i] = d.get();
    }
    try {
      return Optional.of(BucketLayout.explicit(values));
    } catch (IllegalArgumentException e) {
      error(bounds, "buckets.bounds", e.getMessage());
      return Optional.empty();
    }
  }

  // ---- scalar helpers ------------------------------------------------------------------------

  /** The map's entries by key text, reporting non-scalar and duplicate keys. */
  private Map<String, Node> fields(MappingNode map, String prefix) {
    Map<String, Node> result = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode s)) {
        error(k, prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), "keys must be plain text, found " + kind(k));
        continue;
      }
      if (result.containsKey(s.getValue())) {
        error(k, prefix + s.getValue(), "duplicate key");
        continue;
      }
      result.put(s.getValue(), t.getValueNode());
    }
    return result;
  }

  private Optional<String> string(Map<String, Node> f, String key) {
    return string(f, key, key);
  }

  private Optional<String> string(Map<String, Node> f, String key, String field) {
    Node node = f.get(key);
    if (node == null || isNull(node)) {
      return Optional.empty();
    }
    if (!(node instanceof ScalarNode s)) {
      error(node, field, "expected text, found " + kind(node));
      return Optional.empty();
    }
    return Optional.of(s.getValue());
  }

  private Map<String, String> stringMap(Map<String, Node> f, String key, String field) {
    Node node = f.get(key);
    if (node == null || isNull(node)) {
      return Map.of();
    }
    if (!(node instanceof MappingNode m)) {
      error(node, field, "expected a map of value to replacement, found " + kind(node));
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : fields(m, field + ".").entrySet()) {
      if (!(e.getValue() instanceof ScalarNode s) || isNull(e.getValue())) {
        error(e.getValue(), field + "." + e.getKey(), "expected a replacement value, found " + kind(e.getValue()));
        continue;
      }
      result.put(e.getKey(), s.getValue());
    }
    return result;
  }

  private boolean bool(Map<String, Node> f, String key, boolean dflt) {
    Node node = f.get(key);
    if (node == null || isNull(node)) {
      return dflt;
    }
    String t = raw(node).toLowerCase(Locale.ROOT);
    if (node instanceof ScalarNode && (t.equals("true") || t.equals("false"))) {
      return t.equals("true");
    }
    error(node, key, "expected true or false, got " + text(node));
    return dflt;
  }

  private Optional<Double> number(Node node, String field) {
    if (node instanceof ScalarNode s && !isNull(node)) {
      String t = s.getValue().trim().replace("_", "");
      try {
        double d = Double.parseDouble(t);
        if (Double.isFinite(d) && !t.isEmpty() && (Character.isDigit(t.charAt(t.length() - 1)) || t.endsWith("."))) {
          return Optional.of(d);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    error(node, field, "expected a finite number, got " + text(node));
    return Optional.empty();
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s
        && s.getTag().equals(Tag.NULL)
        && s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN;
  }

  /** The text of a scalar as written, "" for anything else. */
  private static String raw(Node node) {
    return node instanceof ScalarNode s ? s.getValue() : "";
  }

  private static String text(Node node) {
    return node instanceof ScalarNode s ? "\"" + s.getValue() + "\"" : kind(node);
  }

  private static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a map";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return isNull(node) ? "nothing" : "\"" + ((ScalarNode) node).getValue() + "\"";
  }

  private static List<String> sorted(Set<String> set) {
    List<String> list = new ArrayList<>(set);
    list.sort(null);
    return list;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').trim();
  }

  private void error(Node node, String field, String message) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
    errors.add(new ViewLoadError(file, line, column, index, viewId, field, message));
  }

  private void fileError(Node node, String message) {
    errors.add(new ViewLoadError(file, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1, -1,
        "", "", message));
  }
}
