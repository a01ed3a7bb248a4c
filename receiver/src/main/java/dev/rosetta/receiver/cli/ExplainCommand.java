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
import dev.rosetta.receiver.config.ConfigException;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.ViewsConfig;
import dev.rosetta.receiver.views.ConfiguredViews;
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
 * input}, when an overlay set also maps the name); a malformed input gives {@code {"input": ...,
 * "error": ...}} instead.
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
        --config FILE   use the views of this configuration (default: the built-in sets)
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
    try {
      rosetta = config == null ? ConfigLoader.embeddedDefault() : ConfigLoader.load(Path.of(config), env);
    } catch (InvalidPathException e) {
      err.println(config + ": invalid file name: " + e.getReason());
      return FAILED;
    } catch (ConfigException e) {
      e.errors().forEach(err::println);
      return FAILED;
    }
    ViewSet views;
    try {
      views = ConfiguredViews.load(rosetta.views(), 0);
    } catch (ViewLoadException e) {
      e.errors().forEach(err::println);
      return FAILED;
    }

    Explainer explainer = new Explainer(views, rosetta.views().unmatched(), AggregationRules.of(rosetta.aggregate()),
        json, out);
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
    new Explainer(views, unmatched, aggregation, false, out).explain(name);
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
    private final AggregationRules aggregation;
    private final boolean json;
    private final PrintStream out;
    private boolean malformed;
    private boolean first = true;

    Explainer(ViewSet views, ViewsConfig.Unmatched unmatched, AggregationRules aggregation, boolean json,
        PrintStream out) {
      this.views = views;
      this.unmatched = unmatched;
      this.aggregation = aggregation;
      this.json = json;
      this.out = out;
    }

    void explain(String name) {
      ViewDecision d = views.decide(name);
      malformed |= d.malformed();
      if (json) {
        out.println(GSON.toJson(json(d)));
      } else {
        if (!first) {
          out.println();
        }
        first = false;
        text(d);
        Optional<ViewDecision> ov = d.malformed() ? Optional.empty() : overlay(name);
        if (ov.isPresent()) {
          out.println("  and, from the overlay set " + ov.get().source().orElseThrow() + ":");
          text(ov.get());
        }
      }
      out.flush();
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
      out.println(d.input());
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
      Map<String, String> labels = labels(d);
      if (labels.isEmpty()) {
        out.println("  labels:     (none)");
      } else {
        StringBuilder sb = new StringBuilder();
        labels.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append("=\"").append(v).append('"'));
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

    /** Capture and constant labels, then attribute labels as {attribute:Name}, sorted by name. */
    private static Map<String, String> labels(ViewDecision d) {
      Map<String, String> labels = new TreeMap<>(d.labels().asMap());
      for (Map.Entry<String, AttributeLabel> e : d.attributeLabels().entrySet()) {
        labels.put(e.getKey(), "{attribute:" + e.getValue().attribute() + "}");
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
}
