package dev.rosetta.receiver.config;

import dev.rosetta.model.io.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads a {@link RosettaConfig}: YAML text → plain tree → environment expansion → records,
 * reporting every problem at once in a {@link ConfigException}.
 *
 * <p>The environment is passed in (normally {@code System.getenv()}), never read here, so tests can
 * give their own. Files named in the configuration (TLS certificates and keys) are checked with a
 * {@link FileCheck}, by default {@link FileCheck#readable()}. Stateless and thread-safe.
 */
public final class ConfigLoader {
  /** The {@link RosettaConfig#source()} of {@link #embeddedDefault()}. */
  public static final String EMBEDDED_SOURCE = "embedded default";

  /** The classpath resource holding the embedded default configuration. */
  public static final String EMBEDDED_RESOURCE = "/dev/rosetta/receiver/default-config.yaml";

  /** Larger files are refused before parsing; a configuration is a few kilobytes. */
  public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private ConfigLoader() {}

  /**
   * Loads {@code file}; errors name it as given ({@code conf/rosetta.yaml: exporters.otlp...}).
   *
   * @throws ConfigException when the file cannot be read or the configuration is invalid
   */
  public static RosettaConfig load(Path file, Map<String, String> env) throws ConfigException {
    return load(file, env, FileCheck.readable());
  }

  /** {@link #load(Path, Map)} with a chosen check for the files the configuration names. */
  public static RosettaConfig load(Path file, Map<String, String> env, FileCheck fileCheck)
      throws ConfigException {
    Objects.requireNonNull(file, "file");
    String source = file.toString();
    return parse(read(file, source), source, env, fileCheck);
  }

  /**
   * Parses {@code yamlText}; {@code source} names it in errors. Empty text gives all defaults.
   *
   * @throws ConfigException when the configuration is invalid
   */
  public static RosettaConfig parse(String yamlText, String source, Map<String, String> env)
      throws ConfigException {
    return parse(yamlText, source, env, FileCheck.readable());
  }

  /**
   * {@link #parse(String, String, Map)} with a chosen check for the files the configuration names.
   */
  public static RosettaConfig parse(
      String yamlText, String source, Map<String, String> env, FileCheck fileCheck)
      throws ConfigException {
    Objects.requireNonNull(yamlText, "yamlText");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(fileCheck, "fileCheck");
    Checked c = check(yamlText, source, env, fileCheck);
    if (!c.errors().isEmpty()) {
      throw new ConfigException(c.errors());
    }
    return c.config().orElseThrow();
  }

  /**
   * What {@link #check(Path, Map, FileCheck)} found: the configuration as bound, with defaults where
   * values were bad (empty when the file could not be read or parsed), every error in file order, and
   * where the key paths are written (to place errors found later, such as a view glob that matches
   * nothing).
   */
  public record Checked(Optional<RosettaConfig> config, List<ConfigError> errors, Positions positions) {
    public Checked {
      Objects.requireNonNull(config, "config");
      errors = List.copyOf(errors);
      Objects.requireNonNull(positions, "positions");
    }

    /** The configuration, when it bound without errors. */
    public Optional<RosettaConfig> valid() {
      return errors.isEmpty() ? config : Optional.empty();
    }
  }

  /**
   * Loads {@code file} without throwing for what is in it: every problem is in the result, and the
   * configuration is bound as far as it can be, so that the files it names can be checked too.
   */
  public static Checked check(Path file, Map<String, String> env, FileCheck fileCheck) {
    Objects.requireNonNull(file, "file");
    String source = file.toString();
    try {
      return check(read(file, source), source, env, fileCheck);
    } catch (ConfigException e) {
      return new Checked(Optional.empty(), e.errors(), Positions.none());
    }
  }

  /** {@link #check(Path, Map, FileCheck)} on text; {@code source} names it in errors. */
  public static Checked check(String yamlText, String source, Map<String, String> env, FileCheck fileCheck) {
    Objects.requireNonNull(yamlText, "yamlText");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(fileCheck, "fileCheck");
    YamlTrees.Loaded loaded;
    try {
      loaded = YamlTrees.loadWithPositions(yamlText, source);
    } catch (ConfigException e) {
      return new Checked(Optional.empty(), e.errors(), Positions.none());
    }
    ConfigErrors errors = new ConfigErrors(source, loaded.positions());
    Object expanded = EnvExpander.expand(loaded.tree(), env, errors);
    ConfigNode root = ConfigNode.root(expanded, errors);
    RosettaConfig config = new ConfigBinder(fileCheck).bind(root, source);
    return new Checked(Optional.of(config), ConfigErrors.inFileOrder(errors.list()), loaded.positions());
  }

  /**
   * The configuration built into the service: every listener on loopback with default settings, no
   * OTLP forwarding. See {@link #embeddedDefaultText()}.
   *
   * @throws IllegalStateException if the embedded file is missing or invalid (a packaging bug)
   */
  public static RosettaConfig embeddedDefault() {
    try {
      return parse(embeddedDefaultText(), EMBEDDED_SOURCE, Map.of(), FileCheck.none());
    } catch (ConfigException e) {
      throw new IllegalStateException(
          "the embedded default configuration is invalid: " + e.getMessage(), e);
    }
  }

  /** The commented YAML of the embedded default configuration, a starting point for users. */
  public static String embeddedDefaultText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + EMBEDDED_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + EMBEDDED_RESOURCE, e);
    }
  }

  private static String read(Path file, String source) throws ConfigException {
    String problem;
    try {
      return TextFiles.readUtf8(file, "configuration file", MAX_FILE_BYTES);
    } catch (TextFiles.UnreadableException e) {
      problem = e.getMessage();
    }
    throw new ConfigException(List.of(new ConfigError(source, "", "", problem)));
  }
}
