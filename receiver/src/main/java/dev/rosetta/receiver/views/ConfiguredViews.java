package dev.rosetta.receiver.views;

import dev.rosetta.model.view.ViewFiles;
import dev.rosetta.model.view.ViewLoadError;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.config.ViewsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the {@link ViewSet} a {@link ViewsConfig} describes: the file globs expanded against the
 * configuration file's directory (each glob's files sorted; a glob that matches nothing is an
 * error, reported with the problems of the files the other globs matched), then the selected
 * built-in sets. Stateless; reads files on each call.
 */
public final class ConfiguredViews {
  private ConfiguredViews() {}

  /** What {@link #check} found: the views when every file loaded, the globs that failed, the files' problems. */
  public record Checked(Optional<ViewSet> views, List<ViewFiles.GlobError> globErrors, List<ViewLoadError> errors) {
    public Checked {
      Objects.requireNonNull(views, "views");
      globErrors = List.copyOf(globErrors);
      errors = List.copyOf(errors);
    }
  }

  /**
   * Loads the views.
   *
   * @throws ViewLoadException naming every glob that matches nothing and every problem in the files
   */
  public static ViewSet load(ViewsConfig config) throws ViewLoadException {
    return load(config, ViewSet.DEFAULT_MEMO_CAPACITY);
  }

  /** {@link #load(ViewsConfig)} with a chosen memo capacity (0: no memo). */
  public static ViewSet load(ViewsConfig config, int memoCapacity) throws ViewLoadException {
    Checked c = check(config, memoCapacity);
    if (c.views().isPresent()) {
      return c.views().get();
    }
    List<ViewLoadError> all = new ArrayList<>();
    c.globErrors().forEach(g -> all.add(new ViewLoadError(g.glob(), 0, -1, "", "", g.message())));
    all.addAll(c.errors());
    throw new ViewLoadException(all);
  }

  /**
   * Expands every glob and loads every file it can, the built-in sets too, and reports all that
   * went wrong; the views only when nothing did.
   */
  public static Checked check(ViewsConfig config, int memoCapacity) {
    Objects.requireNonNull(config, "config");
    ViewFiles.Expansion files = ViewFiles.expandAll(config.baseDirectory(), config.files());
    try {
      ViewSet views = ViewSet.builder()
          .addFiles(files.files())
          .builtins(config.builtin())
          .memoCapacity(memoCapacity)
          .build();
      return new Checked(files.errors().isEmpty() ? Optional.of(views) : Optional.empty(), files.errors(),
          List.of());
    } catch (ViewLoadException e) {
      return new Checked(Optional.empty(), files.errors(), e.errors());
    }
  }
}
