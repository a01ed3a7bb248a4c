package dev.rosetta.receiver.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.name.GoNameRecognizer;
import dev.rosetta.model.naming.PrometheusNaming;
import dev.rosetta.model.view.AttributeLabel;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.aggregate.AggregationRules;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.Positions;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.ViewsConfig;
import dev.rosetta.receiver.views.ConfigCheck;
import dev.rosetta.receiver.views.ConfiguredViews;
import dev.rosetta.receiver.config.FileCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code rosetta explain [--config FILE] [--json] [NAME...]}: for each raw metric name (the
 * arguments, or standard input one per line when there are none) tells which view matched (file
 * and index) and what it produces, or that none did.
 *
 * <p>Views come from the configuration's {@code views} section ({@code --config}), or the embedded
 * default (the default built-in sets). With {@code --json}, each input gives exactly one JSON object
 * on one line, keys in this order: {@code input}, {@code matched}, {@code drop}, {@code view},
 * {@code name}, {@code type}, {@code unit}, {@code labels}, {@code prometheus_name} (plus {@code
 * value} when the view derives or reduces the value, {@code problem} when the matching view's
 * output is invalid for the name, {@code recognized_as}, {@code recognized_by} and {@code minus}
 * when the name is another Go instrumentation's name for a runtime/metrics path, {@code aggregate}
 * when an {@code aggregate:} rule names the family, and {@code overlay}, the same keys but {@code
 * input}, when an overlay set also maps the name, {@code attribute_labels} for labels whose value is
 * a sibling MBean attribute's, and {@code relabel}, the relabel rules that change the name or its
 * labels, when the configuration has any); a malformed input gives {@code {"input": ...,
 * "error": ...}} instead.
 *
 * <p>With relabel rules, the input rules are applied to the name first (see {@link RelabelTrace});
 * the view is the one of the name they leave, and the output rules are applied to what the view
 * makes of it.
 *
 * <p>Exit status: 0 when every input parsed; 1 when any was malformed; 2 on a usage error or when
 * the configuration or the views cannot be loaded (the problems go to {@code err}).
 *
 * <p>Stateless; each run builds its own view set.
 */
public final class ExplainCommand {
  /** The usage text. */
  public static final String USAGE =
      """
      usage: rosetta explain [--config FILE] [--json] [NAME...]
        Tells, for each raw metric name (the arguments, or standard input one per line), which view
        matches and what it produces: semantic name, type, unit, labels, the Prometheus name and the
        aggregate: rule the family takes.
        --config FILE   use the views, relabel and aggregate rules of this configuration (default:
                        the built-in sets, no rules); the rules that change a name are listed with it
        --json          one JSON object per name
      """;

  public static final int OK = 0;
  public static final int MALFORMED = 1;
  public static final int FAILED = 2;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private ExplainCommand() {}

  /**
   * Runs the command. {@code args} may start with the word {@code explain}. Never throws for bad
   * input.
   *
   * @param in standard input, read when no names are given
   * @param env the environment for {@code ${env:NAME}} references in the configuration
   */
  public static int run(
      String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    String config = null;
    boolean json = false;
    List<String> names = new ArrayList<>();
    boolean options = true;
    int i = args.length > 0 && args[0].equals("explain") ? 1 : 0;
    for (; i < args.length; i++) {
      String arg = args[i];
      if (options && arg.equals("--")) {
        options = false;
      } else if (options && (arg.equals("-h") || arg.equals("--help"))) {
        out.print(USAGE);
        return OK;
      } else if (options && arg.equals("--json")) {
        json = true;
      } else if (options && (arg.equals("--config") || arg.equals("-c"))) {
        if (i + 1 == args.length) {
          return usageError(err, "--config needs a file name");
        }
        if (config != null) {
          return usageError(err, "--config given more than once");
        }
        config = args[++i];
      } else if (options && arg.startsWith("--config=")) {
        if (config != null) {
          return usageError(err, "--config given more than once");
        }
        config = arg.substring("--config=".length());
      } else if (options && arg.startsWith("-") && arg.length() > 1 && !arg.startsWith("/")) {
        return usageError(err, "unknown option \"" + arg + "\"");
      } else {
        names.add(arg);
      }
    }
    if (config != null && config.isEmpty()) {
      return usageError(err, "--config needs a file name");
    }

    RosettaConfig rosetta;
    ViewSet views;
    Positions positions = Positions.none();
    if (config == null) {
      rosetta = ConfigLoader.embeddedDefault();
      try {
        views = ConfiguredViews.load(rosetta.views(), 0);
      } catch (ViewLoadException e) {
        e.errors().forEach(err::println);
        return FAILED;
      }
    } else {
      Path file;
      try {
        file = Path.of(config);
      } catch (InvalidPathException e) {
        err.println(config + ": invalid file name: " + e.getReason());
        return FAILED;
      }
      // every problem of the file and of its view files, as validate reports them
      ConfigCheck.Result checked = ConfigCheck.of(ConfigLoader.check(file, env, FileCheck.readable()), 0);
      if (!checked.ok()) {
        checked.errors().forEach(err::println);
        return FAILED;
      }
      rosetta = checked.config().orElseThrow();
      views = checked.views().orElseThrow();
      positions = checked.positions();
    }

    RelabelTrace trace = new RelabelTrace(rosetta.relabel(), positions, rosetta.source(),
        rosetta.exporters().prometheus().addMetricSuffixes());
    Explainer explainer = new Explainer(views, rosetta.views().unmatched(), trace,
        AggregationRules.of(rosetta.aggregate()), json, out);
    if (!names.isEmpty()) {
      names.forEach(explainer::explain);
    } else {
      try {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
          explainer.explain(line);
        }
      } catch (IOException e) {
        err.println("rosetta explain: cannot read standard input: " + e.getMessage());
        return FAILED;
      }
    }
    out.flush();
    return explainer.malformed ? MALFORMED : OK;
  }

  /**
   * What {@code rosetta explain NAME} prints for one name (its text form), with the views, the
   * unmatched policy and the aggregation rules given; the status page shows it for unmatched names.
   */
  public static String explainText(ViewSet views, ViewsConfig.Unmatched unmatched, AggregationRules aggregation,
      String name) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(512);
    PrintStream out = new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    RelabelTrace noRules = new RelabelTrace(dev.rosetta.receiver.config.RelabelSettings.none(),
        Positions.none(), "", true);
    new Explainer(views, unmatched, noRules, aggregation, false, out).explain(name);
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
  }

  private static int usageError(PrintStream err, String message) {
    err.println("rosetta explain: " + message);
    err.print(USAGE);
    return FAILED;
  }

  /** Explains names one at a time; not thread-safe. */
  private static final class Explainer {
    private final ViewSet views;
    private final ViewsConfig.Unmatched unmatched;
    private final RelabelTrace trace;
    private final AggregationRules aggregation;
    private final boolean json;
    private final PrintStream out;
    private boolean malformed;
    private boolean first = true;

    Explainer(ViewSet views, ViewsConfig.Unmatched unmatched, RelabelTrace trace, AggregationRules aggregation,
        boolean json, PrintStream out) {
      this.views = views;
      this.unmatched = unmatched;
      this.trace = trace;
      this.aggregation = aggregation;
      this.json = json;
      this.out = out;
    }

    void explain(String name) {
      if (trace.any() && !views.decide(name).malformed()) {
        explainRelabelled(name);
        return;
      }
      ViewDecision d = views.decide(name);
      malformed |= d.malformed();
      if (json) {
        out.println(GSON.toJson(json(d)));
      } else {
        separate();
        text(d);
        Optional<ViewDecision> ov = d.malformed() ? Optional.empty() : overlay(name);
        if (ov.isPresent()) {
          out.println("  and, from the overlay set " + ov.get().source().orElseThrow() + ":");
          text(ov.get());
        }
      }
      out.flush();
    }

    /** With relabel rules: the input rules, the view of the name they leave, then the output rules. */
    private void explainRelabelled(String name) {
      RelabelTrace.Input in = trace.input(name);
      Optional<ViewDecision> d = in.name().map(views::decide);
      malformed |= d.isPresent() && d.get().malformed();
      List<RelabelTrace.Step> steps = new ArrayList<>(in.steps());
      boolean reachesOutput = d.isPresent() && !d.get().malformed() && !d.get().drop() && d.get().problem().isEmpty()
          && (d.get().matched() || unmatched == ViewsConfig.Unmatched.PASSTHROUGH);
      List<RelabelTrace.Step> output = reachesOutput ? trace.output(d.get()) : List.of();
      steps.addAll(output);
      if (json) {
        JsonObject o;
        if (d.isEmpty()) {
          o = new JsonObject();
          o.addProperty("input", name);
          o.addProperty("matched", false);
          o.addProperty("drop", true);
          for (String key : List.of("view", "name", "type", "unit")) {
            o.add(key, JsonNull.INSTANCE);
          }
          o.add("labels", new JsonObject());
          o.add("prometheus_name", JsonNull.INSTANCE);
        } else {
          o = json(d.get(), true);
          o.addProperty("input", name); // the name as given, also when an input rule renamed it
        }
        if (!o.has("error")) {
          o.add("relabel", relabelJson(steps));
        }
        out.println(GSON.toJson(o));
      } else {
        separate();
        out.println(name);
        in.steps().forEach(s -> out.println("  relabel:    " + s.title() + ": " + s.effect()));
        if (d.isEmpty()) {
          out.println("  dropped by relabel." + in.steps().get(in.steps().size() - 1).stage().word + " rule "
              + in.steps().get(in.steps().size() - 1).rule());
        } else {
          text(d.get(), false);
          output.forEach(s -> out.println("  relabel:    " + s.title() + ": " + s.effect()));
          Optional<ViewDecision> ov = d.get().malformed() ? Optional.empty() : overlay(d.get().input());
          if (ov.isPresent()) {
            out.println("  and, from the overlay set " + ov.get().source().orElseThrow() + ":");
            text(ov.get());
          }
        }
      }
      out.flush();
    }

    private void separate() {
      if (!first) {
        out.println();
      }
      first = false;
    }

    private static com.google.gson.JsonArray relabelJson(List<RelabelTrace.Step> steps) {
      com.google.gson.JsonArray a = new com.google.gson.JsonArray();
      for (RelabelTrace.Step s : steps) {
        JsonObject o = new JsonObject();
        o.addProperty("stage", s.stage().word);
        o.addProperty("rule", s.rule());
        add(o, "at", s.at());
        o.addProperty("action", s.action());
        o.addProperty("effect", s.effect());
        if (s.drop()) {
          o.addProperty("drop", true);
        }
        s.name().ifPresent(n -> o.addProperty("name", n));
        if (!s.set().isEmpty()) {
          JsonObject set = new JsonObject();
          new TreeMap<>(s.set()).forEach(set::addProperty);
          o.add("set", set);
        }
        if (!s.removed().isEmpty()) {
          com.google.gson.JsonArray r = new com.google.gson.JsonArray();
          s.removed().forEach(r::add);
          o.add("removed", r);
        }
        if (!s.dependsOn().isEmpty()) {
          com.google.gson.JsonArray r = new com.google.gson.JsonArray();
          s.dependsOn().forEach(r::add);
          o.add("depends_on", r);
        }
        a.add(o);
      }
      return a;
    }

    private JsonObject json(ViewDecision d) {
      return json(d, true);
    }

    private JsonObject json(ViewDecision d, boolean top) {
      JsonObject o = new JsonObject();
      o.addProperty("input", d.input());
      if (d.malformed()) {
        o.addProperty("error", d.error().orElseThrow().message());
        return o;
      }
      o.addProperty("matched", d.matched());
      o.addProperty("drop", d.drop());
      add(o, "view", d.viewId());
      add(o, "name", d.name());
      add(o, "type", d.type().map(MetricType::word));
      add(o, "unit", d.unit());
      JsonObject labels = new JsonObject();
      labels(d).forEach(labels::addProperty);
      o.add("labels", labels);
      Prom prom = prometheusName(d);
      add(o, "prometheus_name", prom.name);
      if (!d.operands().isEmpty()) {
        o.addProperty("value", derivation(d));
      }
      d.reduce().ifPresent(r -> o.addProperty("value", "the input's " + r.word()));
      if (!d.attributeLabels().isEmpty()) {
        JsonObject attrs = new JsonObject();
        new TreeMap<>(d.attributeLabels()).forEach((k, a) -> {
          JsonObject one = new JsonObject();
          one.addProperty("attribute", a.attribute());
          JsonObject map = new JsonObject();
          new TreeMap<>(a.map()).forEach(map::addProperty);
          one.add("map", map);
          add(one, "default", a.fallback());
          attrs.add(k, one);
        });
        o.add("attribute_labels", attrs);
      }
      Optional<String> problem = d.problem().or(() -> prom.problem);
      problem.ifPresent(p -> o.addProperty("problem", p));
      d.recognition().ifPresent(r -> {
        o.addProperty("recognized_as", r.path().text());
        o.addProperty("recognized_by", r.source().description() + ", " + r.form());
        r.minus().ifPresent(m -> o.addProperty("minus", m));
      });
      aggregation(d, prom).ifPresent(a -> {
        JsonObject agg = new JsonObject();
        AggregateRule r = a.rule();
        agg.addProperty("rule", r.id());
        agg.addProperty("op", r.op().word());
        com.google.gson.JsonArray ruleLabels = new com.google.gson.JsonArray();
        r.labels().forEach(ruleLabels::add);
        agg.add(r.without() ? "without" : "by", ruleLabels);
        agg.addProperty("applies", a.fits(d.type().orElseThrow()));
        o.add("aggregate", agg);
      });
      if (!top) {
        return o;
      }
      overlay(d.input()).ifPresent(ov -> {
        JsonObject extra = json(ov, false);
        extra.remove("input");
        o.add("overlay", extra);
      });
      return o;
    }

    /** The aggregate: rule naming the family, when the type (and so the family name) is known. */
    private Optional<AggregationRules.Aggregation> aggregation(ViewDecision d, Prom prom) {
      if (prom.name.isEmpty() || d.type().isEmpty()) {
        return Optional.empty();
      }
      return aggregation.match(prom.name.get(), d.type().get());
    }

    private void text(ViewDecision d) {
      text(d, true);
    }

    private void text(ViewDecision d, boolean withInput) {
      if (withInput) {
        out.println(d.input());
      }
      if (d.malformed()) {
        out.println("  error:      " + d.error().orElseThrow().message());
        return;
      }
      d.recognition().ifPresent(r -> out.println("  recognized: " + r.describe()));
      if (!d.matched() && GoNameRecognizer.ambiguous(d.input())) {
        out.println("  ambiguous:  another Go instrumentation's name for more than one runtime/metrics path;"
            + " the metric's unit or type tells which when it arrives");
      }
      if (!d.matched()) {
        out.println(
            "  no view matched (views.unmatched: " + unmatched.name().toLowerCase(Locale.ROOT)
                + (unmatched == ViewsConfig.Unmatched.DROP ? ", so it is dropped)" : ", so it is kept as it is)"));
        return;
      }
      String id = d.viewId().orElseThrow();
      String source = d.source().orElseThrow().toString();
      out.println("  view:       " + (id.equals(source) ? source : id + " (" + source + ")"));
      if (d.drop()) {
        out.println("  dropped by this view");
        return;
      }
      if (d.problem().isPresent()) {
        out.println("  invalid:    " + d.problem().get() + " (its points are dropped)");
        return;
      }
      out.println("  name:       " + d.name().orElseThrow());
      out.println("  type:       " + d.type().map(MetricType::word).orElse("(the input's)"));
      out.println("  unit:       " + d.unit().orElse("(the input's)"));
      Map<String, String> labels = new TreeMap<>(d.labels().asMap());
      d.attributeLabels().keySet().forEach(k -> labels.put(k, null));
      if (labels.isEmpty()) {
        out.println("  labels:     (none)");
      } else {
        StringBuilder sb = new StringBuilder();
        labels.forEach((k, v) -> {
          sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=');
          if (v == null) {
            sb.append(describeInFull(d.attributeLabels().get(k)));
          } else {
            sb.append('"').append(v).append('"');
          }
        });
        out.println("  labels:     " + sb);
      }
      Prom prom = prometheusName(d);
      out.println("  prometheus: " + prom.name.orElse("(none: " + prom.problem.orElse("") + ")")
          + (d.type().isEmpty() ? " (as a gauge; the type comes from the input)" : ""));
      if (!d.operands().isEmpty()) {
        out.println("  value:      " + derivation(d) + " (from the same resource and batch)");
      }
      d.reduce().ifPresent(r -> out.println("  value:      the input's " + r.word()));
      aggregation(d, prom).ifPresent(a -> {
        MetricType type = d.type().orElseThrow();
        out.println("  aggregate:  " + a.rule().id() + ": " + a.rule().describe()
            + (a.fits(type) ? "" : " names the family, but " + a.op().word() + " does not fit a " + type.word()
                + ": not aggregated"));
      });
      if (!d.help().isEmpty()) {
        out.println("  help:       " + d.help());
      }
    }

    /** What an overlay set makes of the name in addition, when one is on and matches. */
    private Optional<ViewDecision> overlay(String name) {
      return views.overlay().map(o -> o.decide(name)).filter(o -> o.matched() && !o.drop());
    }

    private static String derivation(ViewDecision d) {
      StringBuilder sb = new StringBuilder("the value");
      d.operands().forEach(o -> sb.append(o.sign() > 0 ? " + " : " - ").append(o.name()));
      return sb.toString();
    }

    /**
     * Capture and constant labels with their values, and labels from a sibling attribute as {@code
     * <value of attribute Type>}, sorted by name.
     */
    private static Map<String, String> labels(ViewDecision d) {
      Map<String, String> labels = new TreeMap<>(d.labels().asMap());
      for (Map.Entry<String, AttributeLabel> e : d.attributeLabels().entrySet()) {
        labels.put(e.getKey(), describe(e.getValue()));
      }
      return labels;
    }

    private static Prom prometheusName(ViewDecision d) {
      if (d.name().isEmpty()) {
        return new Prom(Optional.empty(), Optional.empty());
      }
      try {
        return new Prom(
            Optional.of(PrometheusNaming.metricName(
                d.name().get(), d.unit().orElse(""), d.type().orElse(MetricType.GAUGE))),
            Optional.empty());
      } catch (IllegalArgumentException e) {
        return new Prom(Optional.empty(), Optional.of(e.getMessage()));
      }
    }

    private static void add(JsonObject o, String key, Optional<String> value) {
      if (value.isPresent()) {
        o.addProperty(key, value.get());
      } else {
        o.add(key, JsonNull.INSTANCE);
      }
    }
  }

  private record Prom(Optional<String> name, Optional<String> problem) {}

  /** A label from a sibling attribute, as a value: {@code <value of attribute Type>}. */
  static String describe(AttributeLabel a) {
    return "<value of attribute " + a.attribute() + ">";
  }

  /**
   * The same with its map and default: {@code <value of attribute Type, HEAP as heap, NON_HEAP as
   * non_heap; "x" without it>}; without a default, a point whose MBean lacks the attribute is dropped.
   */
  static String describeInFull(AttributeLabel a) {
    StringBuilder sb = new StringBuilder("<value of attribute ").append(a.attribute());
    new TreeMap<>(a.map()).forEach((k, v) -> sb.append(", ").append(k).append(" as ").append(v));
    a.fallback().ifPresent(f -> sb.append("; \"").append(f).append("\" without it"));
    return sb.append('>').toString();
  }
}
