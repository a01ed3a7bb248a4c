package dev.rosetta.receiver.views;

import dev.rosetta.model.view.View;
import dev.rosetta.model.view.ViewLoadError;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.model.view.ViewShadowing;
import dev.rosetta.receiver.config.ConfigError;
import dev.rosetta.receiver.config.ConfigErrors;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.FileCheck;
import dev.rosetta.receiver.config.PipelineConfig;
import dev.rosetta.receiver.config.Positions;
import dev.rosetta.receiver.config.RelabelSettings;
import dev.rosetta.receiver.pipeline.RelabelReach;
import dev.rosetta.receiver.pipeline.RelabelStage;
import dev.rosetta.receiver.config.RosettaConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A configuration file checked whole, as {@code validate}, the start and a reload see it: the file
 * (relabel rules included), the view files its globs name and the built-in view sets it selects,
 * and the {@code aggregate:} rules against the families those views produce, with every problem of every file in one report. Each problem is one line, {@code
 * file:line:column: key.path: message} ({@code views/app.yaml:7:12: view 2 "app.latency", field
 * "scale": ...} for a view file): first the configuration file's in file order (a view glob that
 * matches nothing among them, at its line), then each view file's. Stateless.
 */
public final class ConfigCheck {
  private ConfigCheck() {}

  /**
   * The outcome: the configuration and its views when there was no problem, the problems, where
   * the configuration file's keys are written, and the warnings of a valid configuration (each a
   * line starting {@code warning: }): relabel rules that can never have an effect or read labels
   * their stage never has ({@link RelabelReach}), views no name can reach ({@link ViewShadowing}).
   */
  public record Result(
      Optional<RosettaConfig> config, Optional<ViewSet> views, List<String> errors, Positions positions,
      List<String> warnings) {
    public Result {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(views, "views");
      errors = List.copyOf(errors);
      Objects.requireNonNull(positions, "positions");
      warnings = List.copyOf(warnings);
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** Checks {@code file}, with {@code env} for {@code ${env:NAME}} and {@code fileCheck} for the files it names. */
  public static Result run(Path file, Map<String, String> env, FileCheck fileCheck) {
    return of(ConfigLoader.check(file, env, fileCheck), ViewSet.DEFAULT_MEMO_CAPACITY);
  }

  /** Completes a configuration check with its views ({@code memoCapacity} for the view set built). */
  public static Result of(ConfigLoader.Checked checked, int memoCapacity) {
    List<ConfigError> configErrors = new ArrayList<>(checked.errors());
    List<ViewLoadError> viewErrors = new ArrayList<>();
    Optional<ViewSet> views = Optional.empty();
    if (checked.config().isPresent()) {
      RosettaConfig config = checked.config().get();
      ConfiguredViews.Checked v = ConfiguredViews.check(config.views(), memoCapacity);
      for (var g : v.globErrors()) {
        configErrors.add(new ConfigError(config.source(), "views.files[" + g.index() + "]", g.glob(), g.message())
            .locatedBy(checked.positions()));
      }
      viewErrors.addAll(v.errors());
      views = v.views();
      // aggregate: rules must fit the type of the families the views produce
      if (views.isPresent()) {
        for (ConfigError e : KnownFamilies.check(config, views.get())) {
          configErrors.add(e.locatedBy(checked.positions()));
        }
      }
    }
    List<String> lines = new ArrayList<>();
    ConfigErrors.inFileOrder(configErrors).forEach(e -> lines.add(e.toString()));
    viewErrors.forEach(e -> lines.add(e.toString()));
    boolean ok = lines.isEmpty();
    List<String> warnings = ok ? warnings(checked.config().orElseThrow(), views.orElseThrow(), checked.positions())
        : List.of();
    return new Result(
        ok ? checked.config() : Optional.empty(), ok ? views : Optional.empty(), lines, checked.positions(),
        warnings);
  }

  /** The warnings of a valid configuration, relabel rules first (in file order), then views. */
  static List<String> warnings(RosettaConfig config, ViewSet views, Positions positions) {
    List<ConfigError> relabel = new ArrayList<>();
    RelabelSettings r = config.relabel();
    for (RelabelStage.Kind stage : RelabelStage.Kind.values()) {
      String key = stage == RelabelStage.Kind.INPUT ? "input" : "output";
      for (RelabelReach.Finding f : RelabelReach.check(stage, stage == RelabelStage.Kind.INPUT ? r.input() : r.output(),
          r.nameValidation())) {
        relabel.add(new ConfigError(config.source(), "relabel." + key + "[" + f.index() + "]." + f.field(), "",
            "rule " + (f.index() + 1) + ": " + f.message()).locatedBy(positions));
      }
    }
    // relabel processors a pipeline places: before the views they see what the input stage sees,
    // after them what the output stage sees
    for (PipelineConfig.Stage stage : config.pipeline().stages()) {
      if (!(stage instanceof PipelineConfig.Relabel p)
          || !(p.label().equals("relabel") || p.label().startsWith("relabel/"))) {
        continue;
      }
      RelabelStage.Kind kind = p.beforeViews() ? RelabelStage.Kind.INPUT : RelabelStage.Kind.OUTPUT;
      for (RelabelReach.Finding f : RelabelReach.check(kind, p.rules(), r.nameValidation())) {
        relabel.add(new ConfigError(config.source(), "processors." + p.label() + ".metric_relabel_configs["
            + f.index() + "]." + f.field(), "", "rule " + (f.index() + 1) + ": " + f.message()).locatedBy(positions));
      }
    }
    List<String> out = new ArrayList<>();
    ConfigErrors.inFileOrder(relabel).forEach(e -> out.add("warning: " + e));
    shadows(views, out);
    views.overlay().ifPresent(o -> shadows(o, out));
    return out;
  }

  private static void shadows(ViewSet views, List<String> out) {
    for (ViewShadowing.Shadow s : ViewShadowing.find(views.views())) {
      View v = s.view();
      View by = s.by();
      boolean sameFile = v.source().file().equals(by.source().file());
      out.add("warning: " + where(v) + ": " + describe(v) + ": never applies: " + describe(by)
          + (sameFile ? "" : " of " + by.source().file())
          + (by.line() > 0 ? " (line " + by.line() + ")" : "")
          + " comes first and matches every name it matches");
    }
  }

  private static String where(View v) {
    return v.source().file() + (v.line() > 0 ? ":" + v.line() + ":" + v.column() : "");
  }

  /** {@code view 3 "app.latency"}, or {@code view 3} for a view without an id. */
  private static String describe(View v) {
    String n = "view " + (v.source().index() + 1);
    return v.id().equals(v.source().toString()) ? n : n + " \"" + v.id() + "\"";
  }
}
