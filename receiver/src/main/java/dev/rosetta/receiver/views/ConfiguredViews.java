package dev.rosetta.receiver.views;

import dev.rosetta.model.view.ViewFiles;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.config.ViewsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Builds the {@link ViewSet} a {@link ViewsConfig} describes: the file globs expanded against the
 * configuration file's directory (each glob's files sorted; a glob that matches nothing is an
 * error), then the selected built-in sets. Stateless; reads files on each call.
 */
public final class ConfiguredViews {
  private ConfiguredViews() {}

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
    Objects.requireNonNull(config, "config");
    List<Path> files = ViewFiles.expand(config.baseDirectory(), config.files());
    return ViewSet.builder()
        .addFiles(files)
        .builtins(config.builtin())
        .memoCapacity(memoCapacity)
        .build();
  }
}
